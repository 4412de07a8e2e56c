"""The customers: the Customer step's fields and lists, the later steps' answers,
connection checks and the audit trail of saves.

Every customer belongs to one partner; services scope every query by it. The
customer's ``version`` is the optimistic lock: a save names the version it started
from and fails when someone else saved in between.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.models.times import utc_now


class Customer(SQLModel, table=True):
    """A business customer being onboarded, with the Customer step's scalar fields."""

    __table_args__ = (
        sa.Index("ix_customer_partner_updated", "partner_id", "updated_at"),
        sa.Index("ix_customer_partner_status", "partner_id", "status"),
        sa.Index("ux_customer_mac_claim", "mac_claim", unique=True),
        # The dashboard's substring search has its own table (models/search.py).
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
