"""Who may check a connection now, and the check itself with its stored result.

A server that connects where a user says is a network scanner for its users: only
those the permission table lets check (partner users, on their partner's customers)
may ask, at most RATE_LIMIT checks a minute each, one at a time each, and the target
policy (services.connection) refuses link-local and metadata addresses always, and
loopback and private networks unless configuration or demo mode allows them.

A check is reserved before it runs (reserve): in one transaction that holds the user's
lock, the user's recent checks are counted and a "pending" row is inserted, so N tabs
asking at once cannot all find a free slot. The lock is the user's row (SELECT ... FOR
UPDATE) on PostgreSQL and the database's write lock (BEGIN IMMEDIATE) on SQLite: both
hold across backend workers. The row is completed with what the check found
(run_check). A pending row younger than STALE_AFTER seconds is a check still running:
the same user cannot start another. Each backend process runs at most MAX_RUNNING
checks at once (each holds a socket and perhaps a DNS thread); over that the user is
told the server is busy.

Outside demo mode a host name that resolves to an address the server may not reach
gets the same answer as a name that does not exist (the audit row keeps what was
found), and names of one label are refused before anything is looked up: a partner
must not be able to map the names of our own network.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import threading
import time

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.domain import network, pbx, permissions
from cloudlink_app.domain.checks import NAME_NOT_FOUND, NOT_ALLOWED, target_of
from cloudlink_app.domain.i18n import N_
from cloudlink_app.models import AppUser, ConnectionCheck, utc_now
from cloudlink_app.services import connection, owned_customers, users, wizard
from cloudlink_app.services.database import get_session

# (checks, seconds): at most that many checks per user in that window.
RATE_LIMIT = connection.RATE_LIMIT
# Checks running at once in one backend process; the next user is told to try again.
MAX_RUNNING = 20
# A check takes at most connection.DEFAULT_TIMEOUT seconds plus two short database
# transactions: a pending row (or a process slot) older than this was left behind by a
# worker that stopped, and no longer blocks anyone.
STALE_AFTER = 60
# The audit row's result while the check runs, and when it never finished (an error or
# a cancelled event): neither is ever stored on a customer.
PENDING = "pending"
INTERRUPTED = "interrupted"

_slots_lock = threading.Lock()
# This process's running checks: slot -> when it was taken (time.monotonic()).
_slots: dict[object, float] = {}


@dataclasses.dataclass(frozen=True)
class Reservation:
    """A check allowed to run: its pending audit row and its slot in this process."""

    check_id: int
    user: users.CurrentUser
    account_id: str
    host: str
    port: int
    slot: object = dataclasses.field(repr=False, compare=False)


def refusal(session: Session, user: users.CurrentUser, account_id: str) -> str | None:
    """The notice key when this user may not check the connection of the customer
    ``account_id`` now, else None: not theirs to check first, then a check of theirs
    still running, then the rate limit. Counted without a lock: reserve() asks it
    again while holding the user's lock."""
    owner = owned_customers.customer_owner(session, user.scope, account_id)
    if owner is None:
        return "notice.customer_not_found"
    if not user.may(permissions.CHECK_CONNECTION, owner.partner_id, owner.customer_id):
        return N_("notice.partners_only_check")
    if _running_check_of(session, user.id):
        return N_("notice.check_running")
    count, seconds = RATE_LIMIT
    if wizard.checks_in_last(session, user.id, seconds) >= count:
        return N_("notice.too_many_checks")
    return None


def reserve(user: users.CurrentUser, account_id: str, address: str, port: str) -> Reservation | str:
    """Reserve a check of ``address``:``port`` (as the step validated them) for the
    customer ``account_id``: a Reservation, to be passed to run_check, or the notice key
    that says why not (refusal's, N_("notice.single_label_host") outside demo mode, or
    N_("notice.checks_busy") when this process runs MAX_RUNNING checks)."""
    host = pbx.normalize_host(address)
    number = pbx.parse_port(port)
    demo = settings.get().demo_mode
    with get_session() as session:
        _lock_user(session, user.id)
        refused = refusal(session, user, account_id)
        if refused is None and not demo and network.single_label_name(host):
            refused = N_("notice.single_label_host")
        if refused is not None:
            session.rollback()
            return refused
        slot = _take_slot()
        if slot is None:
            session.rollback()
            return N_("notice.checks_busy")
        try:
            customer = owned_customers.owned_customer(session, user.scope, account_id)
            row = ConnectionCheck(
                user_id=user.id,
                customer_id=customer.id,
                account_id=customer.account_id,
                customer_name=customer.name,
                target=target_of(host, str(number)),
                result=PENDING,
                checked_at=utc_now(),
            )
            session.add(row)
            session.commit()
        except BaseException:
            _release_slot(slot)
            raise
        assert row.id is not None  # committed
        return Reservation(row.id, user, account_id, host, number, slot)


def release(reservation: Reservation) -> None:
    """Give back the reservation's slot in this process (again: no harm)."""
    _release_slot(reservation.slot)


async def run_check(reservation: Reservation) -> wizard.WizardRecord | str:
    """Check the reserved connection for real and store the result with the customer
    and on the audit row: the customer's record, or "notice.customer_not_found" when
    the customer was deleted meanwhile (the audit row is kept). The slot is given back
    however it ends.

    No database session is open while the network is waited on.
    """
    current = settings.get()
    try:
        result = await connection.check_connection(
            reservation.host,
            reservation.port,
            allow_private=connection.allow_private_targets(),
            strict_names=not current.demo_mode,
        )
    except BaseException:
        _complete(reservation.check_id, INTERRUPTED)
        raise
    finally:
        release(reservation)
    _complete(reservation.check_id, result.outcome)
    shown = result
    if (
        not current.demo_mode
        and result.outcome == NOT_ALLOWED
        and not _is_ip_address(reservation.host)
    ):
        # The one answer for names that do not exist and names of addresses we do not
        # reach (the message says both); an IP address typed reveals no name.
        shown = dataclasses.replace(result, outcome=NAME_NOT_FOUND)
    user = reservation.user
    with get_session() as session:
        try:
            return wizard.record_check(
                session,
                scope=user.scope,
                account_id=reservation.account_id,
                user_id=user.id,
                target=target_of(reservation.host, str(reservation.port)),
                result=shown,
                audited=True,
            )
        except owned_customers.CustomerNotFound:
            return "notice.customer_not_found"


def _lock_user(session: Session, user_id: int) -> None:
    """Serialise this user's reservations until the session's transaction ends."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite locks the whole database: take its write lock now, before counting,
        # rather than at the insert (the driver would begin a deferred transaction).
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        return
    session.exec(select(AppUser.id).where(AppUser.id == user_id).with_for_update()).first()


def _running_check_of(session: Session, user_id: int) -> bool:
    since = utc_now() - datetime.timedelta(seconds=STALE_AFTER)
    return (
        session.exec(
            select(ConnectionCheck.id)
            .where(
                ConnectionCheck.user_id == user_id,
                ConnectionCheck.result == PENDING,
                col(ConnectionCheck.checked_at) >= since,
            )
            .limit(1)
        ).first()
        is not None
    )


def _complete(check_id: int, outcome: str) -> None:
    with get_session() as session:
        session.execute(
            sa.update(ConnectionCheck)
            .where(col(ConnectionCheck.id) == check_id)
            .values(result=outcome)
        )
        session.commit()


def _take_slot() -> object | None:
    now = time.monotonic()
    with _slots_lock:
        for slot, taken in list(_slots.items()):
            if now - taken > STALE_AFTER:  # left behind: its event never gave it back
                del _slots[slot]
        if len(_slots) >= MAX_RUNNING:
            return None
        slot = object()
        _slots[slot] = now
        return slot


def _release_slot(slot: object) -> None:
    with _slots_lock:
        _slots.pop(slot, None)


def running_here() -> int:
    """How many checks this process runs now (for tests and diagnostics)."""
    with _slots_lock:
        return len(_slots)


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
