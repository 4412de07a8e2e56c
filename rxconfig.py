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
    plugins=[rx.plugins.RadixThemesPlugin(), LocalhostDevServer()],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
