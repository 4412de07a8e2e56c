"""The PostgreSQL server of the production tests, and the project's Alembic migrations
run against a URL of it."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PROJECT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    """The project's migrations (alembic/) against `url`, without alembic.ini's logging
    set-up (it would reconfigure the logging of the whole test run)."""
    config = Config()
    config.set_main_option("script_location", str(PROJECT / "alembic"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
