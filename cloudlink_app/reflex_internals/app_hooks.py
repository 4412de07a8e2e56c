"""Changes to the app object Reflex makes, which Reflex 0.10.1 offers no setting for.

- The connection toast: Reflex wraps every page in an ``Overlay`` (``app.app_wraps``,
  key ``(5, "Overlay")``) whose toast names the websocket's URL when it is lost. Every
  page has its own "Reconnecting" status instead (components/layout.py).
- The Socket.IO origin check: Reflex gives its Socket.IO server the configured CORS
  origins (``app.sio.eio.cors_allowed_origins``, python-engineio's setting); the app
  asks its own rule there too (http/headers.py), at run time.
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
