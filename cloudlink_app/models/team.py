"""The partner's team: which customers a limited partner user sees, and the audit trail
of who invited, changed or deactivated whom (SPEC "The partner's team")."""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cloudlink_app.models.times import utc_now


class UserCustomer(SQLModel, table=True):
    """A customer selected for a partner user who does not see all customers
    (``AppUser.all_customers`` false): services/owned_customers.py reads it for every
    customer query."""

    __tablename__ = "user_customer"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", primary_key=True, index=True)


class TeamEvent(SQLModel, table=True):
    """One change to a partner's team, kept for the member page's history: who
    (``actor_id``; None for an operator at the command line or a migration) did what
    (``action``: invited, invitation_resent, role_changed, customers_changed,
    deactivated, reactivated) to whom (``member_id``), and when."""

    __tablename__ = "team_event"
    __table_args__ = (sa.Index("ix_team_event_member_at", "member_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    member_id: int = Field(foreign_key="app_user.id")
    action: str = Field(max_length=30)
    # What changed, in plain values for the page to word ("partner_admin", "5", ...).
    detail: str = Field(default="", max_length=200)
    at: datetime.datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
