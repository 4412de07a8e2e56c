"""Load the demo customers (load()): all or nothing, into a database of demo partners.

Each demo customer is taken through the wizard's services by demo_data.onboarding.
One demo-only adjustment follows: the saves all happen now, so the loader moves their
times into the last week (one UPDATE per table), 7 hours apart per customer, so that
the dashboard reads like a partner's real week. Nothing else is written by hand.
"""

from __future__ import annotations

import datetime
import logging

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.demo_data import accounts
from cloudlink_app.demo_data.onboarding import DemoDataError, Onboarding, SaveTimes
from cloudlink_app.demo_data.records import ACCOUNT_ADMIN_CUSTOMER, ACCOUNT_ADMIN_EMAIL, PARTNERS
from cloudlink_app.domain import permissions
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    ConnectionCheck,
    Customer,
    EmailDomain,
    OutboxMessage,
    Partner,
    PasswordToken,
    ProblemReport,
    SaveRecord,
    SupportContact,
    TeamEvent,
    UserCustomer,
    UserSession,
    utc_now,
)

logger = logging.getLogger(__name__)

# The customers of a partner were last saved this far apart, the newest an hour ago.
CUSTOMER_SPACING = datetime.timedelta(hours=7)


class NotADemoDatabase(DemoDataError):
    """--reset was asked of a database that holds more than demo partners: refused,
    nothing deleted."""


def load(session: Session, reset: bool = False) -> int:
    """Load the demo customers (once, or again after deleting all); return how many.

    The demo users are created first when missing (accounts.ensure_demo_users).
    Both refuse (NotADemoDatabase, before anything is written) a database with any
    partner that is not a demo partner: demo accounts have a published password, and
    ``reset`` deletes every customer.

    All or nothing: the services commit customer by customer, so a load that fails
    half way (any error) deletes what it made again (``_delete_made_since``) before
    the error goes on; otherwise the next ``make run`` would find customers, say
    "already there" and start a demo with part of them.
    """
    _refuse_unless_only_demo_partners(session, reset=reset)
    user_ids = accounts.ensure_demo_users(session)
    demo_users = set(user_ids.values())
    if reset:
        # Everything the last demo made: a demo starts as the first did (the outbox
        # page with this load's invitations only).
        _delete_made_since(session, dict.fromkeys(_MADE_SINCE, 0), demo_users)
    elif session.exec(select(Customer.id).limit(1)).first() is not None:
        return 0
    before = {model: _last_id(session, model) for model in _MADE_SINCE}
    try:
        return _load_all(session, user_ids)
    except BaseException:
        try:
            session.rollback()
            _delete_made_since(session, before, demo_users)  # the table was empty
        except Exception:  # the load's own error is the one to see
            logger.exception("Demo data: the half-made load could not be deleted")
        raise


# What a load or a demo makes besides the customers and their rows: the rows with an
# id above the last one before a load are that load's own.
_MADE_SINCE: tuple[type, ...] = (
    TeamEvent,
    ProblemReport,
    OutboxMessage,
    PasswordToken,
    ConnectionCheck,
    AppUser,
)


def _last_id(session: Session, model: type) -> int:
    return session.exec(select(sa.func.max(model.id))).one() or 0  # type: ignore[attr-defined]


def _delete_made_since(session: Session, since: dict[type, int], keep_users: set[int]) -> None:
    """Delete every customer with its rows, and the team's history, problem reports,
    mail, links, checks and users (with their sessions) with an id above ``since``'s
    (0: all of them), but the users in ``keep_users`` (the demo ones): the account
    admins the demo invited and the colleagues invited on its Team page."""
    invited = select(AppUser.id).where(
        col(AppUser.id) > since[AppUser],
        col(AppUser.id).not_in(sorted(keep_users)),
    )
    customer_ids = select(Customer.id)
    session.execute(
        sa.update(AppUser)
        .where(col(AppUser.customer_id).in_(customer_ids))
        .values(customer_id=None)
    )
    for made in (TeamEvent, ProblemReport, OutboxMessage, PasswordToken, ConnectionCheck):
        session.execute(sa.delete(made).where(col(made.id) > since[made]))
    for row in (SaveRecord, EmailDomain, AdminContact, SupportContact, UserCustomer):
        session.execute(sa.delete(row).where(col(row.customer_id).in_(customer_ids)))
    session.execute(sa.delete(Customer))
    session.execute(sa.delete(UserSession).where(col(UserSession.user_id).in_(invited)))
    session.execute(sa.delete(AppUser).where(col(AppUser.id).in_(invited)))
    session.commit()


def _load_all(session: Session, user_ids: dict[str, int]) -> int:
    """Every demo customer, onboarded step by step; how many."""
    now = utc_now().replace(second=0, microsecond=0)
    loaded: list[SaveTimes] = []
    for partner_number, partner in enumerate(PARTNERS):
        partner_id = _user(session, user_ids[partner.user_emails[0]]).partner_id
        for index in range(len(partner.customers)):
            last_saved = now - CUSTOMER_SPACING * index - datetime.timedelta(hours=1)
            onboarding = Onboarding(
                session, partner, partner_number, index, user_ids, partner_id, last_saved
            )
            loaded.append(onboarding.run())
    _link_account_admin(session, user_ids[ACCOUNT_ADMIN_EMAIL])
    _restore_the_team(session, user_ids)
    _move_into_the_week(session, loaded)
    return len(loaded)


def _refuse_unless_only_demo_partners(session: Session, *, reset: bool = True) -> None:
    """NotADemoDatabase when a partner of the database is not a demo partner."""
    others = session.exec(
        select(Partner.name).where(col(Partner.is_demo).is_(False)).order_by(col(Partner.id))
    ).all()
    if others:
        named = ", ".join(repr(name) for name in others[:3]) + (", ..." if len(others) > 3 else "")
        why = (
            "--reset deletes every customer, so it runs only on a database of demo data. "
            "Nothing was deleted."
            if reset
            else "Demo partners, users and customers go only into a database of demo "
            "data. Nothing was written."
        )
        raise NotADemoDatabase(
            f"Refused: this database holds {len(others)} partner(s) that are not demo "
            f"partners ({named}). {why}"
        )


def _user(session: Session, user_id: int) -> AppUser:
    user = session.get(AppUser, user_id)
    if user is None:
        raise DemoDataError(f"no user {user_id}")
    return user


def _restore_the_team(session: Session, user_ids: dict[str, int]) -> None:
    """The demo partners' teams as the demo accounts say (a demo may have changed them
    on the Team page): each one's role, active, and their customers: all, or the first
    ones of their partner by name."""
    for account in accounts.DEMO_ACCOUNTS:
        if account.role not in permissions.PARTNER_ROLES:
            continue
        user = _user(session, user_ids[account.email])
        user.role = account.role
        user.active = True
        user.all_customers = account.selected_customers is None
        session.add(user)
        # A selection left from customers deleted some other way goes first.
        session.execute(
            sa.delete(UserCustomer).where(col(UserCustomer.user_id) == user_ids[account.email])
        )
        if account.selected_customers is not None:
            chosen = session.exec(
                select(Customer.id)
                .where(Customer.partner_id == user.partner_id)
                .order_by(col(Customer.name))
                .limit(account.selected_customers)
            ).all()
            for customer_id in chosen:
                assert customer_id is not None  # a stored row's
                session.add(UserCustomer(user_id=user_ids[account.email], customer_id=customer_id))
    session.commit()


def _link_account_admin(session: Session, admin_id: int) -> None:
    """Sanne becomes the account admin of her own bakery (an admin contact of it)."""
    customer = session.exec(select(Customer).where(Customer.name == ACCOUNT_ADMIN_CUSTOMER)).one()
    admin = _user(session, admin_id)
    admin.customer_id = customer.id
    admin.partner_id = customer.partner_id
    session.add(admin)
    session.commit()


def _move_into_the_week(session: Session, loaded: list[SaveTimes]) -> None:
    """The demo-only adjustment: each save at its time in the demo's week instead of
    now. One UPDATE per table (executed for many rows), nothing else changed."""
    records: dict[int, list[int | None]] = {}
    for record_id, customer_id in session.exec(
        select(SaveRecord.id, SaveRecord.customer_id).order_by(col(SaveRecord.id))
    ):
        records.setdefault(customer_id, []).append(record_id)
    save_times = []
    for times in loaded:
        ids = records.get(times.customer_id, [])
        if len(ids) != len(times.saves):  # one save per service call, or the plan is off
            raise DemoDataError(
                f"customer {times.customer_id}: {len(ids)} saves recorded, "
                f"{len(times.saves)} planned"
            )
        save_times += [{"id": i, "saved_at": at} for i, at in zip(ids, times.saves, strict=True)]
    session.execute(sa.update(SaveRecord), save_times)
    session.execute(
        sa.update(Customer),
        [
            {
                "id": times.customer_id,
                "created_at": times.saves[0],
                "updated_at": times.saves[-1],
                "sync_started_at": times.sync_started_at,
                "onboarded_at": times.onboarded_at,
            }
            for times in loaded
        ],
    )
    session.commit()
