"""Reflex configuration: app name, database and allowed origins from the settings.

Every variable is read and checked once by cloudlink_app/settings.py (a bad value stops
the app here, with a message naming the variable); docs/configuration.md lists them.
cloudlink_app/http/headers.py checks every websocket's Origin against the same origins
(and the test harness's frontend) at run time.
"""

import reflex as rx

from cloudlink_app import settings
from cloudlink_app.reflex_internals.dev_server import LocalhostDevServer

_settings = settings.get()  # raises SettingsError for a bad value: the app does not start

config = rx.Config(
    app_name="cloudlink_app",
    db_url=_settings.db_url,
    telemetry_enabled=False,
    # Never "*": any site's page could open a signed-in user's websocket.
    cors_allowed_origins=list(_settings.allowed_origins),
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    show_built_with_reflex=False,
    # LocalhostDevServer: `reflex run --env dev` (make run) serves on 127.0.0.1 only.
    # No RadixThemesPlugin: the pages are plain elements with assets/styles.css, and its
    # stylesheet was 86 KB (gzip) on every page (issue 21). A Radix Themes component
    # would turn it on again (Reflex enables it implicitly, with a deprecation warning):
    # tests/e2e/test_first_paint.py fails then (the budgets).
    plugins=[LocalhostDevServer()],
    # Every built file also as .br and .gz beside it: `make serve` (Reflex's static
    # files) and nginx (brotli_static, gzip_static) send them as they are
    # (docs/deployment.md). In this order: Reflex 0.10.1 sends the first one the browser
    # accepts as much as the other, so brotli to every browser that takes it.
    frontend_compression_formats=["brotli", "gzip"],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
