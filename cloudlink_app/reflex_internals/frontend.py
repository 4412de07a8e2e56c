"""JavaScript of Reflex's generated frontend, used from a page.

``connection_lost`` is the Var of Reflex's connection banner (not documented for apps).
``backend_url`` builds a Var from a JavaScript expression (Reflex 0.10.1: the
``Var(_js_expr=..., _var_data=...)`` fields) that imports ``env`` from ``$/env.json``
and ``getBackendURL`` from Reflex's own ``$/utils/state`` module
(``constants.Dirs.STATE_PATH``): how Reflex's frontend finds the backend, which the
plain HTML forms of sign-in and sign-out must post to (components/post_form.py).
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.components.core.banner import has_connection_errors
from reflex.constants import Dirs
from reflex.event import EventSpec
from reflex.vars import Var, VarData

_IMPORTS = {
    "$/env.json": [rx.ImportVar(tag="env", is_default=True)],
    f"$/{Dirs.STATE_PATH}": [rx.ImportVar(tag="getBackendURL")],
}


def _expression(js: str) -> Var[str]:
    return Var(_js_expr=js, _var_data=VarData(imports=_IMPORTS)).to(str)


def backend_url(path: str) -> Var[str]:
    """The absolute URL of ``path`` on the backend, as Reflex's frontend reaches it.

    Before the page's state arrived (and in the prerendered HTML) it is the backend URL
    the app was built with; after, the one Reflex's websocket uses (``getBackendURL``:
    "localhost" becomes the page's own host name), so the cookie the backend sets is
    the one the websocket sends. Two expressions on purpose: React keeps a prerendered
    attribute that differs at hydration, and changes it only on a later render."""
    path_js = json.dumps(path)
    built = _expression(f"new URL({path_js}, env.PING).href")
    live = _expression(f"new URL({path_js}, getBackendURL(env.PING)).href")
    return rx.cond(rx.State.is_hydrated, live, built)


# True while Reflex's websocket cannot connect: the Var behind Reflex's own connection
# banner (reflex_components_core.core.banner), which the app replaces by its own
# "Reconnecting" status (components/layout.py; app_hooks.remove_connection_toast).
connection_lost: Var[bool] = has_connection_errors


def call_imported(module: str, function: str, *args: Var | str | bool) -> EventSpec:
    """An event that calls ``function``, exported by the JavaScript module ``module``
    (a path as a component's ``library`` takes it), with ``args``: compiled into the
    page as a function, never sent as text to be evaluated (Reflex runs a
    ``_call_function`` whose function is not a string without ``eval``)."""
    values = [arg if isinstance(arg, Var) else Var.create(arg) for arg in args]
    var_data = VarData.merge(
        VarData(imports={module: [rx.ImportVar(tag=function)]}),
        *(value._get_all_var_data() for value in values),
    )
    code = f"(() => {function}({', '.join(str(value) for value in values)}))"
    return rx.call_function(Var(_js_expr=code, _var_data=var_data))
