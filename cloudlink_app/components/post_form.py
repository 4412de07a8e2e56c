"""A plain HTML form that the browser itself posts to the backend (sign in, sign out):
the response sets or clears the HttpOnly session cookie and loads the next page anew.

``rx.el.form`` always handles submit in JavaScript (it prevents the browser's own
submit), so this is the bare element.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.vars import Var
from reflex_base.constants import Dirs
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import VarData
from reflex_components_core.el.elements.base import BaseHTML

_IMPORTS = {
    "$/env.json": [ImportVar(tag="env", is_default=True)],
    f"$/{Dirs.STATE_PATH}": [ImportVar(tag="getBackendURL")],
}


class PostForm(BaseHTML):
    """<form method="post" action=...>, submitted by the browser."""

    tag = "form"
    action: Var[str]
    method: Var[str]
    no_validate: Var[bool]


def backend_url(path: str) -> Var:
    """The absolute URL of ``path`` on the backend, as Reflex's frontend reaches it.

    Before the page's state arrived (and in the prerendered HTML) it is the backend URL
    the app was built with; after, the one Reflex's websocket uses (``getBackendURL``:
    "localhost" becomes the page's own host name), so the cookie the backend sets is
    the one the websocket sends. Two expressions on purpose: React keeps a prerendered
    attribute that differs at hydration, and changes it only on a later render."""
    path_js = json.dumps(path)
    built = Var(
        _js_expr=f"new URL({path_js}, env.PING).href",
        _var_data=VarData(imports=_IMPORTS),
    ).to(str)
    live = Var(
        _js_expr=f"new URL({path_js}, getBackendURL(env.PING)).href",
        _var_data=VarData(imports=_IMPORTS),
    ).to(str)
    return rx.cond(rx.State.is_hydrated, live, built)


def post_form(*children, path: str, **props):
    """A form posted by the browser to the backend's ``path``."""
    return PostForm.create(*children, action=backend_url(path), method="post", **props)
