"""Alembic's comparison of the models with a database, as this app's schema has it.

Two parts of the schema are not the same on every database (cloudlink_app/models):

- on SQLite, the dashboard's search index: an FTS5 table (``SEARCH_TABLE``) with its
  four shadow tables (its text is in the search entries' table, a model) and its
  triggers, made by migration 4f8a2c6d9b13 (and by ``create_all``), described by no
  model;
- on PostgreSQL, the trigram indexes, declared on the models with
  ``ddl_if(dialect="postgresql")``: not made on SQLite.

Reflex 0.10.1 compares the models with the database through alembic's autogenerate,
with no filter, in ``reflex db makemigrations``, after ``reflex db migrate`` and at
every start. On SQLite it logged "Detected database schema changes" in red at every
``make run``, and makemigrations would have written a migration that drops the search
index. ``install()`` gives every alembic environment that does not name its own an
``include_object`` that leaves out exactly those objects; any other difference is
still reported.
"""

from __future__ import annotations

import warnings
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from cloudlink_app.models import SEARCH_TABLE
from cloudlink_app.reflex_internals import migrations

# app_user's unique index on lower(email) (models/accounts.py): an expression index.
EMAIL_INDEX = "ux_app_user_email_lower"
# The tables SQLite's FTS5 makes for a virtual table of that name (external content:
# no "_content" table of its own).
SEARCH_TABLES = frozenset(
    {SEARCH_TABLE} | {f"{SEARCH_TABLE}_{part}" for part in ("data", "idx", "docsize", "config")}
)

IncludeObject = migrations.IncludeObject


def _indexes_of_one_dialect() -> dict[str, str]:
    """Index name -> the only dialect it is made on (``ddl_if``), from the models'
    own metadata: Reflex compares a copy (``to_metadata``), which drops ``ddl_if``."""
    return {
        index.name: dialect
        for table in SQLModel.metadata.tables.values()
        for index in table.indexes
        if index.name and (dialect := getattr(getattr(index, "_ddl_if", None), "dialect", None))
    }


def include_object_for(dialect_name: str | None) -> IncludeObject:
    """Alembic's include_object for a database of ``dialect_name``: the search index's
    tables left out, and the indexes made on another dialect only."""
    elsewhere = {
        name for name, dialect in _indexes_of_one_dialect().items() if dialect != dialect_name
    }

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        if type_ == "table":
            return name not in SEARCH_TABLES
        if type_ == "index":
            return name not in elsewhere
        return True

    return include_object


def install() -> None:
    """Every alembic comparison without a filter of its own gets ``include_object_for``
    its connection's dialect (reflex_internals.migrations). Once.

    Also silences SQLAlchemy's "Table ... already exists within the given MetaData -
    not copying" warning, which Reflex's copy of the models' tables
    (ModelRegistry.get_metadata) raises once per table that another one references:
    fifteen lines at every ``make run``, about nothing; and the two about the
    expression index SQLite cannot compare."""
    warnings.filterwarnings(
        "ignore", "Table .* already exists within the given MetaData", sa.exc.SAWarning
    )
    # SQLite cannot reflect an index on an expression, so alembic skips app_user's
    # lower(email) index there and both libraries say so at every start; that the
    # migrations make it is tested (tests/unit/services/test_email_unique_in_any_case.py).
    warnings.filterwarnings(
        "ignore", f"autogenerate skipping metadata-specified .* index '{EMAIL_INDEX}'"
    )
    warnings.filterwarnings(
        "ignore", f"Skipped unsupported reflection of expression-based index {EMAIL_INDEX}"
    )
    migrations.filter_comparisons(include_object_for)
