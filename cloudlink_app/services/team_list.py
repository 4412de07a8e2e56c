"""The partner's team as its pages show it: the members, one member with their
customers and history, and the customers a member can be given (services/team.py
changes them). Only a partner admin reads it, and only their own partner's team.
"""

from __future__ import annotations

import dataclasses
import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain import permissions, team
from cloudlink_app.models import AppUser, Customer, TeamEvent, UserCustomer, UserSession, as_utc
from cloudlink_app.services import users
from cloudlink_app.services.team import member_of_team, require_admin


@dataclasses.dataclass(frozen=True)
class MemberRow:
    """A line of the Team page."""

    id: int
    name: str
    email: str
    role: str
    all_customers: bool
    selected: int  # customers selected (when not all)
    status: str  # domain.team.STATUSES
    last_signed_in: datetime.datetime | None


@dataclasses.dataclass(frozen=True)
class EventRow:
    """A line of a member's history."""

    at: datetime.datetime
    actor: str  # "" for an operator or a migration
    action: str
    detail: str


@dataclasses.dataclass(frozen=True)
class Member:
    """A member as the member page shows it."""

    row: MemberRow
    account_ids: list[str]  # the selected customers' account IDs
    history: list[EventRow]


def _rows(
    session: Session,
    conditions: list[sa.ColumnElement[bool]],
    page: tuple[int, int] | None = None,
) -> list[MemberRow]:
    """The members meeting ``conditions`` by name, with how many customers each has
    selected and when they last signed in; ``page``: (offset, limit)."""
    selected = (
        select(sa.func.count())
        .select_from(UserCustomer)
        .where(col(UserCustomer.user_id) == col(AppUser.id))
        .scalar_subquery()
    )
    last = (
        select(sa.func.max(UserSession.created_at))
        .where(col(UserSession.user_id) == col(AppUser.id))
        .scalar_subquery()
    )
    query = (
        sa.select(AppUser, selected, last)
        .where(*conditions)
        .order_by(sa.func.lower(AppUser.display_name), col(AppUser.id))
    )
    if page is not None:
        query = query.offset(page[0]).limit(page[1])
    found = session.execute(query).all()
    return [
        MemberRow(
            id=users.stored_id(user),
            name=user.display_name,
            email=user.email,
            role=user.role,
            all_customers=user.all_customers,
            selected=count,
            status=team.member_status(user.active, bool(user.password_hash)),
            last_signed_in=as_utc(signed_in) if signed_in is not None else None,
        )
        for user, count, signed_in in found
    ]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def team_page(
    session: Session,
    actor: users.CurrentUser,
    search: str = "",
    page: int = 1,
    page_size: int = team.MEMBERS_PAGE_SIZE,
) -> tuple[list[MemberRow], int]:
    """A page of the partner's team by name, and how many members match in all; the
    search matches names and addresses."""
    require_admin(actor)
    conditions: list[sa.ColumnElement[bool]] = [
        col(AppUser.partner_id) == actor.partner_id,
        col(AppUser.role).in_(permissions.PARTNER_ROLES),
    ]
    term = search.strip().lower()
    if term:
        like = f"%{_escape_like(term)}%"
        conditions.append(
            sa.or_(
                sa.func.lower(AppUser.display_name).like(like, escape="\\"),
                sa.func.lower(AppUser.email).like(like, escape="\\"),
            )
        )
    total = session.exec(select(sa.func.count()).select_from(AppUser).where(*conditions)).one()
    return _rows(session, conditions, ((max(1, page) - 1) * page_size, page_size)), total


def member(session: Session, actor: users.CurrentUser, member_id: object) -> Member:
    """A member of the actor's partner with their selection and history."""
    require_admin(actor)
    user = member_of_team(session, actor, member_id)
    (row,) = _rows(session, [col(AppUser.id) == user.id])
    account_ids = session.exec(
        select(Customer.account_id)
        .join(UserCustomer, col(UserCustomer.customer_id) == col(Customer.id))
        .where(UserCustomer.user_id == user.id)
        .order_by(col(Customer.name))
    ).all()
    actor_user = sa.orm.aliased(AppUser)
    events = session.exec(
        select(TeamEvent, actor_user.display_name)
        .outerjoin(actor_user, col(actor_user.id) == col(TeamEvent.actor_id))
        .where(TeamEvent.member_id == user.id, TeamEvent.partner_id == actor.partner_id)
        .order_by(col(TeamEvent.at).desc(), col(TeamEvent.id).desc())
        .limit(team.EVENTS_SHOWN)
    ).all()
    history = [
        EventRow(as_utc(event.at), name or "", event.action, event.detail) for event, name in events
    ]
    return Member(row=row, account_ids=list(account_ids), history=history)


# Customers offered per search in "Selected customers" (besides those selected).
CHOICES_SHOWN = 50


def customer_choices(
    session: Session, actor: users.CurrentUser, search: str = "", limit: int = CHOICES_SHOWN
) -> list[tuple[str, str]]:
    """The partner's customers whose name or account ID matches ``search``, by name, at
    most ``limit``: (account ID, name)."""
    require_admin(actor)
    query = select(Customer.account_id, Customer.name).where(
        Customer.partner_id == actor.partner_id
    )
    term = search.strip().lower()
    if term:
        like = f"%{_escape_like(term)}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Customer.name).like(like, escape="\\"),
                sa.func.lower(Customer.account_id).like(like, escape="\\"),
            )
        )
    rows = session.exec(query.order_by(sa.func.lower(Customer.name)).limit(limit)).all()
    return [(account_id, name) for account_id, name in rows]


def customer_names(
    session: Session, actor: users.CurrentUser, account_ids: list[str]
) -> list[tuple[str, str]]:
    """The partner's customers among ``account_ids``, by name: (account ID, name)."""
    require_admin(actor)
    if not account_ids:
        return []
    rows = session.exec(
        select(Customer.account_id, Customer.name)
        .where(Customer.partner_id == actor.partner_id, col(Customer.account_id).in_(account_ids))
        .order_by(sa.func.lower(Customer.name))
    ).all()
    return [(account_id, name) for account_id, name in rows]
