"""The ASGI middleware between the browser and Reflex: the session cookie never reaches
Reflex, only a keyed hash of it does.

Reflex copies the headers of the request that opened the websocket into every event's
router data, which is pickled with the tab's state (``.states/`` or Redis). So for the
websocket endpoint (``/_event``) the middleware

- drops the ``cookie`` header (the session token and the known-device cookie are in
  it), and
- puts ``Authorization: CloudLink-Session <HMAC of the token>`` in its place
  (services/sessions.py ``session_header``), which the states look the session up by.

Any Authorization header the client sent is removed first, on every request, so a
crafted client can never choose the session it runs as. Reflex never sends an
Authorization header back to the browser.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from cloudlink_app.http import cookies
from cloudlink_app.services import sessions

_STRIPPED = {sessions.SESSION_HEADER.encode("latin-1")}
_COOKIE = b"cookie"


def _is_event_endpoint(path: str, event_path: str) -> bool:
    return path == event_path or path.startswith(event_path + "/")


class SessionHeaderMiddleware:
    """Replaces the session cookie of websocket requests by its hash (see the module)."""

    def __init__(self, app: ASGIApp, event_path: str = "/_event") -> None:
        """Wrap ``app``; ``event_path`` is Reflex's websocket endpoint."""
        self.app = app
        self.event_path = event_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite the headers of HTTP and websocket requests, then pass them on."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = [(name, value) for name, value in scope["headers"] if name not in _STRIPPED]
        if _is_event_endpoint(scope.get("path", ""), self.event_path):
            token = cookies.session_token(HTTPConnection(scope))
            headers = [(name, value) for name, value in headers if name != _COOKIE]
            value = sessions.session_header(token)
            if value is not None:
                headers.append((sessions.SESSION_HEADER.encode("latin-1"), value.encode("latin-1")))
        # A new scope: the caller's stays as it was.
        await self.app({**scope, "headers": headers}, receive, send)
