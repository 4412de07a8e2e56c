"""The browser tests' app server: Reflex's AppHarnessProd, with the built pages served
through the app's own security-headers middleware.

`reflex run --env prod` serves the compiled frontend from the backend, inside the
middleware (cloudlink_app/http/headers.py), so production pages carry the
Content-Security-Policy and the other headers. The harness serves them from a static
server of its own on another port; wrapping that server in the same middleware makes
every browser test run its pages under the production headers, so a policy that
breaks the frontend fails the suite.

In production one address answers the pages and the backend (nginx in front of
`make serve`), and one-time links point there (services/links.py). The harness's
pages are on a port of their own, so its frontend server answers the backend's own
endpoints (/auth/..., cloudlink_app/http) too: a link made for the frontend's address
works as it does in production.
"""

from __future__ import annotations

import contextvars

import reflex.utils.exec
from reflex.testing import AppHarnessProd, _get_uvicorn, chdir
from starlette.types import ASGIApp, Receive, Scope, Send

from cloudlink_app.http.caching import cache_headers
from cloudlink_app.http.endpoints import auth_app
from cloudlink_app.http.headers import security_headers

AUTH_PREFIX = "/auth/"


def with_endpoints(pages: ASGIApp) -> ASGIApp:
    """The static pages' app, with the backend's own endpoints answered beside them."""
    endpoints = auth_app()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(AUTH_PREFIX):
            await endpoints(scope, receive, send)
        else:
            await pages(scope, receive, send)

    return app


class HeadersHarness(AppHarnessProd):
    """AppHarnessProd whose frontend responses carry the app's security headers."""

    _context: contextvars.Context | None = None

    def _start_frontend(self):
        # The harness's frontend thread starts without this context, hence without
        # Reflex's configuration (the backend's api_url, which the policy names):
        # it runs in a copy of it.
        self._context = contextvars.copy_context()
        super()._start_frontend()

    def _run_frontend(self):
        assert self._context is not None
        self._context.run(self._serve_frontend)

    def _serve_frontend(self):
        # AppHarnessProd._run_frontend, with the static app wrapped.
        uvicorn = _get_uvicorn()
        with chdir(self.app_path):
            frontend_app = security_headers(
                cache_headers(with_endpoints(reflex.utils.exec._frontend_prod_app()))
            )
        self.frontend_server = uvicorn.Server(
            uvicorn.Config(app=frontend_app, host="127.0.0.1", port=0)
        )
        self.frontend_server.run()
