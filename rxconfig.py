"""Reflex configuration: app name, database and state manager from the environment.

Every variable is read and checked once by cloudlink_app/settings.py: a bad value stops
the app here, with a message naming the variable.

- REFLEX_DB_URL: SQLAlchemy URL of the database (default: SQLite file cloudlink.db).
  PostgreSQL: postgresql+psycopg://user@host:5432/dbname
- REFLEX_REDIS_URL: when set, Reflex keeps user state in Redis instead of memory.
- REFLEX_DEPLOY_URL: the public URL of the app (https://onboarding.example.com): only
  that origin may open the websocket; in demo mode also http://localhost:3000 and
  http://127.0.0.1:3000 (`make run`). cloudlink_app/http/headers.py checks every
  websocket's Origin against these (and the test harness's frontend) at run time.
- CLOUDLINK_SECRET_KEY: the key that session tokens are hashed with (production);
  demo mode (CLOUDLINK_DEMO_MODE=1, as `make run` sets) generates one.
- CLOUDLINK_TRUSTED_PROXY_HOPS: how many reverse proxies in front of the app append
  to X-Forwarded-For (default 0: the header is ignored); Reflex then takes the
  client's address (router.session.client_ip, what sign-in throttling counts) from it.
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
