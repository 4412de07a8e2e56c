"""The demo Outbox page's list: the messages a user may see, as they would arrive
(services/outbox.py writes and sends them)."""

from __future__ import annotations

import dataclasses
import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.domain import permissions
from cloudlink_app.models import AppUser, Customer, OutboxMessage, PasswordToken
from cloudlink_app.services import links, outbox, owned_customers
from cloudlink_app.services.users import CurrentUser

OUTBOX_SHOWN = 100  # the most messages the Outbox page lists


@dataclasses.dataclass(frozen=True)
class ShownMessage:
    """A message as the demo Outbox page shows it: as it would arrive."""

    id: int
    sender: str
    to: str
    subject: str
    date: datetime.datetime
    text: str
    link: str  # the one-time link it carries ("" for none)
    sent: bool
    # Held by a mail limit (services/mail_limits.py): until when, and which limit.
    held_until: datetime.datetime | None = None
    held_reason: str = ""


def _team_invitations(partner_id: int) -> sa.ColumnElement[bool]:
    """The invitations to join the team of ``partner_id`` (services/team.py mails
    them): the links of that partner's own staff, in messages about no customer."""
    team_links = (
        select(PasswordToken.id)
        .join(AppUser, col(AppUser.id) == col(PasswordToken.user_id))
        .where(
            AppUser.partner_id == partner_id,
            col(AppUser.role).in_(permissions.PARTNER_ROLES),
        )
    )
    return sa.and_(
        col(OutboxMessage.kind) == "invitation",
        col(OutboxMessage.customer_id).is_(None),
        col(OutboxMessage.password_token_id).in_(team_links),
    )


def messages_for(session: Session, user: CurrentUser) -> list[ShownMessage]:
    """The messages ``user`` may see on the Outbox page, newest first: a partner
    user's customers' messages (those in their scope), an account admin's own
    customer's, a partner admin's invitations of colleagues to their team, and every
    message to the user's own address. Demo mode only: the caller checks it (these
    messages carry live one-time links)."""
    to_me = sa.func.lower(col(OutboxMessage.to_address)) == user.email.lower()
    theirs: sa.ColumnElement[bool]
    if user.role in permissions.PARTNER_ROLES:
        theirs = col(OutboxMessage.customer_id).in_(
            select(Customer.id).where(owned_customers.customers_in(user.scope))
        )
    elif user.customer_id is not None:
        theirs = col(OutboxMessage.customer_id) == user.customer_id
    else:
        theirs = sa.false()
    if user.can(permissions.MANAGE_TEAM):
        theirs = sa.or_(theirs, _team_invitations(user.partner_id))
    rows = session.exec(
        select(OutboxMessage)
        .where(sa.or_(theirs, to_me))
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        .limit(OUTBOX_SHOWN)
    ).all()
    sender = settings.get().sender
    carried = links.mailed_urls(
        session, {row.password_token_id for row in rows if row.password_token_id is not None}
    )
    shown = []
    for row in rows:
        link = carried.get(row.password_token_id, "") if row.password_token_id else ""
        message = outbox.build_message(row, sender, link or None)
        body = message.get_body(("plain",))
        shown.append(
            ShownMessage(
                id=row.id or 0,
                sender=str(message["From"]),
                to=row.to_address,
                subject=str(message["Subject"]),
                date=row.created_at,
                text=body.get_content() if body is not None else "",
                link=link,
                sent=row.sent_at is not None,
                held_until=row.held_until if row.held_reason else None,
                held_reason=row.held_reason,
            )
        )
    return shown
