"""SQLModel tables: partners, users, customers and the customer's lists.

Every customer belongs to one partner; services scope every query by it. The
customer's ``version`` is the optimistic lock: a save names the version it started
from and fails when someone else saved in between.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from reflex.model import ModelRegistry
from sqlmodel import Field, SQLModel

from cloudlink_app.domain.limits import EMAIL_MAX


def utc_now() -> datetime.datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.datetime.now(datetime.UTC)


def as_utc(moment: datetime.datetime) -> datetime.datetime:
    """A stored time as an aware UTC time (SQLite returns naive UTC times)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def utc_now_or(now: datetime.datetime | None) -> datetime.datetime:
    """``now`` as an aware UTC time (a naive time is taken to be UTC), or the current
    time when None: what the services do with the ``now`` a caller (a test) may pass."""
    return utc_now() if now is None else as_utc(now)


class Partner(SQLModel, table=True):
    """A reseller organisation whose users onboard customers."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Made by the demo data (demo_data.accounts): its users sign in only in demo mode,
    # and outside demo mode the app does not start while one exists.
    is_demo: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class AppUser(SQLModel, table=True):
    """A person who signs in: a partner user, or an account admin of one customer."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX, unique=True)  # any case: ux_app_user_email_lower
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20)  # "partner" or "account_admin"
    partner_id: int = Field(foreign_key="partner.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    # Argon2id hash (argon2-cffi); "" means the user cannot sign in with a password.
    password_hash: str = Field(default="", max_length=200)
    # False once deactivated (python -m cloudlink_app.accounts deactivate): such a user
    # cannot sign in and has no live session.
    active: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # The UI language they chose last ("en", "nl"; None: never); their pages open in it.
    ui_language: str | None = Field(default=None, max_length=8)
    # When they were last mailed about failed sign-ins (services/sign_in_alerts.py).
    sign_in_alert_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(True))


sa.Index("ux_app_user_email_lower", sa.func.lower(sa.inspect(AppUser).c.email), unique=True)


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only a keyed hash of its token is stored, so the table
    alone cannot be used to sign in."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    expires_at: datetime.datetime = Field(sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class PasswordToken(SQLModel, table=True):
    """A one-time link to set a password (a new user, a reset). Only a keyed hash of its
    token is stored; it is spent (``used_at``) by the first use and expires."""

    __tablename__ = "password_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    purpose: str = Field(max_length=20)  # "new_user", "reset" or "invitation"
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    expires_at: datetime.datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # A link that is emailed (services/outbox.py) is made from this random seed and the
    # app's secret key when the message is sent or shown (services/links.py): the
    # database alone holds no usable link.
    link_seed: str | None = Field(default=None, max_length=64)


class SignInAttempt(SQLModel, table=True):
    """A failed sign-in, by email and by address: what slows down guessing."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_at", "email", "attempted_at"),
        sa.Index("ix_sign_in_attempt_address_at", "address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX)
    address: str = Field(max_length=64)
    attempted_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )


def _trigram_index(name: str, column: str) -> sa.Index:
    """A pg_trgm GIN index on ``column`` (ILIKE '%term%' uses it), PostgreSQL only."""
    return sa.Index(
        name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
    ).ddl_if(dialect="postgresql")


class Customer(SQLModel, table=True):
    """A business customer being onboarded, with the Customer step's scalar fields."""

    __table_args__ = (
        sa.Index("ix_customer_partner_updated", "partner_id", "updated_at"),
        sa.Index("ix_customer_partner_status", "partner_id", "status"),
        sa.Index("ux_customer_mac_claim", "mac_claim", unique=True),
        # The dashboard's substring search (services/customer_list.py list_customers):
        # pg_trgm GIN indexes on PostgreSQL; SQLite has SQLITE_SEARCH_DDL below.
        *(
            _trigram_index(f"ix_customer_{column}_trgm", column)
            for column in ("name", "account_id")
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: str = Field(max_length=16, unique=True)
    partner_id: int = Field(foreign_key="partner.id")
    name: str = Field(max_length=100, index=True)
    country: str = Field(default="", max_length=2)
    street_address: str = Field(default="", max_length=200)
    address_line2: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state_province: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    business_type: str = Field(default="", max_length=40)
    default_language: str = Field(default="", max_length=10)
    # Comma-separated step keys completed so far, e.g. "customer,gateway".
    completed_steps: str = Field(default="", max_length=200)
    onboarded: bool = False
    # What the dashboard shows, kept up to date by every save so that counting and
    # filtering by status uses an index: "next:<step>", "problem:<key>" or "onboarded".
    status: str = Field(default="next:customer", max_length=40)

    # Gateway step ("configure the customer site").
    site_name: str = Field(default="", max_length=100)
    site_same_address: bool = True
    site_country: str = Field(default="", max_length=2)
    site_street_address: str = Field(default="", max_length=200)
    site_address_line2: str = Field(default="", max_length=200)
    site_city: str = Field(default="", max_length=100)
    site_state_province: str = Field(default="", max_length=100)
    site_postal_code: str = Field(default="", max_length=20)
    deployment_type: str = Field(default="", max_length=20)
    # As typed on a draft; the normal form "00:1A:2B:3C:4D:5E" once the step is done.
    mac_address: str = Field(default="", max_length=40)
    # The normal form only, unique: a gateway belongs to one customer.
    mac_claim: str | None = Field(default=None, max_length=17)
    system_id: str = Field(default="", max_length=64)

    # PBX step (appliance path).
    pbx_type: str = Field(default="", max_length=40)
    pbx_address: str = Field(default="", max_length=253)
    pbx_port: str = Field(default="", max_length=10)

    # Connect step (appliance path) and Sync step (SMBC/VA path).
    connection_result: str = Field(default="", max_length=40)
    connection_target: str = Field(default="", max_length=300)
    connection_checked_at: datetime.datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True)
    )
    connection_skipped: bool = False
    sync_address: str = Field(default="", max_length=253)
    sync_port: str = Field(default="", max_length=10)
    sync_started_at: datetime.datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True)
    )
    onboarded_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    updated_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    version: int = 1


class EmailDomain(SQLModel, table=True):
    """An email domain of a customer. ``normalized`` (A-label) claims it: unique."""

    __tablename__ = "email_domain"
    __table_args__ = (
        *(_trigram_index(f"ix_email_domain_{c}_trgm", c) for c in ("domain", "normalized")),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    position: int
    domain: str = Field(max_length=253)  # as typed (a draft may hold anything)
    normalized: str | None = Field(default=None, max_length=253, unique=True)


class AdminContact(SQLModel, table=True):
    """An administrator of the customer's CloudLink account."""

    __tablename__ = "admin_contact"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    position: int
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = Field(max_length=EMAIL_MAX)


class SupportContact(SQLModel, table=True):
    """A Maintainer, Onsite Admin or Other contact who receives problem reports."""

    __tablename__ = "support_contact"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    position: int
    role: str = Field(max_length=20)
    name: str = Field(max_length=100)
    email: str = Field(max_length=EMAIL_MAX)


class ConnectionCheck(SQLModel, table=True):
    """One connection check a user asked for: the audit trail and the rate limit.

    The row is inserted as "pending" in the transaction that counts the user's checks
    (services.connection_checks.reserve) and completed with the result. It outlives
    its customer: deleting a draft sets ``customer_id`` to NULL and keeps the account
    ID and name the check was about.
    """

    __tablename__ = "connection_check"
    __table_args__ = (sa.Index("ix_connection_check_user_at", "user_id", "checked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    customer_id: int | None = Field(
        default=None,
        sa_column_args=[sa.ForeignKey("customer.id", ondelete="SET NULL")],
        index=True,
    )
    account_id: str = Field(default="", max_length=16)
    customer_name: str = Field(default="", max_length=100)
    target: str = Field(max_length=300)
    # "pending" while the check runs, then what it found (domain.checks.OUTCOMES, as
    # found: a name that is not allowed is recorded as such, whatever the user was shown).
    result: str = Field(max_length=40)
    checked_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )


class SaveRecord(SQLModel, table=True):
    """The audit trail: who saved which step of which customer, and when."""

    __tablename__ = "save_record"
    __table_args__ = (sa.Index("ix_save_record_customer_at", "customer_id", "saved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    step: str = Field(max_length=20)
    saved_at: datetime.datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))


class OutboxMessage(SQLModel, table=True):
    """An email to send (services/outbox.py): written in the transaction of the action
    that causes it, sent over SMTP by ``outbox.deliver_due``, and marked sent
    (``sent_at``) only after the mail server accepted it. Rows are kept once sent: the
    outbox page shows them. ``message_id`` is made once, at enqueue: every attempt
    sends the same Message-ID."""

    __tablename__ = "outbox_message"
    # What deliver_due looks for: the unsent rows by when they are due.
    __table_args__ = (sa.Index("ix_outbox_message_due", "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=255, unique=True)  # "<hex@domain>", as sent
    kind: str = Field(max_length=40)  # e.g. "problem_report", "invitation", "password_link"
    customer_id: int | None = Field(
        default=None,
        sa_column_args=[sa.ForeignKey("customer.id", ondelete="SET NULL")],
        index=True,
    )
    to_address: str = Field(max_length=EMAIL_MAX)  # one address, checked by email-validator
    subject: str = Field(max_length=300)  # one line: control characters removed
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(sa_type=sa.Text)
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    # The one-time link the message carries (an invitation, a set-password link): its
    # text holds links.LINK_PLACEHOLDER, replaced by the link when sent or shown.
    password_token_id: int | None = Field(default=None, foreign_key="password_token.id")
    # Why the last attempt failed: the error's type and the server's reply, short.
    last_error: str = Field(default="", max_length=300)
    sent_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class ProblemReport(SQLModel, table=True):
    """A problem a customer reported with a CloudLink application
    (services/problem_reports.py): made by an account admin of the customer or a user
    of its partner, mailed to the customer's support contacts (the outbox, in the same
    transaction). Never deleted by the app (only ``make reset-demo``, on a database of
    demo data, starts a demo without them); resolving it is recorded (``resolved_at``,
    ``resolved_by_user_id``)."""

    __tablename__ = "problem_report"

    id: int | None = Field(default=None, primary_key=True)
    # A report outlives a draft deleted from the dashboard: the link becomes NULL and
    # the account ID and name it was made for stay on the report.
    customer_id: int | None = Field(
        default=None,
        sa_column_args=[sa.ForeignKey("customer.id", ondelete="SET NULL")],
        index=True,
    )
    account_id: str = Field(default="", max_length=16)
    customer_name: str = Field(default="", max_length=100)
    reporter_user_id: int = Field(foreign_key="app_user.id")
    # domain: services.problem_reports.APPLICATIONS
    application: str = Field(max_length=40)
    summary: str = Field(max_length=120)  # one line
    description: str = Field(max_length=5000, sa_type=sa.Text)
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    resolved_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    resolved_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")


# The dashboard's substring search on SQLite (services/customer_list.py list_customers):
# an FTS5 table with the trigram tokenizer (SQLite >= 3.34) holding each customer's
# name, account ID and email domains (as typed and normalised), lowered by lower() as
# the search's LIKE lowers them (services/database.py), rowid = customer.id, kept up to
# date by triggers. It only narrows the rows down: the search's own LIKE
# conditions decide, so it finds exactly what they find. The same SQL is in the
# migration that adds it (alembic/versions/b7e2c91d4f30_*), which also fills it.
SEARCH_TABLE = "customer_search"
_DOMAINS_OF = (
    "coalesce((SELECT group_concat(lower(d.domain) || ' ' || coalesce(d.normalized, ''), ' ') "
    "FROM email_domain AS d WHERE d.customer_id = {id}), '')"
)
SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(name, account_id, domains, "
    "tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_insert AFTER INSERT ON customer BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, account_id, domains) "
    "VALUES (NEW.id, lower(NEW.name), lower(NEW.account_id), "
    f"{_DOMAINS_OF.format(id='NEW.id')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_update AFTER UPDATE OF name, account_id "
    f"ON customer BEGIN UPDATE {SEARCH_TABLE} SET name = lower(NEW.name), "
    "account_id = lower(NEW.account_id) WHERE rowid = NEW.id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_customer_delete AFTER DELETE ON customer BEGIN "
    f"DELETE FROM {SEARCH_TABLE} WHERE rowid = OLD.id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_insert AFTER INSERT ON email_domain BEGIN "
    f"UPDATE {SEARCH_TABLE} SET domains = {_DOMAINS_OF.format(id='NEW.customer_id')} "
    "WHERE rowid = NEW.customer_id; END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_update AFTER UPDATE ON email_domain BEGIN "
    f"UPDATE {SEARCH_TABLE} SET domains = {_DOMAINS_OF.format(id=f'{SEARCH_TABLE}.rowid')} "
    "WHERE rowid IN (OLD.customer_id, NEW.customer_id); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_domain_delete AFTER DELETE ON email_domain BEGIN "
    f"UPDATE {SEARCH_TABLE} SET domains = {_DOMAINS_OF.format(id='OLD.customer_id')} "
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


# Reflex's migrations read the tables from its registry; they all share one metadata.
ModelRegistry.register(SQLModel)
