"""Reflex's migrations, as the app needs them beyond ``reflex db``.

- ``upgrade(connection)``: Reflex 0.10.1's own ``reflex db migrate`` on a connection
  the caller holds (``reflex.model._alembic_upgrade``), so that ``make serve`` migrates
  under a PostgreSQL advisory lock (serve.py).
- ``filter_comparisons(include_object_for)``: Reflex compares the models with the
  database through alembic's autogenerate with no filter (``reflex db
  makemigrations``, after ``reflex db migrate`` and at every start), and offers no
  setting for one. Every ``EnvironmentContext.configure`` that names no
  ``include_object`` gets the one for its connection's dialect instead
  (services/schema_check.py says what it leaves out and why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic.runtime.environment import EnvironmentContext

IncludeObject = Callable[[Any, str | None, str, bool, Any], bool]

_filtered = False


def upgrade(connection: sa.Connection) -> None:
    """Apply every migration on ``connection``, as ``reflex db migrate`` does."""
    from reflex.model import _alembic_upgrade

    _alembic_upgrade(connection=connection)


def filter_comparisons(include_object_for: Callable[[str | None], IncludeObject]) -> None:
    """Give every alembic environment without an ``include_object`` the one
    ``include_object_for(dialect name)`` makes. Once per process."""
    global _filtered
    if _filtered:
        return
    configure = EnvironmentContext.configure

    def configure_with_filter(self: EnvironmentContext, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("include_object") is None:
            connection = kwargs.get("connection")
            dialect = connection.dialect.name if connection is not None else None
            kwargs["include_object"] = include_object_for(dialect or kwargs.get("dialect_name"))
        configure(self, *args, **kwargs)

    EnvironmentContext.configure = configure_with_filter  # type: ignore[method-assign]
    _filtered = True
