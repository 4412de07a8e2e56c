"""A plain HTML form that the browser itself posts to the backend (sign in, sign out):
the response sets or clears the HttpOnly session cookie and loads the next page anew.

``rx.el.form`` always handles submit in JavaScript (it prevents the browser's own
submit), so this is the bare element.
"""

from __future__ import annotations

import reflex as rx
from reflex.components.el.elements.base import BaseHTML
from reflex.vars import Var

from cloudlink_app import routes
from cloudlink_app.reflex_internals.frontend import backend_url


class PostForm(BaseHTML):
    """<form method="post" action=...>, submitted by the browser."""

    tag = "form"
    action: Var[str]
    method: Var[str]
    no_validate: Var[bool]


def post_form(*children, path: str, **props):
    """A form posted by the browser to the backend's ``path``."""
    return PostForm.create(*children, action=backend_url(path), method="post", **props)


def sign_in_form(*children, use_sso: Var[bool], **props):
    """The sign-in form: posted to POST /auth/sign-in, or, once ``use_sso``, sent as a
    GET to /auth/sso/start (the email and ``next`` in its query)."""
    return PostForm.create(
        *children,
        action=rx.cond(
            use_sso, backend_url(routes.AUTH_SSO_START), backend_url(routes.AUTH_SIGN_IN)
        ),
        method=rx.cond(use_sso, "get", "post"),
        **props,
    )
