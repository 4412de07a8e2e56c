"""The dashboard search's index (services/customer_list.py list_customers).

One row per customer in ``customer_search_entry`` (``CustomerSearchEntry``): what the
dashboard filters and sorts by (the partner, the last save) and the text it searches
(name, account ID, email domains as typed and normalised, one per line, lowered by the
database's lower() as the search lowers its term). Database triggers keep it equal to
the customer and its domains; a search reads only this table until it has the page's
25 customers, and counts its matches in the same statement. On each database:

- PostgreSQL: a pg_trgm GIN index on ``document`` (LIKE '%term%' uses it); the
  extension is made here before ``create_all``; the triggers (``POSTGRES_SEARCH_DDL``)
  after it.
- SQLite: the FTS5 table ``customer_search`` with the trigram tokenizer over
  ``document`` (external content: the text is stored once, in the entry table), kept by
  triggers on the entry table; the triggers on customer and email_domain keep the
  entries (``SQLITE_SEARCH_DDL``, made after ``create_all``).

The same SQL is in the migration that adds them (alembic/versions/4f8a2c6d9b13_*),
which also fills them.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Between the searched values in ``document``: a term without it matches the document
# exactly when it matches one of the values (services/customer_list.py); a line break
# cannot be typed into the search box, and lower() does not look across it (Python's
# final sigma, like every lower(), stops at a character that is neither cased nor
# case-ignorable).
SEPARATOR = "\n"
ENTRY_TABLE = "customer_search_entry"
# SQLite's FTS5 table (trigram tokenizer) over the entries' documents.
SEARCH_TABLE = "customer_search"


class CustomerSearchEntry(SQLModel, table=True):
    """A customer as the dashboard's search sees it; written only by the triggers."""

    __tablename__ = ENTRY_TABLE
    __table_args__ = (
        sa.Index(
            "ix_customer_search_entry_document_trgm",
            "document",
            postgresql_using="gin",
            postgresql_ops={"document": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    customer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("customer.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    partner_id: int
    updated_at: datetime.datetime = Field(sa_type=sa.DateTime(timezone=True))
    document: str = Field(sa_type=sa.Text)


# The lowered document of the customer whose id is {id} (NULL when it is gone: the
# triggers then keep what the entry had, for the moment before its own delete).
SQLITE_DOCUMENT_OF = (
    "lower((SELECT sc.name || char(10) || sc.account_id || char(10) || "
    "coalesce((SELECT group_concat(sd.domain || char(10) || coalesce(sd.normalized, ''), "
    "char(10)) FROM email_domain AS sd WHERE sd.customer_id = sc.id), '') "
    "FROM customer AS sc WHERE sc.id = {id}))"
)
SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(document, "
    f"content='{ENTRY_TABLE}', content_rowid='customer_id', tokenize='trigram')",
    # The entries -> the FTS5 index (external content: it is told the old text).
    f"CREATE TRIGGER IF NOT EXISTS {ENTRY_TABLE}_insert AFTER INSERT ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, document) VALUES (NEW.customer_id, NEW.document); END",
    f"CREATE TRIGGER IF NOT EXISTS {ENTRY_TABLE}_delete AFTER DELETE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, document) "
    "VALUES ('delete', OLD.customer_id, OLD.document); END",
    f"CREATE TRIGGER IF NOT EXISTS {ENTRY_TABLE}_update AFTER UPDATE OF document "
    f"ON {ENTRY_TABLE} WHEN OLD.document IS NOT NEW.document BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, document) "
    "VALUES ('delete', OLD.customer_id, OLD.document); "
    f"INSERT INTO {SEARCH_TABLE}(rowid, document) VALUES (NEW.customer_id, NEW.document); END",
    # The customers and their domains -> the entries.
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_insert AFTER INSERT ON customer BEGIN "
    f"INSERT INTO {ENTRY_TABLE}(customer_id, partner_id, updated_at, document) "
    f"VALUES (NEW.id, NEW.partner_id, NEW.updated_at, {SQLITE_DOCUMENT_OF.format(id='NEW.id')}); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_update AFTER UPDATE OF "
    "name, account_id, partner_id, updated_at ON customer BEGIN "
    f"UPDATE {ENTRY_TABLE} SET partner_id = NEW.partner_id, updated_at = NEW.updated_at, "
    f"document = coalesce({SQLITE_DOCUMENT_OF.format(id='NEW.id')}, document) "
    "WHERE customer_id = NEW.id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_delete AFTER DELETE ON customer BEGIN "
    f"DELETE FROM {ENTRY_TABLE} WHERE customer_id = OLD.id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_insert AFTER INSERT ON email_domain "
    f"BEGIN UPDATE {ENTRY_TABLE} SET document = "
    f"coalesce({SQLITE_DOCUMENT_OF.format(id='NEW.customer_id')}, document) "
    "WHERE customer_id = NEW.customer_id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_update AFTER UPDATE ON email_domain "
    f"BEGIN UPDATE {ENTRY_TABLE} SET document = "
    f"coalesce({SQLITE_DOCUMENT_OF.format(id=f'{ENTRY_TABLE}.customer_id')}, document) "
    "WHERE customer_id IN (OLD.customer_id, NEW.customer_id); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_delete AFTER DELETE ON email_domain "
    f"BEGIN UPDATE {ENTRY_TABLE} SET document = "
    f"coalesce({SQLITE_DOCUMENT_OF.format(id='OLD.customer_id')}, document) "
    "WHERE customer_id = OLD.customer_id; END",
)
# Every customer's entry, for a database whose triggers were off (a bulk load).
SQLITE_FILL = (
    f"INSERT INTO {ENTRY_TABLE}(customer_id, partner_id, updated_at, document) "
    f"SELECT c.id, c.partner_id, c.updated_at, {SQLITE_DOCUMENT_OF.format(id='c.id')} "
    f"FROM customer AS c WHERE c.id NOT IN (SELECT customer_id FROM {ENTRY_TABLE})"
)

# PostgreSQL: a customer's lowered document (NULL when it is gone), and the triggers.
# A deleted customer's entry goes with it (the foreign key's ON DELETE CASCADE).
POSTGRES_SEARCH_DDL = (
    "CREATE OR REPLACE FUNCTION customer_search_document(wanted integer) RETURNS text "
    "LANGUAGE sql STABLE AS $$ SELECT lower(c.name || E'\\n' || c.account_id || E'\\n' || "
    "coalesce((SELECT string_agg(d.domain || E'\\n' || coalesce(d.normalized, ''), E'\\n' "
    "ORDER BY d.position, d.id) "
    "FROM email_domain AS d WHERE d.customer_id = c.id), '')) "
    "FROM customer AS c WHERE c.id = wanted $$",
    "CREATE OR REPLACE FUNCTION customer_search_customer() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {ENTRY_TABLE} (customer_id, partner_id, updated_at, document) "
    "VALUES (NEW.id, NEW.partner_id, NEW.updated_at, customer_search_document(NEW.id)) "
    "ON CONFLICT (customer_id) DO UPDATE SET partner_id = EXCLUDED.partner_id, "
    "updated_at = EXCLUDED.updated_at, document = EXCLUDED.document; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION customer_search_domain() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN "
    f"UPDATE {ENTRY_TABLE} SET document = "
    "coalesce(customer_search_document(OLD.customer_id), document) "
    "WHERE customer_id = OLD.customer_id; END IF; "
    "IF TG_OP <> 'DELETE' THEN "
    f"UPDATE {ENTRY_TABLE} SET document = "
    "coalesce(customer_search_document(NEW.customer_id), document) "
    "WHERE customer_id = NEW.customer_id; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER customer_search_customer AFTER INSERT OR UPDATE OF "
    "name, account_id, partner_id, updated_at ON customer "
    "FOR EACH ROW EXECUTE FUNCTION customer_search_customer()",
    "CREATE TRIGGER customer_search_domain AFTER INSERT OR UPDATE OR DELETE ON email_domain "
    "FOR EACH ROW EXECUTE FUNCTION customer_search_domain()",
)
POSTGRES_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS customer_search_customer ON customer",
    "DROP TRIGGER IF EXISTS customer_search_domain ON email_domain",
    "DROP FUNCTION IF EXISTS customer_search_customer()",
    "DROP FUNCTION IF EXISTS customer_search_domain()",
    "DROP FUNCTION IF EXISTS customer_search_document(integer)",
)


@sa.event.listens_for(SQLModel.metadata, "after_create")
def _create_search_triggers(target: sa.MetaData, connection: sa.Connection, **kw: object) -> None:
    """The search's triggers (and on SQLite its FTS5 table) after ``create_all`` (the
    tests, the benchmarks), as the migration creates them."""
    created = {table.name for table in kw.get("tables") or target.sorted_tables}  # type: ignore[attr-defined]
    if not {"customer", "email_domain", ENTRY_TABLE} <= created:
        return
    if connection.dialect.name == "sqlite":
        statements: tuple[str, ...] = SQLITE_SEARCH_DDL
    elif connection.dialect.name == "postgresql":
        statements = POSTGRES_SEARCH_DDL
    else:
        return
    for statement in statements:
        connection.exec_driver_sql(statement)


@sa.event.listens_for(SQLModel.metadata, "before_create")
def _create_pg_trgm(target: sa.MetaData, connection: sa.Connection, **kw: object) -> None:
    """``create_all`` on PostgreSQL: the pg_trgm extension first, and the trigram
    index naming its operator class with the extension's schema (one per database,
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
def _drop_search(target: sa.MetaData, connection: sa.Connection, **kw: object) -> None:
    """``drop_all`` drops the FTS5 table on SQLite, the trigger functions on
    PostgreSQL (the triggers went with their tables)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    elif connection.dialect.name == "postgresql":
        for statement in POSTGRES_SEARCH_DROP[2:]:
            connection.exec_driver_sql(statement)
