"""Signing in: password hashes, server-side sessions, slowing down guessing, the key.

- Passwords are hashed with Argon2id (argon2-cffi's PasswordHasher, library defaults);
  neither a password nor a session token is ever logged or stored in clear.
- A session is a row in ``user_session``; the browser holds only a random token, and
  the table holds only an HMAC of it under the secret key, so the table alone cannot be
  used to sign in. Sessions expire after SESSION_LIFETIME and are revoked on sign-out.
- Failed sign-ins are counted per email and per client address over FAILURE_WINDOW;
  at the limit, sign-in is refused without even checking the password. The answer for
  an unknown email and for a wrong password is the same, and takes the same time.
- The secret key comes from CLOUDLINK_SECRET_KEY (read and checked by settings.py);
  in demo mode, when it is unset, one is generated once and kept in SECRET_KEY_FILE so
  that sessions survive a restart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path
from typing import TypeGuard

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.domain.limits import storable
from cloudlink_app.models import AppUser, SignInAttempt, UserSession, utc_now
from cloudlink_app.services import users

SESSION_LIFETIME = datetime.timedelta(hours=8)
# Longest token accepted from a browser; ours are 43 characters.
TOKEN_MAX = 100

FAILURE_WINDOW = datetime.timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
EMAIL_MAX = 254
PASSWORD_MAX = 1024
ADDRESS_MAX = 64  # the column's size

SECRET_KEY_ENV = settings.SECRET_KEY_ENV
SECRET_KEY_MIN = settings.SECRET_KEY_MIN
# Where demo mode keeps its generated key: the project root. Tests point it elsewhere.
SECRET_KEY_FILE = Path(__file__).resolve().parents[2] / ".cloudlink-secret-key"

_hasher = PasswordHasher()  # Argon2id with the library's (maintained) defaults


def demo_mode() -> bool:
    """Whether the app runs as a sales demo (CLOUDLINK_DEMO_MODE=1, which `make run`
    sets)."""
    return settings.get().demo_mode


# ---------------------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``, with its own random salt."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``. False, never an exception, for an
    empty or malformed hash or a wrong password."""
    if not isinstance(stored_hash, str) or not stored_hash or not isinstance(password, str):
        return False
    try:
        return _hasher.verify(stored_hash, password)
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


def _utc(now: datetime.datetime | None) -> datetime.datetime:
    """``now`` in UTC (a naive time is taken to be UTC); the current time when None."""
    if now is None:
        return utc_now()
    if now.tzinfo is None:
        return now.replace(tzinfo=datetime.UTC)
    return now.astimezone(datetime.UTC)


def _token_hash(token: str) -> str:
    return hmac.new(secret_key(), token.encode("utf-8"), hashlib.sha256).hexdigest()


def _acceptable_token(token: object) -> TypeGuard[str]:
    return isinstance(token, str) and 0 < len(token) <= TOKEN_MAX


def create_session(session: Session, user_id: int, now: datetime.datetime | None = None) -> str:
    """Start a session for the user; returns the token for the browser's cookie."""
    now = _utc(now)
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
    now = _utc(now)
    user = session.exec(
        select(AppUser)
        .join(UserSession, col(UserSession.user_id) == col(AppUser.id))
        .where(
            UserSession.token_hash == _token_hash(token),
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
        )
    ).first()
    return None if user is None else users.current_user(user)


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
    now = _utc(now)
    live = _utc(row.expires_at) > now
    row.revoked_at = now
    session.add(row)
    session.commit()
    return live


# ---------------------------------------------------------------------------- signing in


@dataclasses.dataclass(frozen=True)
class SignInResult:
    """What a sign-in gave: a session token and its user, or neither. ``throttled``
    when too many attempts failed recently (the password was not even checked)."""

    token: str | None
    user: users.CurrentUser | None
    throttled: bool

    @property
    def ok(self) -> bool:
        """Whether the user is signed in."""
        return self.token is not None


_FAILED = SignInResult(token=None, user=None, throttled=False)
_THROTTLED = SignInResult(token=None, user=None, throttled=True)


def normalize_email(email: str) -> str:
    """The form emails are compared and counted in."""
    return email.strip().lower()


def _failures(session: Session, column, value: str, since: datetime.datetime) -> int:
    return session.execute(
        sa.select(sa.func.count())
        .select_from(SignInAttempt)
        .where(column == value, col(SignInAttempt.attempted_at) > since)
    ).scalar_one()


def is_throttled(
    session: Session, email: str, address: str, now: datetime.datetime | None = None
) -> bool:
    """Whether sign-in for this (normalised) email or from this address is refused for
    now."""
    since = _utc(now) - FAILURE_WINDOW
    return (
        _failures(session, col(SignInAttempt.email), email, since) >= MAX_FAILURES_PER_EMAIL
        or _failures(session, col(SignInAttempt.address), address, since)
        >= MAX_FAILURES_PER_ADDRESS
    )


def prune(session: Session, now: datetime.datetime | None = None) -> None:
    """Forget what can no longer matter: sessions that ended (expired or revoked) a day
    ago or more, and failed sign-ins older than the throttling window. Runs on every
    successful sign-in, so neither table grows without end; the caller commits."""
    now = _utc(now)
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
    address: str,
    now: datetime.datetime | None = None,
) -> SignInResult:
    """Check an email and password from the sign-in form, sent from ``address`` (the
    client's IP address). On success, a new session and its user; else a failure that
    does not say whether the email exists."""
    if not isinstance(email, str) or not isinstance(password, str):
        return _FAILED
    if len(email) > EMAIL_MAX or len(password) > PASSWORD_MAX:
        return _FAILED
    if not storable(email):
        # No user has such an email, and PostgreSQL cannot even compare it.
        return _FAILED
    now = _utc(now)
    email = normalize_email(email)
    address = (address if isinstance(address, str) else "")[:ADDRESS_MAX]
    if is_throttled(session, email, address, now):
        return _THROTTLED

    user = session.exec(select(AppUser).where(sa.func.lower(col(AppUser.email)) == email)).first()
    if user is not None and user.password_hash:
        verified = verify_password(user.password_hash, password)
    else:
        # Unknown email, or a user without a password: spend the same time anyway.
        verify_password(_dummy_hash(), password)
        verified = False

    if not verified:
        session.add(SignInAttempt(email=email, address=address, attempted_at=now))
        session.commit()
        return _FAILED

    # Verified: the user exists (and was read from the database).
    assert user is not None and user.id is not None
    if _needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    session.execute(sa.delete(SignInAttempt).where(col(SignInAttempt.email) == email))
    prune(session, now)
    token = create_session(session, user.id, now)  # commits the above as well
    return SignInResult(token=token, user=users.current_user(user), throttled=False)


def _needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except Exception:  # noqa: BLE001 - it verified, so it parses; never fail a sign-in
        return False
