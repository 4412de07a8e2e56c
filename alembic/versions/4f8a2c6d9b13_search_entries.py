"""dashboard search: customer_search_entry (partner, last save, lowered text), on both databases

Revision ID: 4f8a2c6d9b13
Revises: c3d9e2f1a0b7
Create Date: 2026-12-07 07:00:00.000000

The dashboard's search read every candidate customer by id to check it, sort it by
date and count it again (bench/README.md, issue 21). Now one row per customer in
customer_search_entry holds what the page filters and sorts by (partner_id,
updated_at) and the searched text (name, account ID, email domains as typed and
normalised, one per line, lowered), kept by triggers; the page and its count are one
statement on it.

PostgreSQL: the table with a pg_trgm GIN index on document, replacing the four trigram
indexes of b7e2c91d4f30 (nothing else searches those columns with ILIKE); trigger
functions on customer and email_domain. SQLite: the table, and the FTS5 table
customer_search rebuilt over its document (external content) instead of its own three
columns; triggers on customer, email_domain and the entries. Both filled from the rows
there are. The same SQL as cloudlink_app/models/search.py, copied so that this
revision never changes. Down: the tables, triggers and functions go, and b7e2c91d4f30's
indexes (PostgreSQL) or FTS5 table and triggers (SQLite) are made and filled again.
"""

from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "4f8a2c6d9b13"
down_revision: Union[str, Sequence[str], None] = "c3d9e2f1a0b7"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_TRIGRAM_INDEXES = (
    ("ix_customer_name_trgm", "customer", "name"),
    ("ix_customer_account_id_trgm", "customer", "account_id"),
    ("ix_email_domain_domain_trgm", "email_domain", "domain"),
    ("ix_email_domain_normalized_trgm", "email_domain", "normalized"),
)
NEW_INDEX = "ix_customer_search_entry_document_trgm"

# ----- PostgreSQL -------------------------------------------------------------------

POSTGRES_UP = (
    "CREATE OR REPLACE FUNCTION customer_search_document(wanted integer) RETURNS text "
    "LANGUAGE sql STABLE AS $$ SELECT lower(c.name || E'\\n' || c.account_id || E'\\n' || "
    "coalesce((SELECT string_agg(d.domain || E'\\n' || coalesce(d.normalized, ''), E'\\n' "
    "ORDER BY d.position, d.id) "
    "FROM email_domain AS d WHERE d.customer_id = c.id), '')) "
    "FROM customer AS c WHERE c.id = wanted $$",
    "CREATE OR REPLACE FUNCTION customer_search_customer() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO customer_search_entry (customer_id, partner_id, updated_at, document) "
    "VALUES (NEW.id, NEW.partner_id, NEW.updated_at, customer_search_document(NEW.id)) "
    "ON CONFLICT (customer_id) DO UPDATE SET partner_id = EXCLUDED.partner_id, "
    "updated_at = EXCLUDED.updated_at, document = EXCLUDED.document; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION customer_search_domain() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN "
    "UPDATE customer_search_entry SET document = "
    "coalesce(customer_search_document(OLD.customer_id), document) "
    "WHERE customer_id = OLD.customer_id; END IF; "
    "IF TG_OP <> 'DELETE' THEN "
    "UPDATE customer_search_entry SET document = "
    "coalesce(customer_search_document(NEW.customer_id), document) "
    "WHERE customer_id = NEW.customer_id; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER customer_search_customer AFTER INSERT OR UPDATE OF "
    "name, account_id, partner_id, updated_at ON customer "
    "FOR EACH ROW EXECUTE FUNCTION customer_search_customer()",
    "CREATE TRIGGER customer_search_domain AFTER INSERT OR UPDATE OR DELETE ON email_domain "
    "FOR EACH ROW EXECUTE FUNCTION customer_search_domain()",
    "INSERT INTO customer_search_entry (customer_id, partner_id, updated_at, document) "
    "SELECT c.id, c.partner_id, c.updated_at, customer_search_document(c.id) FROM customer AS c",
)
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS customer_search_customer ON customer",
    "DROP TRIGGER IF EXISTS customer_search_domain ON email_domain",
    "DROP FUNCTION IF EXISTS customer_search_customer()",
    "DROP FUNCTION IF EXISTS customer_search_domain()",
    "DROP FUNCTION IF EXISTS customer_search_document(integer)",
)

# ----- SQLite -----------------------------------------------------------------------

_DOCUMENT_OF = (
    "lower((SELECT sc.name || char(10) || sc.account_id || char(10) || "
    "coalesce((SELECT group_concat(sd.domain || char(10) || coalesce(sd.normalized, ''), "
    "char(10)) FROM email_domain AS sd WHERE sd.customer_id = sc.id), '') "
    "FROM customer AS sc WHERE sc.id = {id}))"
)
_OLD_TRIGGERS = (
    "customer_insert",
    "customer_update",
    "customer_delete",
    "domain_insert",
    "domain_update",
    "domain_delete",
)
SQLITE_UP = (
    *(f"DROP TRIGGER IF EXISTS customer_search_{name}" for name in _OLD_TRIGGERS),
    "DROP TABLE IF EXISTS customer_search",
    "INSERT INTO customer_search_entry(customer_id, partner_id, updated_at, document) "
    f"SELECT c.id, c.partner_id, c.updated_at, {_DOCUMENT_OF.format(id='c.id')} "
    "FROM customer AS c",
    "CREATE VIRTUAL TABLE customer_search USING fts5(document, "
    "content='customer_search_entry', content_rowid='customer_id', tokenize='trigram')",
    "INSERT INTO customer_search(customer_search) VALUES ('rebuild')",
    "CREATE TRIGGER customer_search_entry_insert AFTER INSERT ON customer_search_entry BEGIN "
    "INSERT INTO customer_search(rowid, document) VALUES (NEW.customer_id, NEW.document); END",
    "CREATE TRIGGER customer_search_entry_delete AFTER DELETE ON customer_search_entry BEGIN "
    "INSERT INTO customer_search(customer_search, rowid, document) "
    "VALUES ('delete', OLD.customer_id, OLD.document); END",
    "CREATE TRIGGER customer_search_entry_update AFTER UPDATE OF document "
    "ON customer_search_entry WHEN OLD.document IS NOT NEW.document BEGIN "
    "INSERT INTO customer_search(customer_search, rowid, document) "
    "VALUES ('delete', OLD.customer_id, OLD.document); "
    "INSERT INTO customer_search(rowid, document) VALUES (NEW.customer_id, NEW.document); END",
    "CREATE TRIGGER customer_search_customer_insert AFTER INSERT ON customer BEGIN "
    "INSERT INTO customer_search_entry(customer_id, partner_id, updated_at, document) "
    f"VALUES (NEW.id, NEW.partner_id, NEW.updated_at, {_DOCUMENT_OF.format(id='NEW.id')}); "
    "END",
    "CREATE TRIGGER customer_search_customer_update AFTER UPDATE OF "
    "name, account_id, partner_id, updated_at ON customer BEGIN "
    "UPDATE customer_search_entry SET partner_id = NEW.partner_id, updated_at = NEW.updated_at, "
    f"document = coalesce({_DOCUMENT_OF.format(id='NEW.id')}, document) "
    "WHERE customer_id = NEW.id; END",
    "CREATE TRIGGER customer_search_customer_delete AFTER DELETE ON customer BEGIN "
    "DELETE FROM customer_search_entry WHERE customer_id = OLD.id; END",
    "CREATE TRIGGER customer_search_domain_insert AFTER INSERT ON email_domain "
    "BEGIN UPDATE customer_search_entry SET document = "
    f"coalesce({_DOCUMENT_OF.format(id='NEW.customer_id')}, document) "
    "WHERE customer_id = NEW.customer_id; END",
    "CREATE TRIGGER customer_search_domain_update AFTER UPDATE ON email_domain "
    "BEGIN UPDATE customer_search_entry SET document = "
    f"coalesce({_DOCUMENT_OF.format(id='customer_search_entry.customer_id')}, document) "
    "WHERE customer_id IN (OLD.customer_id, NEW.customer_id); END",
    "CREATE TRIGGER customer_search_domain_delete AFTER DELETE ON email_domain "
    "BEGIN UPDATE customer_search_entry SET document = "
    f"coalesce({_DOCUMENT_OF.format(id='OLD.customer_id')}, document) "
    "WHERE customer_id = OLD.customer_id; END",
)

# b7e2c91d4f30's FTS5 table and triggers, for the way down (its SQL, as it was).
_OLD_DOMAINS_OF = (
    "coalesce((SELECT group_concat(lower(d.domain) || ' ' || coalesce(d.normalized, ''), ' ') "
    "FROM email_domain AS d WHERE d.customer_id = {id}), '')"
)
SQLITE_DOWN = (
    *(
        f"DROP TRIGGER IF EXISTS customer_search_{name}"
        for name in (*_OLD_TRIGGERS, "entry_insert", "entry_delete", "entry_update")
    ),
    "DROP TABLE IF EXISTS customer_search",
    "CREATE VIRTUAL TABLE customer_search USING fts5(name, account_id, domains, "
    "tokenize='trigram')",
    "CREATE TRIGGER customer_search_customer_insert AFTER INSERT ON customer "
    "BEGIN INSERT INTO customer_search(rowid, name, account_id, domains) "
    "VALUES (NEW.id, lower(NEW.name), lower(NEW.account_id), "
    f"{_OLD_DOMAINS_OF.format(id='NEW.id')}); END",
    "CREATE TRIGGER customer_search_customer_update AFTER UPDATE OF name, "
    "account_id ON customer BEGIN UPDATE customer_search SET name = lower(NEW.name), "
    "account_id = lower(NEW.account_id) WHERE rowid = NEW.id; END",
    "CREATE TRIGGER customer_search_customer_delete AFTER DELETE ON customer "
    "BEGIN DELETE FROM customer_search WHERE rowid = OLD.id; END",
    "CREATE TRIGGER customer_search_domain_insert AFTER INSERT ON email_domain "
    f"BEGIN UPDATE customer_search SET domains = {_OLD_DOMAINS_OF.format(id='NEW.customer_id')} "
    "WHERE rowid = NEW.customer_id; END",
    "CREATE TRIGGER customer_search_domain_update AFTER UPDATE ON email_domain "
    "BEGIN UPDATE customer_search SET domains = "
    f"{_OLD_DOMAINS_OF.format(id='customer_search.rowid')} "
    "WHERE rowid IN (OLD.customer_id, NEW.customer_id); END",
    "CREATE TRIGGER customer_search_domain_delete AFTER DELETE ON email_domain "
    f"BEGIN UPDATE customer_search SET domains = {_OLD_DOMAINS_OF.format(id='OLD.customer_id')} "
    "WHERE rowid = OLD.customer_id; END",
    "INSERT INTO customer_search(rowid, name, account_id, domains) SELECT c.id, "
    f"lower(c.name), lower(c.account_id), {_OLD_DOMAINS_OF.format(id='c.id')} FROM customer AS c",
)


def trigram_schema(connection) -> str:
    """The schema of the pg_trgm extension (b7e2c91d4f30 made it), created when missing
    as that revision does: the index names its operator class with it."""
    find = (
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
        "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    )
    found = connection.exec_driver_sql(find).scalar()
    if found is None:
        public = connection.exec_driver_sql(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'public'"
        ).scalar()
        current = connection.exec_driver_sql("SELECT current_schema()").scalar()
        where = "public" if public else current
        connection.exec_driver_sql(f'CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "{where}"')
        found = connection.exec_driver_sql(find).scalar()
    return found


def _app_lower() -> None:
    """SQLite: the app's lower() (services/database.py: Unicode, as the search's LIKE
    has it), so that the rows filled here are lowered as the triggers lower them."""
    op.get_bind().connection.driver_connection.create_function(
        "lower", 1, lambda v: v.lower() if isinstance(v, str) else v, deterministic=True
    )


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "customer_search_entry",
        sa.Column("customer_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        schema = trigram_schema(op.get_bind())
        for statement in POSTGRES_UP:
            op.execute(statement)
        op.create_index(
            NEW_INDEX,
            "customer_search_entry",
            ["document"],
            postgresql_using="gin",
            postgresql_ops={"document": f'"{schema}".gin_trgm_ops'},
        )
        for name, table, _column in OLD_TRIGRAM_INDEXES:
            op.drop_index(name, table_name=table)
    elif dialect == "sqlite":
        _app_lower()
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    """Downgrade schema."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        schema = trigram_schema(op.get_bind())
        for statement in POSTGRES_DOWN:
            op.execute(statement)
        for name, table, column in OLD_TRIGRAM_INDEXES:
            op.create_index(
                name,
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: f'"{schema}".gin_trgm_ops'},
            )
        op.drop_index(NEW_INDEX, table_name="customer_search_entry")
    elif dialect == "sqlite":
        _app_lower()
        for statement in SQLITE_DOWN:
            op.execute(statement)
    op.drop_table("customer_search_entry")
