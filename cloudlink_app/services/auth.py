"""Signing in: password hashes, server-side sessions, slowing down guessing, the key.

- Passwords are hashed with Argon2id (argon2-cffi's PasswordHasher, library defaults);
  neither a password nor a session token is ever logged or stored in clear.
- A session is a row in ``user_session``; the browser holds only a random token, and
  the table holds only an HMAC of it under the secret key, so the table alone cannot be
  used to sign in. Sessions expire after SESSION_LIFETIME and are revoked on sign-out.
- Failed sign-ins are counted per (email, client address) and per client address over
  FAILURE_WINDOW (domain/throttle.py: an IPv6 address counts as its /64; the address is
  the client's behind CLOUDLINK_TRUSTED_PROXY_HOPS proxies). Past a key's free failures
  each further attempt waits a growing delay (1 s, 2 s, 4 s ... 60 s) after the last
  failure; an attempt within the wait is answered without checking the password, one
  after it is checked normally: nobody is locked out for the window. The answer for an
  unknown email and for a wrong password is the same, and takes the same time.
- Argon2 (about 0.3 s of CPU) never runs on the event loop: ``sign_in_async`` does the
  whole sign-in in a pool of HASH_WORKERS threads, with a hard timeout.
- The secret key comes from CLOUDLINK_SECRET_KEY (read and checked by settings.py);
  in demo mode, when it is unset, one is generated once and kept in SECRET_KEY_FILE so
  that sessions survive a restart.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime
import functools
import hashlib
import hmac
import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeGuard, TypeVar

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.domain import throttle
from cloudlink_app.domain.contacts import email_key
from cloudlink_app.domain.limits import EMAIL_MAX, storable

# The longest password sign-in checks: the policy's, so that no password set can be refused.
from cloudlink_app.domain.passwords import PASSWORD_MAX
from cloudlink_app.models import AppUser, SignInAttempt, UserSession, as_utc, utc_now, utc_now_or
from cloudlink_app.services import database, users

SESSION_LIFETIME = datetime.timedelta(hours=8)
# Longest token accepted from a browser; ours are 43 characters.
TOKEN_MAX = 100

# Failures older than this are forgotten (and pruned).
FAILURE_WINDOW = datetime.timedelta(minutes=15)
# Per (email, address): someone mistyping their own password; per address: one client
# guessing many accounts. Past `free` failures, waits of 1 s, 2 s, 4 s ... up to 60 s.
PAIR_LIMIT = throttle.Limit(free=5, first_delay=1.0, max_delay=60.0)
ADDRESS_LIMIT = throttle.Limit(free=20, first_delay=1.0, max_delay=60.0)
# How often the app deletes old failures and ended sessions (prune_on_schedule).
PRUNE_INTERVAL = datetime.timedelta(minutes=10)
ADDRESS_MAX = 64  # the column's size

SECRET_KEY_ENV = settings.SECRET_KEY_ENV
SECRET_KEY_MIN = settings.SECRET_KEY_MIN
# Where demo mode keeps its generated key: the project root. Tests point it elsewhere.
SECRET_KEY_FILE = Path(__file__).resolve().parents[2] / ".cloudlink-secret-key"

_hasher = PasswordHasher()  # Argon2id with the library's (maintained) defaults

# Sign-ins (and any password work an event asks for) run in HASH_WORKERS threads, never
# on the event loop; a burst of sign-ins waits its turn instead of taking every core
# from the other users' events. Argon2 itself runs in as many threads of its own whose
# CPU priority is lowered by HASH_WORKER_NICENESS (Linux nice): when the cores are busy,
# the event loop's thread runs first (bench/sign_in_lag.py). Only Argon2, which releases
# the GIL, runs at the low priority: a starved thread holding the GIL would stall the
# loop instead.
HASH_WORKERS = 2
HASH_WORKER_NICENESS = 10
# Seconds a sign-in may take, waiting for a worker included; then it answers "try again".
SIGN_IN_TIMEOUT = 10.0


_argon2_thread = threading.local()


def _lower_worker_priority() -> None:
    """Run in each Argon2 worker as it starts: lower this thread's CPU priority (and so
    that of libargon2's own threads, which inherit it). Best effort: where threads have
    no priority of their own (not Linux), nothing changes."""
    _argon2_thread.is_worker = True
    get_native_id = getattr(threading, "get_native_id", None)
    if get_native_id is None or not hasattr(os, "setpriority"):
        return
    with contextlib.suppress(OSError):
        thread = get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + HASH_WORKER_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, 19))


_sign_in_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=HASH_WORKERS, thread_name_prefix="cloudlink-sign-in"
)
_argon2_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=HASH_WORKERS,
    thread_name_prefix="cloudlink-argon2",
    initializer=_lower_worker_priority,
)
logger = logging.getLogger(__name__)
_T = TypeVar("_T")


def demo_mode() -> bool:
    """Whether the app runs as a sales demo (CLOUDLINK_DEMO_MODE=1, which `make run`
    sets)."""
    return settings.get().demo_mode


# ---------------------------------------------------------------------------- passwords


def _in_argon2_workers(work: Callable[[], _T]) -> _T:
    """``work()`` (Argon2) run in a low-priority Argon2 worker; the caller's thread
    waits (blocking: event handlers use the async functions below)."""
    if getattr(_argon2_thread, "is_worker", False):
        return work()
    return _argon2_pool.submit(work).result()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``, with its own random salt. Blocking, about
    0.3 s: an event handler awaits ``hash_password_async``."""
    return _in_argon2_workers(lambda: _hasher.hash(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``. False, never an exception, for an
    empty or malformed hash or a wrong password. Blocking, about 0.3 s: an event
    handler awaits ``verify_password_async``."""
    if not isinstance(stored_hash, str) or not stored_hash or not isinstance(password, str):
        return False
    try:
        return _in_argon2_workers(lambda: _hasher.verify(stored_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    except Exception:  # noqa: BLE001 - a corrupt row must never break sign-in
        return False


@functools.cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of, with the same parameters as real ones:
    verifying against it takes as long as verifying a real user's password."""
    return hash_password(secrets.token_urlsafe(32))


# ---------------------------------------------------------------------------- secret key

_key_lock = threading.Lock()
_key_cache: tuple[tuple, bytes] | None = None


def secret_key() -> bytes:
    """The server's secret key: CLOUDLINK_SECRET_KEY, or in demo mode a generated one
    kept in SECRET_KEY_FILE. Raises RuntimeError when there is none or the file's is too
    short (settings.py already refused a too short CLOUDLINK_SECRET_KEY)."""
    global _key_cache
    current = settings.get()
    source = (current.secret_key, current.demo_mode, str(SECRET_KEY_FILE))
    cached = _key_cache
    if cached is not None and cached[0] == source:
        return cached[1]
    with _key_lock:
        if current.secret_key is not None:
            key = current.secret_key
        elif current.demo_mode:
            key = _demo_key(SECRET_KEY_FILE)
        else:
            raise RuntimeError(
                f"Set {SECRET_KEY_ENV} to a secret of at least {SECRET_KEY_MIN} characters "
                '(for example the output of: python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"). Only demo mode '
                "(CLOUDLINK_DEMO_MODE=1) generates one."
            )
        value = key.encode("utf-8")
        _key_cache = (source, value)
        return value


def _demo_key(path: Path) -> str:
    """The key kept in ``path``, generated (readable by the owner only) when missing."""
    if not path.exists():
        _write_new_key(path)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < SECRET_KEY_MIN:
        raise RuntimeError(
            f"The demo secret key in {path} is shorter than {SECRET_KEY_MIN} characters; "
            f"delete the file to generate a new one, or set {SECRET_KEY_ENV}."
        )
    return key


def _write_new_key(path: Path) -> None:
    # Written to a private temporary file, then linked into place: another process
    # starting at the same moment either wins (and we read its key) or loses, but
    # nobody ever reads a half-written file.
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
            file.flush()
            os.fsync(file.fileno())
        # Another process made the key first: theirs is kept.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- sessions


def _token_hash(token: str) -> str:
    return hmac.new(secret_key(), token.encode("utf-8"), hashlib.sha256).hexdigest()


def _acceptable_token(token: object) -> TypeGuard[str]:
    return isinstance(token, str) and 0 < len(token) <= TOKEN_MAX


def create_session(session: Session, user_id: int, now: datetime.datetime | None = None) -> str:
    """Start a session for the user; returns the token for the browser's cookie."""
    now = utc_now_or(now)
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.commit()
    return token


def user_for_token(
    session: Session, token: object, now: datetime.datetime | None = None
) -> users.CurrentUser | None:
    """The user of a live session (not expired, not revoked), or None."""
    if not _acceptable_token(token):
        return None
    now = utc_now_or(now)
    user = session.exec(
        select(AppUser)
        .join(UserSession, col(UserSession.user_id) == col(AppUser.id))
        .where(
            UserSession.token_hash == _token_hash(token),
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
            # A deactivated user is no user (services/accounts.py).
            col(AppUser.active).is_(True),
        )
    ).first()
    return None if user is None else users.current_user(user)


# The header through which the backend's ASGI middleware (cloudlink_app/http) hands the
# websocket's session to the states: "<scheme> <token hash>", never the token. Reflex
# never sends an Authorization header to the browser (reflex/istate/data.py,
# _PRIVATE_HEADERS), and the middleware always overwrites whatever a client sent.
SESSION_HEADER = "authorization"
SESSION_SCHEME = "CloudLink-Session"
_HASH_LENGTH = 64  # hex SHA-256


@dataclasses.dataclass(frozen=True)
class LiveSession:
    """A session that is live (not expired, not revoked, its user active): its row id,
    which is what a tab's data is tied to, and its user."""

    id: int
    user: users.CurrentUser


def session_header(token: object) -> str | None:
    """The SESSION_HEADER value for a session cookie's value; None when the value
    cannot be a token (so nobody is signed in)."""
    if not _acceptable_token(token):
        return None
    return f"{SESSION_SCHEME} {_token_hash(token)}"


def hash_from_header(value: object) -> str | None:
    """The token hash in a SESSION_HEADER value, or None when it holds none."""
    if not isinstance(value, str):
        return None
    scheme, _, token_hash = value.partition(" ")
    if scheme != SESSION_SCHEME or len(token_hash) != _HASH_LENGTH:
        return None
    return token_hash


def live_session(
    session: Session, token_hash: object, now: datetime.datetime | None = None
) -> LiveSession | None:
    """The live session whose token hashes to ``token_hash`` (as read by the middleware
    from the websocket's cookie), or None: unknown, expired, revoked, or its user
    deactivated."""
    if not isinstance(token_hash, str) or len(token_hash) != _HASH_LENGTH:
        return None
    now = utc_now_or(now)
    found = session.exec(
        select(UserSession.id, AppUser)
        .join(AppUser, col(UserSession.user_id) == col(AppUser.id))
        .where(
            UserSession.token_hash == token_hash,
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
            col(AppUser.active).is_(True),
        )
    ).first()
    if found is None:
        return None
    session_id, user = found
    assert session_id is not None
    return LiveSession(id=session_id, user=users.current_user(user))


def revoke_session(session: Session, token: object, now: datetime.datetime | None = None) -> bool:
    """End the session of ``token`` (signing out); nothing happens for an unknown one.
    Returns whether a live session (not expired, not revoked) was ended."""
    if not _acceptable_token(token):
        return False
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == _token_hash(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return False
    now = utc_now_or(now)
    live = as_utc(row.expires_at) > now
    row.revoked_at = now
    session.add(row)
    session.commit()
    return live


# ---------------------------------------------------------------------------- signing in


@dataclasses.dataclass(frozen=True)
class SignInResult:
    """What a sign-in gave: a session token and its user, or neither. ``throttled``
    when the attempt came within the wait after recent failures (the password was not
    even checked; ``retry_after`` seconds are left), ``timed_out`` when the server was
    too busy to finish it within SIGN_IN_TIMEOUT."""

    token: str | None
    user: users.CurrentUser | None
    throttled: bool
    retry_after: float = 0.0
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """Whether the user is signed in."""
        return self.token is not None


_FAILED = SignInResult(token=None, user=None, throttled=False)
_TIMED_OUT = SignInResult(token=None, user=None, throttled=False, timed_out=True)


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
    the throttle (the caller commits): a wrong sign-in, a wrong current password."""
    session.add(SignInAttempt(email=email, address=address_key, attempted_at=utc_now_or(now)))


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


def prune(session: Session, now: datetime.datetime | None = None) -> None:
    """Forget what can no longer matter: sessions that ended (expired or revoked) a day
    ago or more, and failed sign-ins older than the throttling window. Runs on every
    successful sign-in and every PRUNE_INTERVAL (prune_on_schedule), so neither table
    grows without end; the caller commits."""
    now = utc_now_or(now)
    ended = now - datetime.timedelta(days=1)
    session.execute(
        sa.delete(UserSession).where(
            sa.or_(col(UserSession.expires_at) < ended, col(UserSession.revoked_at) < ended)
        )
    )
    session.execute(
        sa.delete(SignInAttempt).where(col(SignInAttempt.attempted_at) < now - FAILURE_WINDOW)
    )


def sign_in(
    session: Session,
    email: object,
    password: object,
    address: object,
    now: datetime.datetime | None = None,
) -> SignInResult:
    """Check an email and password from the sign-in form, sent from ``address`` (the
    client's IP address). On success, a new session and its user; else a failure that
    does not say whether the email exists. Blocking (Argon2): the app calls
    ``sign_in_async``, which runs this in the password workers."""
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
    address = address_key(address)
    wait = throttle_wait(session, email, address, now)
    if wait > 0:
        # Not recorded: clicking again during the wait does not make it longer.
        return SignInResult(token=None, user=None, throttled=True, retry_after=wait)

    user = session.exec(select(AppUser).where(sa.func.lower(col(AppUser.email)) == email)).first()
    if user is not None and not demo_mode() and users.is_demo_account(session, user):
        # Demo accounts (their password is public) sign in only in demo mode; elsewhere
        # they are answered as an unknown email, which reads like a wrong password.
        user = None
    if user is not None and user.active and user.password_hash:
        verified = verify_password(user.password_hash, password)
    else:
        # Unknown email, a deactivated user or one without a password: spend the same
        # time anyway.
        verify_password(_dummy_hash(), password)
        verified = False

    if not verified:
        # The wait counts from the answer, not from the start of a slow verification.
        failed_at = now if fixed_now is not None else utc_now()
        record_failure(session, email, address, failed_at)
        session.commit()
        return _FAILED

    # Verified: the user exists (and was read from the database).
    assert user is not None and user.id is not None
    if _needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    # This (email, address) starts afresh; the address keeps its other failures.
    session.execute(
        sa.delete(SignInAttempt).where(
            col(SignInAttempt.email) == email, col(SignInAttempt.address) == address
        )
    )
    prune(session, now)
    token = create_session(session, user.id, now)  # commits the above as well
    return SignInResult(token=token, user=users.current_user(user), throttled=False)


def _needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except Exception:  # noqa: BLE001 - it verified, so it parses; never fail a sign-in
        return False


# ---------------------------------------------------------------------------- off the loop


async def in_password_workers(work: Callable[[], _T], timeout: float) -> _T:
    """``work()`` run in a sign-in worker (HASH_WORKERS threads; its Argon2 calls go on
    to the low-priority Argon2 workers), awaited at most ``timeout`` seconds. Raises
    TimeoutError then; a call still waiting for a worker is cancelled, one already
    running finishes unobserved."""
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(loop.run_in_executor(_sign_in_pool, work), timeout)


async def hash_password_async(password: str, timeout: float = SIGN_IN_TIMEOUT) -> str:
    """``hash_password`` in the password workers: for event handlers (a new password).
    Raises TimeoutError after ``timeout`` seconds."""
    return await in_password_workers(lambda: hash_password(password), timeout)


async def verify_password_async(
    stored_hash: str, password: str, timeout: float = SIGN_IN_TIMEOUT
) -> bool:
    """``verify_password`` in the password workers: for event handlers (the current
    password of a change). Raises TimeoutError after ``timeout`` seconds."""
    return await in_password_workers(lambda: verify_password(stored_hash, password), timeout)


async def sign_in_async(email: object, password: object, client_address: object) -> SignInResult:
    """``sign_in`` for an event handler or an HTTP endpoint, off the event loop: the
    throttle check, the verification and the new session, on a database session of its
    own, in the password workers. ``client_address`` is the client's IP address
    (``router.session.client_ip``, or ``request_client_address`` for a request). Past
    SIGN_IN_TIMEOUT (the server is swamped) the answer is ``timed_out``: try again."""
    abandoned = threading.Event()

    def work() -> SignInResult:
        with database.get_session() as session:
            result = sign_in(session, email, password, client_address)
            if result.token is not None and abandoned.is_set():
                # Nobody is waiting for this session any more: end it.
                revoke_session(session, result.token)
                return _TIMED_OUT
            return result

    try:
        return await in_password_workers(work, SIGN_IN_TIMEOUT)
    except TimeoutError:
        abandoned.set()
        logger.warning("Sign-in did not finish within %s s", SIGN_IN_TIMEOUT)
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
