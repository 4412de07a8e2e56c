"""The partner's team on the database: members invited, changed, deactivated (their
listing is services/team_list.py).

Every function takes the acting partner admin (``users.CurrentUser``) and finds members
within the actor's own partner only: a member id of another partner is reported like
one that does not exist. A partner always keeps an active partner admin: the changes
that could remove the last one first lock the partner's row (an UPDATE of it: a row
lock on PostgreSQL, the write lock on SQLite), so two admins demoting each other at
the same moment are decided by the database, one after the other. Each change is
recorded in ``team_event`` (the member page's history).
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloudlink_app.domain import contacts, permissions, team
from cloudlink_app.domain.i18n import N_
from cloudlink_app.domain.limits import ProblemError
from cloudlink_app.models import (
    AppUser,
    Customer,
    Partner,
    PasswordToken,
    TeamEvent,
    UserCustomer,
    as_utc,
    utc_now_or,
)
from cloudlink_app.services import password_links, sessions, users

# Why a change is refused: message keys of the catalogs.
NOT_FOUND = N_("team.not_found")
ADDRESS_TAKEN = N_("team.address_taken")
LAST_ADMIN = N_("team.last_admin")
NOT_YOURSELF = N_("team.not_yourself")
NOT_INVITED = N_("team.not_invited")
TOO_SOON = N_("team.too_soon")
UNKNOWN_CUSTOMERS = N_("team.unknown_customers")
NOT_ALLOWED = N_("team.not_allowed")
INVALID = N_("team.invalid")


class TeamError(ValueError):
    """A refused change; ``key`` is the message key saying why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def require_admin(actor: users.CurrentUser) -> None:
    """TeamError(NOT_ALLOWED) unless ``actor`` may manage the team."""
    if not actor.can(permissions.MANAGE_TEAM):
        raise TeamError(NOT_ALLOWED)


def member_of_team(session: Session, actor: users.CurrentUser, member_id: object) -> AppUser:
    """The actor's partner's member with this id; TeamError(NOT_FOUND) otherwise."""
    if not isinstance(member_id, int) or isinstance(member_id, bool) or member_id < 1:
        raise TeamError(NOT_FOUND)
    user = session.get(AppUser, member_id)
    if (
        user is None
        or user.partner_id != actor.partner_id
        or user.role not in permissions.PARTNER_ROLES
    ):
        raise TeamError(NOT_FOUND)
    return user


def _lock_partner(session: Session, partner_id: int) -> None:
    """Serialise the changes of one partner's team until the transaction ends."""
    session.execute(
        sa.update(Partner).where(col(Partner.id) == partner_id).values(name=Partner.name)
    )


def _keeps_an_admin(session: Session, member: AppUser) -> bool:
    """Whether the partner has an active partner admin besides ``member``."""
    other = session.exec(
        select(AppUser.id).where(
            AppUser.partner_id == member.partner_id,
            AppUser.role == permissions.PARTNER_ADMIN_ROLE,
            col(AppUser.active).is_(True),
            AppUser.id != member.id,
        )
    ).first()
    return other is not None


def _record(
    session: Session, actor: users.CurrentUser, member: AppUser, action: str, detail: str = ""
) -> None:
    session.add(
        TeamEvent(
            partner_id=actor.partner_id,
            actor_id=actor.id,
            member_id=users.stored_id(member),
            action=action,
            detail=detail[:200],
        )
    )


def _customer_ids(session: Session, partner_id: int, account_ids: list[str]) -> list[int]:
    """The ids of the partner's customers with these account IDs; TeamError when one is
    not the partner's (another partner's, deleted, or made up)."""
    wanted = set(account_ids)
    if not all(isinstance(a, str) and 0 < len(a) <= 16 for a in wanted):
        raise TeamError(UNKNOWN_CUSTOMERS)
    found = session.exec(
        select(Customer.id).where(
            Customer.partner_id == partner_id, col(Customer.account_id).in_(wanted)
        )
    ).all()
    if len(found) != len(wanted):
        raise TeamError(UNKNOWN_CUSTOMERS)
    return [customer_id for customer_id in found if customer_id is not None]


def _set_customers(session: Session, member: AppUser, customer_ids: list[int] | None) -> None:
    """All customers (None) or exactly ``customer_ids``."""
    member_id = users.stored_id(member)
    session.execute(sa.delete(UserCustomer).where(col(UserCustomer.user_id) == member_id))
    member.all_customers = customer_ids is None
    for customer_id in customer_ids or []:
        session.add(UserCustomer(user_id=member_id, customer_id=customer_id))
    session.add(member)


def _check(role: object, customers: object, account_ids: object) -> tuple[str, list[str] | None]:
    """The role and the selection (None: all customers) from a form; TeamError(INVALID)
    for anything the form cannot send."""
    if not isinstance(role, str) or not isinstance(customers, str):
        raise TeamError(INVALID)
    if not isinstance(account_ids, list | tuple) or not all(
        isinstance(a, str) for a in account_ids
    ):
        raise TeamError(INVALID)
    if team.access_problems(role, customers, account_ids):
        raise TeamError(INVALID)
    return role, (list(account_ids) if customers == team.SELECTED_CUSTOMERS else None)


# ------------------------------------------------------------------------------ changing


def invite(
    session: Session,
    actor: users.CurrentUser,
    *,
    name: object,
    email: object,
    role: object,
    customers: object,
    account_ids: object,
    lang: str,
    now: datetime.datetime | None = None,
) -> int:
    """Add a colleague (no password yet) and mail them a one-time link (7 days) in
    ``lang``; commits and returns their id. An address that is a user already (here or
    at another partner) is refused without saying whose it is."""
    require_admin(actor)
    if not isinstance(name, str) or not isinstance(email, str):
        raise TeamError(INVALID)
    checked_role, selection = _check(role, customers, account_ids)
    if team.invitation_problems(name, email, checked_role, str(customers), selection or []):
        raise TeamError(INVALID)
    try:
        address = contacts.normalize_email(email)
    except ProblemError:
        raise TeamError(INVALID) from None
    now = utc_now_or(now)
    if users.user_with_email(session, address) is not None:
        raise TeamError(ADDRESS_TAKEN)
    customer_ids = (
        None if selection is None else _customer_ids(session, actor.partner_id, selection)
    )
    user = AppUser(
        email=address,
        display_name=name.strip(),
        role=checked_role,
        partner_id=actor.partner_id,
    )
    try:
        session.add(user)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise TeamError(ADDRESS_TAKEN) from None
    _set_customers(session, user, customer_ids)
    _record(session, actor, user, team.INVITED, checked_role)
    _mail_invitation(session, actor, user, lang, now)
    session.commit()
    return users.stored_id(user)


def _mail_invitation(
    session: Session,
    actor: users.CurrentUser,
    user: AppUser,
    lang: str,
    now: datetime.datetime,
) -> None:
    partner = session.get(Partner, actor.partner_id)
    assert partner is not None  # the actor's own
    link, _token = password_links.new_link(session, user, password_links.NEW_USER, now)
    password_links.mail_link(
        session, user, link, lang, team_of=(actor.display_name, partner.name), by=actor.id
    )


def change_access(
    session: Session,
    actor: users.CurrentUser,
    member_id: object,
    *,
    role: object,
    customers: object,
    account_ids: object,
) -> None:
    """Set a member's role and customers ("Save changes"); commits. The last active
    partner admin cannot be made a partner user."""
    require_admin(actor)
    checked_role, selection = _check(role, customers, account_ids)
    _lock_partner(session, actor.partner_id)
    user = member_of_team(session, actor, member_id)
    customer_ids = (
        None if selection is None else _customer_ids(session, actor.partner_id, selection)
    )
    if user.role != checked_role:
        demoted = user.role == permissions.PARTNER_ADMIN_ROLE
        if demoted and user.active and not _keeps_an_admin(session, user):
            session.rollback()
            raise TeamError(LAST_ADMIN)
        user.role = checked_role
        _record(session, actor, user, team.ROLE_CHANGED, checked_role)
    before = _selection(session, user)
    after = None if customer_ids is None else set(customer_ids)
    if before != after:
        _set_customers(session, user, customer_ids)
        _record(
            session,
            actor,
            user,
            team.CUSTOMERS_CHANGED,
            team.ALL_CUSTOMERS if after is None else str(len(after)),
        )
    session.add(user)
    session.commit()


def _selection(session: Session, user: AppUser) -> set[int] | None:
    if user.all_customers:
        return None
    return set(
        session.exec(select(UserCustomer.customer_id).where(UserCustomer.user_id == user.id)).all()
    )


def end_access(session: Session, user: AppUser, now: datetime.datetime) -> int:
    """Deactivate ``user``: every live session of theirs ends at its next event and
    their unused links are spent (the caller commits). How many sessions ended."""
    user.active = False
    session.add(user)
    password_links.spend_links(session, users.stored_id(user), now)
    return sessions.revoke_sessions(session, users.stored_id(user), now=now)


def deactivate(
    session: Session,
    actor: users.CurrentUser,
    member_id: object,
    now: datetime.datetime | None = None,
) -> None:
    """Deactivate a colleague ("Deactivate"); commits. Not oneself, not the last active
    partner admin."""
    require_admin(actor)
    _lock_partner(session, actor.partner_id)
    user = member_of_team(session, actor, member_id)
    if user.id == actor.id:
        session.rollback()
        raise TeamError(NOT_YOURSELF)
    if not user.active:
        session.rollback()
        return
    if user.role == permissions.PARTNER_ADMIN_ROLE and not _keeps_an_admin(session, user):
        session.rollback()
        raise TeamError(LAST_ADMIN)
    end_access(session, user, utc_now_or(now))
    _record(session, actor, user, team.DEACTIVATED)
    session.commit()


def reactivate(session: Session, actor: users.CurrentUser, member_id: object) -> None:
    """Let a deactivated colleague sign in again ("Reactivate"); commits. One invited
    but never registered gets a new invitation with "Send invitation again"."""
    require_admin(actor)
    user = member_of_team(session, actor, member_id)
    if user.active:
        return
    user.active = True
    session.add(user)
    _record(session, actor, user, team.REACTIVATED)
    session.commit()


def send_again(
    session: Session,
    actor: users.CurrentUser,
    member_id: object,
    lang: str,
    now: datetime.datetime | None = None,
) -> str:
    """A new invitation (a new link, the earlier one spent) to a member who has not set
    a password yet; commits and returns the address."""
    require_admin(actor)
    user = member_of_team(session, actor, member_id)
    if not user.active or user.password_hash:
        raise TeamError(NOT_INVITED)
    now = utc_now_or(now)
    last = session.exec(
        select(PasswordToken.created_at)
        .where(PasswordToken.user_id == user.id)
        .order_by(col(PasswordToken.created_at).desc())
        .limit(1)
    ).first()
    if last is not None and as_utc(last) > now - password_links.RESEND_INTERVAL:
        raise TeamError(TOO_SOON)
    _mail_invitation(session, actor, user, lang, now)
    _record(session, actor, user, team.INVITATION_RESENT)
    session.commit()
    return user.email
