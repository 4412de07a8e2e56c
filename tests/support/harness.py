"""The browser tests' app server: Reflex's AppHarnessProd, with the built pages served
through the app's own security-headers middleware.

`reflex run --env prod` serves the compiled frontend from the backend, inside the
middleware (cloudlink_app/http/headers.py), so production pages carry the
Content-Security-Policy and the other headers. The harness serves them from a static
server of its own on another port; wrapping that server in the same middleware makes
every browser test run its pages under the production headers, so a policy that
breaks the frontend fails the suite.
"""

from __future__ import annotations

import contextvars

import reflex.utils.exec
from reflex.testing import AppHarnessProd, _get_uvicorn, chdir

from cloudlink_app.http.headers import security_headers


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
            frontend_app = security_headers(reflex.utils.exec._frontend_prod_app())
        self.frontend_server = uvicorn.Server(
            uvicorn.Config(app=frontend_app, host="127.0.0.1", port=0)
        )
        self.frontend_server.run()
