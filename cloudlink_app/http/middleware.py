"""The ASGI middleware between the browser and Reflex: the session cookie and the link
cookie never reach Reflex, only keyed hashes of their tokens do.

Reflex copies the headers of the request that opened the websocket into every event's
router data, which is pickled with the tab's state (``.states/`` or Redis). So for the
websocket endpoint (``/_event``) the middleware

- drops the ``cookie`` header (the session token, a one-time link's and the
  known-device cookie are in it),
- puts ``Authorization: CloudLink-Session <HMAC of the token>`` in its place
  (services/sessions.py ``session_header``), which the states look the session up by,
- and, when the browser holds a link cookie, ``Proxy-Authorization: CloudLink-Link
  <HMAC of the link's token>`` (services/password_links.py ``link_header``), which the
  Set password page looks the link up by.

Any Authorization or Proxy-Authorization header the client sent is removed first, on
every request, so a crafted client can never choose the session it runs as nor the
link it uses. Reflex never sends either header back to the browser.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from cloudlink_app.http import cookies
from cloudlink_app.services import password_links, sessions

_SESSION_HEADER = sessions.SESSION_HEADER.encode("latin-1")
_LINK_HEADER = password_links.LINK_HEADER.encode("latin-1")
_STRIPPED = {_SESSION_HEADER, _LINK_HEADER}
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
            connection = HTTPConnection(scope)
            session_value = sessions.session_header(cookies.session_token(connection))
            link_value = password_links.link_header(cookies.link_token(connection))
            headers = [(name, value) for name, value in headers if name != _COOKIE]
            for name, value in ((_SESSION_HEADER, session_value), (_LINK_HEADER, link_value)):
                if value is not None:
                    headers.append((name, value.encode("latin-1")))
        # A new scope: the caller's stays as it was.
        await self.app({**scope, "headers": headers}, receive, send)
