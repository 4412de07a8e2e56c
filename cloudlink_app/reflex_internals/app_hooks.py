"""Changes to the app object Reflex makes, which Reflex 0.10.1 offers no setting for.

- The connection toast: Reflex wraps every page in an ``Overlay`` (``app.app_wraps``,
  key ``(5, "Overlay")``) whose toast names the websocket's URL when it is lost. Every
  page has its own "Reconnecting" status instead (components/layout.py).
- The Socket.IO origin check: Reflex gives its Socket.IO server the configured CORS
  origins (``app.sio.eio.cors_allowed_origins``, python-engineio's setting); the app
  asks its own rule there too (http/headers.py), at run time.
- The reload after a frontend error: Reflex's FrontendEventExceptionState answers some
  errors ("Cannot read properties of null") with an ``rx.call_script`` that reloads the
  page, which the browser runs with eval: forbidden by the app's Content-Security-Policy
  (it would only add a policy violation to the error).
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

_CONNECTION_TOAST = (5, "Overlay")


def remove_connection_toast(app: rx.App) -> None:
    """Drop Reflex's connection toast from every page. Fails loudly when Reflex no
    longer adds it there (a Reflex upgrade): then re-check what it shows."""
    if _CONNECTION_TOAST not in app.app_wraps:
        raise RuntimeError(
            "cloudlink_app.reflex_internals.app_hooks: Reflex no longer wraps pages in "
            f"{_CONNECTION_TOAST}; re-check its connection toast"
        )
    del app.app_wraps[_CONNECTION_TOAST]


def check_socketio_origins(app: rx.App, allowed: Callable[[str], bool]) -> None:
    """Have Reflex's Socket.IO server ask ``allowed(origin)`` for every connection."""
    if app.sio is None:  # made with the app's state; an app without state has none
        raise RuntimeError("cloudlink_app.reflex_internals.app_hooks: the app has no Socket.IO")
    app.sio.eio.cors_allowed_origins = allowed


def no_reload_on_frontend_errors() -> None:
    """Reflex's FrontendEventExceptionState never answers a frontend error with a script
    (``auto_reload_on_errors``, a class variable of Reflex's state)."""
    from reflex.state import FrontendEventExceptionState

    FrontendEventExceptionState.auto_reload_on_errors = []
