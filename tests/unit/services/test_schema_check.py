"""Reflex's comparison of the models with the database (services/schema_check.py): on a
SQLite database made by the migrations it finds nothing (the search index and the
PostgreSQL-only indexes are left out), and any other difference is still found.

Reflex runs this comparison after ``reflex db migrate``, at every start ("Detected
database schema changes") and for ``reflex db makemigrations``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from reflex import model as reflex_model
from reflex.model import ModelRegistry

from alembic import command
from cloudlink_app import cloudlink_app  # noqa: F401 - the app installs the filter
from cloudlink_app.services import schema_check
from tests.support.postgres import alembic_config


def migrated_sqlite(tmp_path) -> sa.engine.Engine:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    command.upgrade(alembic_config(url), "head")
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def test_reflex_finds_a_migrated_sqlite_database_equal_to_the_models(tmp_path):
    engine = migrated_sqlite(tmp_path)
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        assert tables >= schema_check.SEARCH_TABLES  # the search index is there
        changed = reflex_model.alembic_autogenerate(
            connection=connection, write_migration_scripts=False
        )
    engine.dispose()
    assert changed is False


def test_any_other_difference_is_still_found(tmp_path):
    engine = migrated_sqlite(tmp_path)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE leftover (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("DROP INDEX ix_customer_name")
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": False,
                "include_object": schema_check.include_object_for("sqlite"),
            },
        )
        found = {
            (diff[0], diff[1].name)
            for diff in compare_metadata(context, ModelRegistry.get_metadata())
        }
        changed = reflex_model.alembic_autogenerate(
            connection=connection, write_migration_scripts=False
        )
    engine.dispose()
    assert found == {("remove_table", "leftover"), ("add_index", "ix_customer_name")}
    assert changed is True


def test_on_postgresql_its_trigram_indexes_are_compared():
    include = schema_check.include_object_for("postgresql")
    index = sa.Index("ix_customer_search_entry_document_trgm", sa.Column("document"))
    assert include(index, index.name, "index", False, None) is True
    assert (
        schema_check.include_object_for("sqlite")(index, index.name, "index", False, None) is False
    )
