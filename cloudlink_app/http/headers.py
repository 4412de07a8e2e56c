"""Security headers on every response of the backend, and the websocket's Origin check.

SecurityHeadersMiddleware wraps the whole backend (an ``api_transformer``), so it sees
every HTTP response (the pages too where the backend serves them: `reflex run --env
prod` mounts the compiled frontend in the backend, one port) and every websocket's
upgrade request before Reflex does:

- A websocket whose Origin is not one of the app's (allowed_origin) is closed before
  it is accepted (the server answers 403): no other site's page can open a signed-in
  user's websocket, which carries their session cookie. Requests without Origin (not
  from a browser page) are let through, as browsers always send it here.
- Every HTTP response gets SECURITY_HEADERS, the Content-Security-Policy (csp()) and,
  outside demo mode, Strict-Transport-Security (HSTS).

The Content-Security-Policy, measured on the Reflex 0.10.1 production build in
Chromium (the browser tests run every page under it):
- script-src 'unsafe-inline': every page has inline scripts of its own (the colour
  theme set before the first paint, React Router's hydration context and route
  modules), which differ by page and build.
- script-src 'unsafe-eval': Reflex runs rx.call_script (the page title, the focus moved
  to a notice or a field) with eval() in the browser.
- style-src 'unsafe-inline': Emotion (Reflex's style props) and Radix insert <style>
  elements at run time.
- connect-src: the page's own origin and the backend's (Reflex's api_url), as ws(s)://
  and http(s)://: where the backend runs on another port (`make run`, the test
  harness) the page talks to it there. form-action: the same, as the sign-in and
  sign-out forms post to the backend.
- Nothing else: default-src 'self', no plugins (object-src 'none'), no <base> of
  another origin, img/font from the app or data: URLs, and no framing (frame-ancestors
  'none', with X-Frame-Options DENY for browsers that predate it).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from reflex.config import get_config
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cloudlink_app import settings
from cloudlink_app.http.cookies import frontend_origins

SECURITY_HEADERS = {
    # Not "no-referrer" nor "same-origin": with those Chromium sends "Origin: null" on a
    # form post (to another port: `make run`, the harness), and the sign-in endpoint
    # refuses forms of unknown origin. Other sites never see a path (account IDs).
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Two years; not includeSubDomains: the app cannot know the other hosts of the domain.
HSTS = "max-age=63072000"
# 1008: policy violation. Closed before accept, the server answers the upgrade with 403.
REFUSED_CLOSE_CODE = 1008


def allowed_origin(origin: str) -> bool:
    """Whether a page of ``origin`` may open the websocket: the deploy URL's origin (or
    the test harness's frontend, which Reflex's deploy_url names) and, in demo mode,
    `make run`'s localhost origins (rxconfig's cors_allowed_origins,
    settings.allowed_origins). Compared without regard to case."""
    origins = set(frontend_origins()) | set(settings.get().allowed_origins)
    return origin.strip().lower() in origins


def engineio_origin_check(origin: str | None, environ: dict | None = None) -> bool:
    """allowed_origin in the form python-engineio takes as ``cors_allowed_origins``, so
    that Reflex's Socket.IO server agrees with the middleware (it would otherwise use
    the list rxconfig had when the app was made)."""
    return origin is None or allowed_origin(origin)


def _origin_of(url: str) -> tuple[str, str] | None:
    """(http origin, websocket origin) of a URL, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"


def csp() -> str:
    """The Content-Security-Policy (see the module's docstring for why each part)."""
    backend = _origin_of(get_config().api_url or "")
    backend_sources = " ".join(backend) if backend else ""
    directives = [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self' {backend_sources}".strip(),
        f"form-action 'self' {backend[0] if backend else ''}".strip(),
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def response_headers() -> dict[str, str]:
    """The headers every HTTP response gets (HSTS only outside demo mode)."""
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": csp()}
    if not settings.get().demo_mode:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """ASGI middleware: refuses websockets of other origins, adds the security headers
    to every HTTP response (without replacing one the response set itself)."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] == "websocket":
            origin = Headers(scope=scope).get("origin")
            if origin is not None and not allowed_origin(origin):
                await send({"type": "websocket.close", "code": REFUSED_CLOSE_CODE})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = response_headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(app: ASGIApp) -> ASGIApp:
    """The api_transformer that wraps the backend in SecurityHeadersMiddleware."""
    return SecurityHeadersMiddleware(app)
