"""What is mailed: the outbox's messages, and the problem reports they carry."""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.models.times import utc_now


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
    # The mail limits (domain/limits.py MAIL_LIMITS, services/mail_limits.py): the
    # partner whose limits the message counts in (None: not limited, e.g. the accounts
    # tool's links), and, when a limit held it back, the start of the window it waits
    # for (its first next_attempt_at) and that limit's name. A message counts in the
    # window of held_until, else of created_at.
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    held_until: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    held_reason: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})


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
