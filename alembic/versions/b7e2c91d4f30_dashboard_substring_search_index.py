"""dashboard substring search: pg_trgm GIN indexes (PostgreSQL), an FTS5 trigram table (SQLite)

Revision ID: b7e2c91d4f30
Revises: e1a5c0ffee11
Create Date: 2026-12-01 06:00:00.000000

The dashboard searches customers by any part of their name, account ID or email
domain (services/customers.py list_customers). PostgreSQL: the pg_trgm extension and a
GIN trigram index on customer.name, customer.account_id, email_domain.domain and
email_domain.normalized. SQLite: the FTS5 table customer_search (trigram tokenizer)
of the lowered name, account ID and domains, with its triggers, filled from the rows
there are (the same SQL as
cloudlink_app/models.py SQLITE_SEARCH_DDL, copied so that this revision never changes).
"""

from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b7e2c91d4f30"
down_revision: Union[str, Sequence[str], None] = "e1a5c0ffee11"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TRIGRAM_INDEXES = (
    ("ix_customer_name_trgm", "customer", "name"),
    ("ix_customer_account_id_trgm", "customer", "account_id"),
    ("ix_email_domain_domain_trgm", "email_domain", "domain"),
    ("ix_email_domain_normalized_trgm", "email_domain", "normalized"),
)

_DOMAINS_OF = (
    "coalesce((SELECT group_concat(lower(d.domain) || ' ' || coalesce(d.normalized, ''), ' ') "
    "FROM email_domain AS d WHERE d.customer_id = {id}), '')"
)
SQLITE_UP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS customer_search USING fts5(name, account_id, "
    "domains, tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS customer_search_customer_insert AFTER INSERT ON customer "
    "BEGIN INSERT INTO customer_search(rowid, name, account_id, domains) "
    f"VALUES (NEW.id, lower(NEW.name), lower(NEW.account_id), {_DOMAINS_OF.format(id='NEW.id')}); END",
    "CREATE TRIGGER IF NOT EXISTS customer_search_customer_update AFTER UPDATE OF name, "
    "account_id ON customer BEGIN UPDATE customer_search SET name = lower(NEW.name), "
    "account_id = lower(NEW.account_id) WHERE rowid = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS customer_search_customer_delete AFTER DELETE ON customer "
    "BEGIN DELETE FROM customer_search WHERE rowid = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS customer_search_domain_insert AFTER INSERT ON email_domain "
    f"BEGIN UPDATE customer_search SET domains = {_DOMAINS_OF.format(id='NEW.customer_id')} "
    "WHERE rowid = NEW.customer_id; END",
    "CREATE TRIGGER IF NOT EXISTS customer_search_domain_update AFTER UPDATE ON email_domain "
    "BEGIN UPDATE customer_search SET domains = "
    f"{_DOMAINS_OF.format(id='customer_search.rowid')} "
    "WHERE rowid IN (OLD.customer_id, NEW.customer_id); END",
    "CREATE TRIGGER IF NOT EXISTS customer_search_domain_delete AFTER DELETE ON email_domain "
    f"BEGIN UPDATE customer_search SET domains = {_DOMAINS_OF.format(id='OLD.customer_id')} "
    "WHERE rowid = OLD.customer_id; END",
    "DELETE FROM customer_search",
    "INSERT INTO customer_search(rowid, name, account_id, domains) SELECT c.id, "
    f"lower(c.name), lower(c.account_id), {_DOMAINS_OF.format(id='c.id')} FROM customer AS c",
)
SQLITE_DOWN = (
    *(
        f"DROP TRIGGER IF EXISTS customer_search_{name}"
        for name in (
            "customer_insert",
            "customer_update",
            "customer_delete",
            "domain_insert",
            "domain_update",
            "domain_delete",
        )
    ),
    "DROP TABLE IF EXISTS customer_search",
)


def trigram_schema(connection) -> str:
    """The schema of the pg_trgm extension, created when missing (a trusted extension
    since PostgreSQL 13: the database's owner may create it) in ``public`` when there is
    one, else in the current schema. An extension is one per database, wherever it was
    created: the indexes name its operator class with its schema, which need not be on
    the search path. Kept on the way down: other objects may use it."""
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


def upgrade() -> None:
    """Upgrade schema."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        schema = trigram_schema(op.get_bind())
        for name, table, column in TRIGRAM_INDEXES:
            op.create_index(
                name,
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: f'"{schema}".gin_trgm_ops'},
            )
    elif dialect == "sqlite":
        # The app's lower() (services/database.py: Unicode, as the search's LIKE has
        # it), so that the rows filled here are lowered as the triggers lower them.
        op.get_bind().connection.driver_connection.create_function(
            "lower", 1, lambda v: v.lower() if isinstance(v, str) else v, deterministic=True
        )
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    """Downgrade schema."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name, table, _column in TRIGRAM_INDEXES:
            op.drop_index(name, table_name=table)
    elif dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
