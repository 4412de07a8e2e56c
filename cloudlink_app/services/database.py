"""Sessions on the configured database (REFLEX_DB_URL, SQLite file by default), and
what the app does when that database cannot be reached.

Engines are Reflex's (reflex.model.get_engine): Reflex 0.10.1 creates them with
``pool_pre_ping`` on (its SQLALCHEMY_POOL_PRE_PING, default true), so a pooled
connection that died while the database was away (a restart, a failover, a network
cut) is tested and replaced on checkout instead of failing the next event. What
Reflex leaves open is how long a new connection may take: libpq waits for the
operating system (minutes for an address that does not answer). Every PostgreSQL
connection here gives up after CONNECT_TIMEOUT seconds instead (``_connect_timeout``),
so an event fails in seconds, with a message, rather than hanging.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from reflex.model import get_engine
from sqlmodel import Session

from cloudlink_app.domain.i18n import N_

# Seconds a new PostgreSQL connection may take (libpq's connect_timeout; 2 is its least).
CONNECT_TIMEOUT = 3
# What an event says when the database cannot be reached (a key of the catalogs).
UNAVAILABLE_MESSAGE = N_("notice.database_unavailable")


def get_session() -> Session:
    """A new session on the app's database; use it as a context manager."""
    return Session(get_engine(), expire_on_commit=False)


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) means the database cannot be reached now:
    a connection refused, lost or timed out (OperationalError, InterfaceError, any
    DBAPIError that invalidated its connection), or no pooled connection free in time.
    Such an error is not a bug: the same event works once the database is back."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa.exc.DBAPIError) and (
            current.connection_invalidated
            or (
                isinstance(current, sa.exc.OperationalError | sa.exc.InterfaceError)
                and _not_a_sqlite_bug(current.orig)
            )
        ):
            return True
        if isinstance(current, sa.exc.TimeoutError):  # the pool's checkout timeout
            return True
        current = current.__cause__ or current.__context__
    return False


def _not_a_sqlite_bug(orig: BaseException | None) -> bool:
    # SQLite reports mistakes of the code (no such table, no such column) as
    # OperationalError too: only a locked or unopenable file is its "unreachable".
    if not isinstance(orig, sqlite3.Error):
        return True
    return any(words in str(orig) for words in ("database is locked", "unable to open"))


@sa.event.listens_for(sa.engine.Engine, "do_connect")
def _connect_timeout(dialect, _conn_rec, _cargs, cparams) -> None:
    # Every PostgreSQL engine (Reflex's included): an unreachable server fails within
    # CONNECT_TIMEOUT seconds. A timeout the URL names itself is kept.
    if dialect.name == "postgresql":
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _unicode_lower(dbapi_connection, _record) -> None:
    # SQLite's lower() folds A-Z only; search must find "Ärzte" by "ärzte" as
    # PostgreSQL does.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "lower", 1, lambda v: v.lower() if isinstance(v, str) else v, deterministic=True
        )
