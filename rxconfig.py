"""Reflex configuration: app name, database and state manager from the environment.

Every variable is read and checked once by cloudlink_app/settings.py: a bad value stops
the app here, with a message naming the variable.

- REFLEX_DB_URL: SQLAlchemy URL of the database (default: SQLite file cloudlink.db).
  PostgreSQL: postgresql+psycopg2://user@host:5432/dbname
- REFLEX_REDIS_URL: when set, Reflex keeps user state in Redis instead of memory.
- REFLEX_DEPLOY_URL: the public URL of the app (https://onboarding.example.com); when
  set, only that origin may open the websocket (otherwise any origin, for demos).
- CLOUDLINK_SECRET_KEY: the key that session tokens are hashed with (production);
  demo mode (CLOUDLINK_DEMO_MODE=1, as `make run` sets) generates one.
"""

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from cloudlink_app import settings

_settings = settings.get()  # raises SettingsError for a bad value: the app does not start
_origin = _settings.deploy_origin

config = rx.Config(
    app_name="cloudlink_app",
    db_url=_settings.db_url,
    telemetry_enabled=False,
    cors_allowed_origins=[_origin] if _origin else ["*"],
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[SitemapPlugin],
)
