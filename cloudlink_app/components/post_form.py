"""A plain HTML form that the browser itself posts to the backend (sign in, sign out):
the response sets or clears the HttpOnly session cookie and loads the next page anew.

``rx.el.form`` always handles submit in JavaScript (it prevents the browser's own
submit), so this is the bare element.
"""

from __future__ import annotations

import reflex as rx
from reflex.components.el.elements.base import BaseHTML
from reflex.vars import Var

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


def backend_link(*children, path: str, query: Var[str], **props):
    """A link to the backend's ``path`` with ``query`` ("?..." or "")."""
    return rx.el.a(*children, href=backend_url(path).to(str) + query, **props)
