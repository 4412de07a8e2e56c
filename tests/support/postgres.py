"""The PostgreSQL and Redis servers of the production tests, and the project's Alembic
migrations run against a URL of it.

The URLs come from CLOUDLINK_TEST_POSTGRES_URL and CLOUDLINK_TEST_REDIS_URL when set
(`python -m tests.support.services -- ...` sets them to the servers it found or started),
else the machine's defaults below."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
POSTGRES_URL = os.environ.get("CLOUDLINK_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
REDIS_URL = os.environ.get("CLOUDLINK_TEST_REDIS_URL") or DEFAULT_REDIS_URL
PROJECT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    """The project's migrations (alembic/) against `url`, without alembic.ini's logging
    set-up (it would reconfigure the logging of the whole test run)."""
    # Imported here: `python -m tests.support.services` starts faster without Alembic.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(PROJECT / "alembic"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
