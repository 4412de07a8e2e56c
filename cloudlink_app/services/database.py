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

**Worker processes forked with connections.** Every way of starting the production
server forks its Granian workers from a process that has used the database:
``reflex run --env prod`` checks the schema (a pooled connection) before it forks, and
``make serve`` runs its start-up checks. A pooled connection copied into a child is one
server session, one socket, shared by every process that has a copy: two workers
talking over it at once mix their messages ("can't change 'autocommit' now: connection
in transaction status INTRANS", "server closed the connection unexpectedly", HTTP 500).
So right after any fork, in the child, every engine that has connected in this process
forgets its pool without closing it (``engine.dispose(close=False)``: the parent's
connections stay the parent's; psycopg does not close a connection it finds in another
process either) and opens its own connections (``_forget_inherited_connections``,
SQLAlchemy's "Using Connection Pools with Multiprocessing or os.fork()"). Not that
page's other recipe (a process id noted on ``connect`` and compared on ``checkout``):
with ``pool_pre_ping`` the pool pings the connection before the ``checkout`` event
runs, so the child would already have used the shared socket.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from reflex.model import get_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from cloudlink_app.domain.i18n import N_

# Seconds a new PostgreSQL connection may take (libpq's connect_timeout; 2 is its least).
CONNECT_TIMEOUT = 3
# What an event says when the database cannot be reached (a key of the catalogs).
UNAVAILABLE_MESSAGE = N_("notice.database_unavailable")


# Every engine that has opened a connection in this process (Reflex's, the tests'...):
# what a forked child must not use (see the module's docstring).
_CONNECTED_ENGINES: weakref.WeakSet[sa.engine.Engine] = weakref.WeakSet()


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


def insert_rows(
    session: Session,
    rows: Sequence[SQLModel],
    *,
    returning: Sequence[sa.ColumnElement[Any]] = (),
    skip_taken: bool = False,
) -> list[sa.Row[Any]]:
    """Insert ``rows`` (instances of one table model, made in Python: their defaults
    applied as the ORM applies them) in the caller's transaction with one statement
    however many there are: an executemany, or with ``returning`` SQLAlchemy's
    "insertmanyvalues" (one multi-row INSERT per 1,000 rows), rows in the order given.
    The ORM inserts such rows one statement each when it needs their ids (SQLite), so
    a save inviting 50 admin contacts sent 50 of each. The rows are not added to the
    session (their ids stay None): ``returning`` names the columns to read back, one
    result row per row inserted, in no promised order (key them by a unique column).
    ``skip_taken``: a row a unique index refuses (a value another transaction has just
    inserted; PostgreSQL waits for that one to end first) is left out instead of
    failing the statement, ON CONFLICT DO NOTHING on both databases: it returns nothing.
    Pending ORM changes are not flushed first (the caller flushes what must come before)."""
    if not rows:
        return []
    mapper = sa.inspect(type(rows[0]))
    table = mapper.local_table
    columns = [
        (prop.key, prop.columns[0])
        for prop in mapper.column_attrs
        if not (prop.columns[0].primary_key and getattr(rows[0], prop.key) is None)
    ]
    params = [{column.key: getattr(row, key) for key, column in columns} for row in rows]
    statement: Any = sa.insert(table)
    if skip_taken:
        if session.get_bind().dialect.name == "postgresql":
            statement = postgresql.insert(table).on_conflict_do_nothing()
        else:
            statement = sqlite.insert(table).on_conflict_do_nothing()
    if returning:
        return list(session.execute(statement.returning(*returning), params))
    session.execute(statement, params)
    return []


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


@sa.event.listens_for(sa.engine.Engine, "engine_connect")
def _remember_engine(connection: sa.engine.Connection) -> None:
    _CONNECTED_ENGINES.add(connection.engine)


def _forget_inherited_connections() -> None:
    """In a child just forked: every engine starts a new pool; the pooled connections
    copied from the parent are left alone (neither used nor closed)."""
    for engine in list(_CONNECTED_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)
