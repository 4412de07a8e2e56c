"""Reflex configuration: app name, database and state manager from the environment.

- REFLEX_DB_URL: SQLAlchemy URL of the database (default: SQLite file cloudlink.db).
  PostgreSQL: postgresql+psycopg2://user@host:5432/dbname
- REFLEX_REDIS_URL: when set, Reflex keeps user state in Redis instead of memory.
"""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="cloudlink_app",
    db_url=os.environ.get("REFLEX_DB_URL", "sqlite:///cloudlink.db"),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[SitemapPlugin],
)
