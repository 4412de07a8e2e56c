"""Reflex configuration: app name, database and state manager from the environment.

- REFLEX_DB_URL: SQLAlchemy URL of the database (default: SQLite file cloudlink.db).
  PostgreSQL: postgresql+psycopg2://user@host:5432/dbname
- REFLEX_REDIS_URL: when set, Reflex keeps user state in Redis instead of memory.
- REFLEX_DEPLOY_URL: the public URL of the app (https://onboarding.example.com); when
  set, only that origin may open the websocket (otherwise any origin, for demos).
- CLOUDLINK_SECRET_KEY: the key that session tokens are hashed with (production);
  demo mode (CLOUDLINK_DEMO_MODE=1, as `make run` sets) generates one.
"""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

_deploy_url = os.environ.get("REFLEX_DEPLOY_URL", "").rstrip("/")

config = rx.Config(
    app_name="cloudlink_app",
    db_url=os.environ.get("REFLEX_DB_URL", "sqlite:///cloudlink.db"),
    telemetry_enabled=False,
    cors_allowed_origins=[_deploy_url] if _deploy_url else ["*"],
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[SitemapPlugin],
)
