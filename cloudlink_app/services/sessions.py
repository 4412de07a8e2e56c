"""Signed-in sessions: started at sign-in, looked up on every event, ended at sign-out.

- A session is a row in ``user_session``; the browser holds only a random token, and
  the table holds only an HMAC of it under the secret key, so the table alone cannot be
  used to sign in; a session token is never logged. Sessions expire after
  SESSION_LIFETIME and are revoked on sign-out.
- The backend's middleware (cloudlink_app/http) hands the websocket's session to the
  states in SESSION_HEADER, as the token's hash (``session_header``,
  ``hash_from_header``); the states look the session up by it (``live_session``).
- A deactivated user (services/accounts.py) has no live session.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import secrets
from collections.abc import Collection
from typing import TypeGuard

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.models import AppUser, UserSession, as_utc, utc_now_or
from cloudlink_app.services import secret_key, users

SESSION_LIFETIME = datetime.timedelta(hours=8)
# Longest token accepted from a browser; ours are 43 characters.
TOKEN_MAX = 100


def _token_hash(token: str) -> str:
    return hmac.new(secret_key.secret_key(), token.encode("utf-8"), hashlib.sha256).hexdigest()


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
    live = live_session(session, _token_hash(token), now)
    return None if live is None else live.user


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
            # A deactivated user is no user (services/accounts.py).
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


def revoke_sessions(
    session: Session,
    user_id: int,
    *,
    keep_session_id: int | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """End every live session of the user but the one with id ``keep_session_id``; the
    caller commits. Returns how many ended."""
    return _revoke(session, col(UserSession.user_id) == user_id, keep_session_id, now)


def revoke_all_sessions(
    session: Session, user_ids: Collection[int], *, now: datetime.datetime | None = None
) -> int:
    """``revoke_sessions`` for each of these users in one UPDATE (none for none)."""
    if not user_ids:
        return 0
    return _revoke(session, col(UserSession.user_id).in_(sorted(user_ids)), None, now)


def _revoke(
    session: Session,
    whose: sa.ColumnElement[bool],
    keep_session_id: int | None,
    now: datetime.datetime | None,
) -> int:
    now = utc_now_or(now)
    query = sa.update(UserSession).where(
        whose,
        col(UserSession.revoked_at).is_(None),
        col(UserSession.expires_at) > now,
    )
    if keep_session_id is not None:
        query = query.where(col(UserSession.id) != keep_session_id)
    result = session.execute(query.values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)
