"""The dashboard search's index on each database: SQLite's FTS5 table (made here after
``create_all``, and by its migration), PostgreSQL's trigram indexes (declared on the
customer table; the pg_trgm extension made here before ``create_all``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

# The dashboard's substring search on SQLite (services/customer_list.py list_customers):
# an FTS5 table with the trigram tokenizer (SQLite >= 3.34) holding each customer's
# name, account ID and email domains (as typed and normalised), lowered by lower() as
# the search's LIKE lowers them (services/database.py), rowid = customer.id, kept up to
# date by triggers. It only narrows the rows down: the search's own LIKE
# conditions decide, so it finds exactly what they find. The same SQL is in the
# migration that adds it (alembic/versions/b7e2c91d4f30_*), which also fills it.
SEARCH_TABLE = "customer_search"
DOMAINS_OF = (
    "coalesce((SELECT group_concat(lower(d.domain) || ' ' || coalesce(d.normalized, ''), ' ') "
    "FROM email_domain AS d WHERE d.customer_id = {id}), '')"
)
SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(name, account_id, domains, "
    "tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_insert AFTER INSERT ON customer BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, account_id, domains) "
    "VALUES (NEW.id, lower(NEW.name), lower(NEW.account_id), "
    f"{DOMAINS_OF.format(id='NEW.id')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_update AFTER UPDATE OF name, account_id "
    f"ON customer BEGIN UPDATE {SEARCH_TABLE} SET name = lower(NEW.name), "
    "account_id = lower(NEW.account_id) WHERE rowid = NEW.id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_delete AFTER DELETE ON customer BEGIN "
    f"DELETE FROM {SEARCH_TABLE} WHERE rowid = OLD.id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_insert AFTER INSERT ON email_domain BEGIN "
    f"UPDATE {SEARCH_TABLE} SET domains = {DOMAINS_OF.format(id='NEW.customer_id')} "
    "WHERE rowid = NEW.customer_id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_update AFTER UPDATE ON email_domain BEGIN "
    f"UPDATE {SEARCH_TABLE} SET domains = {DOMAINS_OF.format(id=f'{SEARCH_TABLE}.rowid')} "
    "WHERE rowid IN (OLD.customer_id, NEW.customer_id); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_delete AFTER DELETE ON email_domain BEGIN "
    f"UPDATE {SEARCH_TABLE} SET domains = {DOMAINS_OF.format(id='OLD.customer_id')} "
    "WHERE rowid = OLD.customer_id; END",
)


@sa.event.listens_for(SQLModel.metadata, "after_create")
def _create_sqlite_search(target: sa.MetaData, connection: sa.Connection, **kw: object) -> None:
    """SQLITE_SEARCH_DDL after ``create_all`` on SQLite (the tests, the benchmarks), as
    the migration creates it; PostgreSQL has its trigram indexes in the tables."""
    if connection.dialect.name != "sqlite":
        return
    created = {table.name for table in kw.get("tables") or target.sorted_tables}  # type: ignore[attr-defined]
    if not {"customer", "email_domain"} <= created:
        return
    for statement in SQLITE_SEARCH_DDL:
        connection.exec_driver_sql(statement)


@sa.event.listens_for(SQLModel.metadata, "before_create")
def _create_pg_trgm(target: sa.MetaData, connection: sa.Connection, **kw: object) -> None:
    """``create_all`` on PostgreSQL: the pg_trgm extension first, and the trigram
    indexes naming its operator class with the extension's schema (one per database,
    wherever it was created; the migration does the same)."""
    if connection.dialect.name != "postgresql":
        return
    find = (
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
        "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    )
    schema = connection.exec_driver_sql(find).scalar()
    if schema is None:
        public = connection.exec_driver_sql(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'public'"
        ).scalar()
        current = connection.exec_driver_sql("SELECT current_schema()").scalar()
        where = "public" if public else current
        connection.exec_driver_sql(f'CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "{where}"')
        schema = connection.exec_driver_sql(find).scalar()
    for table in target.tables.values():
        for index in table.indexes:
            options = index.dialect_options["postgresql"]
            if options["using"] == "gin" and options["ops"]:
                options["ops"] = dict.fromkeys(options["ops"], f'"{schema}".gin_trgm_ops')


@sa.event.listens_for(SQLModel.metadata, "after_drop")
def _drop_sqlite_search(target: sa.MetaData, connection: sa.Connection, **kw: object) -> None:
    """``drop_all`` on SQLite drops the search table too (its triggers went with
    their tables)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
