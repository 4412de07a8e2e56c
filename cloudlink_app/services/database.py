"""Sessions on the configured database (REFLEX_DB_URL, SQLite file by default)."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from reflex.model import get_engine
from sqlmodel import Session


def get_session() -> Session:
    """A new session on the app's database; use it as a context manager."""
    return Session(get_engine(), expire_on_commit=False)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _unicode_lower(dbapi_connection, _record) -> None:
    # SQLite's lower() folds A-Z only; search must find "Ärzte" by "ärzte" as
    # PostgreSQL does.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "lower", 1, lambda v: v.lower() if isinstance(v, str) else v, deterministic=True
        )
