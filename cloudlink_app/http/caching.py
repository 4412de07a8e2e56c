"""Cache-Control on the built pages and assets the backend serves (issue 21).

`make serve` serves the production build from the backend's port (Reflex's
PrecompressedStaticFiles: the ``.gz``/``.br`` files the build made beside each asset,
by the browser's Accept-Encoding; rxconfig.py ``frontend_compression_formats``). It
sets no Cache-Control, so browsers guessed. This middleware says it:

- ``/assets/...``: Vite's output, every name carries a hash of its content, so a file
  never changes under its name: ``public, max-age=31536000, immutable`` (no request at
  all on the next visit).
- Everything else that is a page or a file of the build (HTML, /favicon.ico): ``no-cache``,
  the browser revalidates every time (ETag/Last-Modified, a 304 when nothing changed),
  so a new deployment is seen at once and its pages name the new assets.

The backend's own answers (the websocket, /auth/..., /_health) keep what they set:
only responses without a Cache-Control of their own get one. nginx serves /assets/
from disk with the same header (deploy/nginx/cloudlink-assets.conf).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ASSETS_PREFIX = "/assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def cache_control(path: str, status: int) -> str | None:
    """The Cache-Control for a GET of ``path`` answered with ``status`` (None: none)."""
    if status in (200, 304) and path.startswith(ASSETS_PREFIX):
        return IMMUTABLE
    return REVALIDATE


class CacheHeadersMiddleware:
    """ASGI middleware: Cache-Control on GET/HEAD responses that have none."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                value = cache_control(path, message["status"])
                if value is not None and "cache-control" not in headers:
                    headers["Cache-Control"] = value
            await send(message)

        await self.app(scope, receive, send_with_cache_control)


def cache_headers(app: ASGIApp) -> ASGIApp:
    """The api_transformer that wraps the backend in CacheHeadersMiddleware."""
    return CacheHeadersMiddleware(app)
