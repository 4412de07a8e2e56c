"""Signing in: checking an email and password, slowing down guessing, forgetting old
records.

- Failed sign-ins are counted per (email, client address) and per client address over
  FAILURE_WINDOW (domain/throttle.py: an IPv6 address counts as its /64; the address is
  the client's behind CLOUDLINK_TRUSTED_PROXY_HOPS proxies). Past a key's free failures
  each further attempt waits a growing delay (1 s, 2 s, 4 s ... 60 s) after the last
  failure; an attempt within the wait is answered without checking the password, one
  after it is checked normally: nobody is locked out for the window. The answer for an
  unknown email and for a wrong password is the same, and takes the same time.
- Per account (the email, from any address) over the longer ACCOUNT_WINDOW, with waits
  up to 15 minutes: many addresses get a few guesses an hour at one account. A browser
  that signed in to the account before (services/known_devices.py) skips that wait, so
  the attacker's failures do not keep the user out; once the account's wait starts its
  user is mailed (services/sign_in_alerts.py).
- Argon2 (about 0.3 s of CPU) never runs on the event loop: ``sign_in_async`` does the
  whole sign-in in the password workers (services/password_hashing.py), with a hard
  timeout.
- A successful sign-in starts a session (services/sessions.py). Old failures and ended
  sessions are pruned on every sign-in and every PRUNE_INTERVAL.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import functools
import logging
import secrets
import threading

import sqlalchemy as sa
from sqlmodel import Session, col

from cloudlink_app import settings
from cloudlink_app.domain import throttle
from cloudlink_app.domain.contacts import email_key
from cloudlink_app.domain.limits import EMAIL_MAX, storable

# The longest password sign-in checks: the policy's, so that no password set can be refused.
from cloudlink_app.domain.passwords import PASSWORD_MAX
from cloudlink_app.models import SignInAttempt, UserSession, as_utc, utc_now, utc_now_or
from cloudlink_app.services import (
    database,
    known_devices,
    password_hashing,
    sessions,
    sign_in_alerts,
    sso_config,
    users,
)

# The windows and limits are the domain's (domain/throttle.py says why these numbers).
FAILURE_WINDOW = throttle.FAILURE_WINDOW
PAIR_LIMIT = throttle.PAIR_LIMIT
ADDRESS_LIMIT = throttle.ADDRESS_LIMIT
ACCOUNT_WINDOW = throttle.ACCOUNT_WINDOW
ACCOUNT_LIMIT = throttle.ACCOUNT_LIMIT
# How often the app deletes old failures and ended sessions (prune_on_schedule).
PRUNE_INTERVAL = datetime.timedelta(minutes=10)
ADDRESS_MAX = 64  # the column's size

logger = logging.getLogger(__name__)


@functools.cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of, with the same parameters as real ones:
    verifying against it takes as long as verifying a real user's password."""
    return password_hashing.hash_password(secrets.token_urlsafe(32))


@dataclasses.dataclass(frozen=True)
class SignInResult:
    """What a sign-in gave: a session token and its user, or neither. ``throttled``
    when the attempt came within the wait after recent failures (the password was not
    even checked; ``retry_after`` seconds are left), ``timed_out`` when the server was
    too busy to finish it within SIGN_IN_TIMEOUT. On success ``known_device`` is the
    browser's new known-device cookie (services/known_devices.py)."""

    token: str | None
    user: users.CurrentUser | None
    throttled: bool
    retry_after: float = 0.0
    timed_out: bool = False
    known_device: str | None = None
    # The email's domain must sign in with single sign-on (configure-sso --require-sso).
    sso_required: bool = False

    @property
    def ok(self) -> bool:
        """Whether the user is signed in."""
        return self.token is not None


_FAILED = SignInResult(token=None, user=None, throttled=False)
_TIMED_OUT = SignInResult(token=None, user=None, throttled=False, timed_out=True)
_SSO_REQUIRED = SignInResult(token=None, user=None, throttled=False, sso_required=True)


def request_client_address(scope_client_ip: object, x_forwarded_for: object) -> str:
    """The client's address of an HTTP request the app reads itself (not an event):
    the ASGI scope's client and the X-Forwarded-For header (several lines joined with
    ", "), behind CLOUDLINK_TRUSTED_PROXY_HOPS proxies, as Reflex resolves
    ``router.session.client_ip``."""
    return throttle.client_address(
        scope_client_ip, x_forwarded_for, settings.get().trusted_proxy_hops
    )


def address_key(address: object) -> str:
    """What failed sign-ins are counted by for the client's IP address ``address``."""
    return throttle.address_key(address)[:ADDRESS_MAX]


def record_failure(
    session: Session, email: str, address_key: str, now: datetime.datetime | None = None
) -> None:
    """A failed password check of (normalised) ``email`` from ``address_key``, counted by
    the throttle (the caller commits): a wrong sign-in, a wrong current password. Once
    the account's failures reach its delay, its user is mailed (at most once a day)."""
    now = utc_now_or(now)
    session.add(SignInAttempt(email=email, address=address_key, attempted_at=now))
    sign_in_alerts.alert_if_due(session, email, now)


def _recent_failures(
    session: Session, since: datetime.datetime, *where: sa.ColumnElement[bool]
) -> tuple[int, datetime.datetime | None]:
    """How many failures match ``where`` after ``since``, and when the last was."""
    failures, last = session.execute(
        sa.select(sa.func.count(), sa.func.max(col(SignInAttempt.attempted_at))).where(
            col(SignInAttempt.attempted_at) > since, *where
        )
    ).one()
    return int(failures), None if last is None else as_utc(last)


def throttle_wait(
    session: Session, email: str, address_key: str, now: datetime.datetime | None = None
) -> float:
    """Seconds an attempt for this (normalised) email from this address key must still
    wait before its password is checked; 0.0 when it is checked now. The longer of the
    (email, address) wait and the address's wait."""
    now = utc_now_or(now)
    since = now - FAILURE_WINDOW
    by_pair = _recent_failures(
        session,
        since,
        col(SignInAttempt.email) == email,
        col(SignInAttempt.address) == address_key,
    )
    by_address = _recent_failures(session, since, col(SignInAttempt.address) == address_key)
    return max(
        throttle.wait_left(*by_pair, PAIR_LIMIT, now),
        throttle.wait_left(*by_address, ADDRESS_LIMIT, now),
    )


def account_wait(session: Session, email: str, now: datetime.datetime | None = None) -> float:
    """Seconds an attempt for this (normalised) email from a browser the account does
    not know must still wait, whatever its address; 0.0 when it may be checked now. The
    same for an email no user has."""
    now = utc_now_or(now)
    by_account = _recent_failures(session, now - ACCOUNT_WINDOW, col(SignInAttempt.email) == email)
    return throttle.wait_left(*by_account, ACCOUNT_LIMIT, now)


def prune(session: Session, now: datetime.datetime | None = None) -> None:
    """Forget what can no longer matter: sessions that ended (expired or revoked) a day
    ago or more, and failed sign-ins older than the longest throttling window (the
    account's). Runs on every successful sign-in and every PRUNE_INTERVAL
    (prune_on_schedule), so neither table grows without end; the caller commits."""
    now = utc_now_or(now)
    ended = now - datetime.timedelta(days=1)
    session.execute(
        sa.delete(UserSession).where(
            sa.or_(col(UserSession.expires_at) < ended, col(UserSession.revoked_at) < ended)
        )
    )
    session.execute(
        sa.delete(SignInAttempt).where(
            col(SignInAttempt.attempted_at) < now - throttle.LONGEST_WINDOW
        )
    )


def sign_in(
    session: Session,
    email: object,
    password: object,
    address: object,
    now: datetime.datetime | None = None,
    *,
    known_device: object = None,
) -> SignInResult:
    """Check an email and password from the sign-in form, sent from ``address`` (the
    client's IP address) by a browser with the known-device cookie ``known_device``
    (None: none). On success, a new session, its user and the browser's new
    known-device cookie; else a failure that does not say whether the email exists.
    Blocking (Argon2): the app calls ``sign_in_async``, which runs this in the password
    workers."""
    if not isinstance(email, str) or not isinstance(password, str):
        return _FAILED
    if len(email) > EMAIL_MAX or len(password) > PASSWORD_MAX:
        return _FAILED
    if not storable(email):
        # No user has such an email, and PostgreSQL cannot even compare it.
        return _FAILED
    fixed_now = now
    now = utc_now_or(now)
    email = email_key(email)
    if sso_config.password_refused(session, email):
        # Says only what the sign-in page says already: the domain's coverage.
        return _SSO_REQUIRED
    address = address_key(address)
    user = users.user_with_email(session, email)
    if user is not None and not settings.get().demo_mode and users.is_demo_account(session, user):
        # Demo accounts (their password is public) sign in only in demo mode; elsewhere
        # they are answered as an unknown email, which reads like a wrong password.
        user = None
    wait = throttle_wait(session, email, address, now)
    if not known_devices.is_known(known_device, user, now):
        # An unknown email has no known browser: it waits exactly as an account would.
        wait = max(wait, account_wait(session, email, now))
    if wait > 0:
        # Not recorded: clicking again during the wait does not make it longer.
        return SignInResult(token=None, user=None, throttled=True, retry_after=wait)

    if user is not None and user.active and user.password_hash:
        verified = password_hashing.verify_password(user.password_hash, password)
    else:
        # Unknown email, a deactivated user or one without a password: spend the same
        # time anyway.
        password_hashing.verify_password(_dummy_hash(), password)
        verified = False

    if not verified:
        # The wait counts from the answer, not from the start of a slow verification.
        failed_at = now if fixed_now is not None else utc_now()
        record_failure(session, email, address, failed_at)
        session.commit()
        return _FAILED

    # Verified: the user exists (and was read from the database).
    assert user is not None and user.id is not None
    if password_hashing.needs_rehash(user.password_hash):
        user.password_hash = password_hashing.hash_password(password)
        session.add(user)
    # This (email, address) starts afresh; the address keeps its other failures.
    session.execute(
        sa.delete(SignInAttempt).where(
            col(SignInAttempt.email) == email, col(SignInAttempt.address) == address
        )
    )
    prune(session, now)
    # Signed with the hash as stored now (upgraded above, if it was).
    device = known_devices.remember(known_device, user, now)
    token = sessions.create_session(session, user.id, now)  # commits the above as well
    return SignInResult(
        token=token, user=users.current_user(user), throttled=False, known_device=device
    )


async def sign_in_async(
    email: object, password: object, client_address: object, known_device: object = None
) -> SignInResult:
    """``sign_in`` for an event handler or an HTTP endpoint, off the event loop: the
    throttle check, the verification and the new session, on a database session of its
    own, in the password workers. ``client_address`` is the client's IP address
    (``router.session.client_ip``, or ``request_client_address`` for a request);
    ``known_device`` the browser's known-device cookie. Past SIGN_IN_TIMEOUT (the server
    is swamped) the answer is ``timed_out``: try again."""
    abandoned = threading.Event()

    def work() -> SignInResult:
        with database.get_session() as session:
            result = sign_in(session, email, password, client_address, known_device=known_device)
            if result.token is not None and abandoned.is_set():
                # Nobody is waiting for this session any more: end it.
                sessions.revoke_session(session, result.token)
                return _TIMED_OUT
            return result

    try:
        return await password_hashing.in_password_workers(work, password_hashing.SIGN_IN_TIMEOUT)
    except TimeoutError:
        abandoned.set()
        logger.warning("Sign-in did not finish within %s s", password_hashing.SIGN_IN_TIMEOUT)
        return _TIMED_OUT


def prune_now(now: datetime.datetime | None = None) -> None:
    """``prune`` on a database session of its own, committed."""
    with database.get_session() as session:
        prune(session, now)
        session.commit()


async def prune_on_schedule() -> None:
    """A lifespan task of the app (cloudlink_app.py): ``prune_now`` at start and then
    every PRUNE_INTERVAL, in a thread. A failure is logged and tried again next time."""
    while True:
        try:
            await asyncio.to_thread(prune_now)
        except Exception:  # noqa: BLE001 - a database hiccup must not end the schedule
            logger.warning("Pruning old sign-in records failed", exc_info=True)
        await asyncio.sleep(PRUNE_INTERVAL.total_seconds())
