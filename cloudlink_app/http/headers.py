"""Security headers on every response of the backend, and the websocket's Origin check.

SecurityHeadersMiddleware wraps the whole backend (an ``api_transformer``), so it sees
every HTTP response (the pages too where the backend serves them: `reflex run --env
prod` mounts the compiled frontend in the backend, one port) and every websocket's
upgrade request before Reflex does:

- A websocket whose Origin is not one of the app's (allowed_origin) is closed before
  it is accepted (the server answers 403): no other site's page can open a signed-in
  user's websocket, which carries their session cookie. Outside demo mode one without
  Origin is refused too: browsers always send it on a websocket, so it is no page of
  ours, and such clients could only send Reflex's built-in events to fill the log.
- Every HTTP response gets SECURITY_HEADERS, the Content-Security-Policy (csp()) and,
  outside demo mode, Strict-Transport-Security (HSTS).

The Content-Security-Policy, measured on the Reflex 0.10.1 production build in
Chromium (the browser tests run every page under it):
- script-src 'self' and the hashes of the built pages' inline scripts: every page has
  inline scripts of its own (the colour theme set before the first paint, React
  Router's hydration context and route modules, React's streaming helpers), which
  differ by build. Their SHA-256 hashes are read from the built pages
  (``inline_script_hashes``) when the backend first answers, so no other inline script
  runs. No 'unsafe-inline', and no 'unsafe-eval': nothing the app sends is evaluated
  (the title, focus and language are applied by a component of the page,
  components/page_effects.py, instead of rx.call_script, which Reflex runs with eval).
- style-src 'unsafe-inline': Emotion (Reflex's style props) inserts <style> elements at
  run time.
- connect-src: the page's own origin and the backend's (Reflex's api_url), as ws(s)://
  and http(s)://: where the backend runs on another port (the test harness) the page
  talks to it there. form-action: the same, as the sign-in and sign-out forms post to
  the backend.
- Nothing else: default-src 'self', no plugins (object-src 'none'), no <base> of
  another origin, img/font from the app or data: URLs, and no framing (frame-ancestors
  'none', with X-Frame-Options DENY for browsers that predate it).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from reflex.config import get_config
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cloudlink_app import settings
from cloudlink_app.http.cookies import frontend_origins
from cloudlink_app.reflex_internals import production

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


def socket_origin_allowed(origin: str | None) -> bool:
    """Whether a websocket with this Origin header (None: it sent none) may open: one of
    the app's origins (allowed_origin). Browsers always send Origin on a websocket, so
    one without it is not a page of ours: refused outside demo mode (where a local
    tool, e.g. the benchmarks, may still connect)."""
    if origin is None:
        return settings.get().demo_mode
    return allowed_origin(origin)


def engineio_origin_check(origin: str | None, environ: dict | None = None) -> bool:
    """socket_origin_allowed in the form python-engineio takes as
    ``cors_allowed_origins``, so that Reflex's Socket.IO server agrees with the
    middleware (it would otherwise use the list rxconfig had when the app was made)."""
    return socket_origin_allowed(origin)


def _origin_of(url: str) -> tuple[str, str] | None:
    """(http origin, websocket origin) of a URL, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"


# An inline <script> of a built page (one without src), and its text.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)


@functools.cache
def inline_script_hashes(pages: Path) -> tuple[str, ...]:
    """The CSP sources ('sha256-...') of every inline script of the built pages under
    ``pages`` (none when nothing is built there), sorted."""
    found = set()
    for page in pages.rglob("*.html"):
        for script in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest = hashlib.sha256(script.encode("utf-8")).digest()
            found.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return tuple(sorted(found))


def csp() -> str:
    """The Content-Security-Policy (see the module's docstring for why each part)."""
    backend = _origin_of(get_config().api_url or "")
    backend_sources = " ".join(backend) if backend else ""
    scripts = " ".join(("'self'", *inline_script_hashes(production.built_pages_dir())))
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
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
            if not socket_origin_allowed(Headers(scope=scope).get("origin")):
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
