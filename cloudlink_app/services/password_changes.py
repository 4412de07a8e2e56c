"""Setting a password: through a one-time link, or changing one's own.

Both apply the policy (domain/passwords.py) and store an Argon2 hash. Setting one
through a link spends the link and ends every session of the user; changing one's own
checks the current password under the sign-in throttle, ends every other session and
spends the user's unused links (a reset link asked for before would otherwise set
another password over the new one).

These functions hash passwords (Argon2, slow on purpose): async callers run them in a
worker thread (the states use password_hashing.in_password_workers).
"""

from __future__ import annotations

import dataclasses
import datetime
import math

import sqlalchemy as sa
from sqlmodel import Session, col

from cloudlink_app.domain import passwords
from cloudlink_app.domain.contacts import email_key
from cloudlink_app.domain.limits import Problem, Problems
from cloudlink_app.models import AppUser, PasswordToken, utc_now_or
from cloudlink_app.services import password_hashing, password_links, sessions, signing_in, users


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What setting a password gave: ``done``, or why not: ``invalid_link`` (nothing
    can be done with this link) or ``problems`` keyed by field id."""

    done: bool = False
    invalid_link: bool = False
    problems: Problems = dataclasses.field(default_factory=dict)


def set_password_with_link(
    session: Session,
    token_hash: object,
    password: object,
    confirm: object,
    now: datetime.datetime | None = None,
) -> Outcome:
    """Set the password of the user of the link whose token hashes to ``token_hash``
    (password_links.hash_of: the states know a link only by it): the link is spent, the
    password stored (Argon2) and every session of the user ended. Nothing changes when
    the link is not valid or the password breaks the policy."""
    now = utc_now_or(now)
    found = password_links.live_link(session, token_hash, now)
    if found is None:
        return Outcome(invalid_link=True)
    link, user = found
    if not isinstance(password, str) or not isinstance(confirm, str):
        return Outcome(problems={passwords.NEW_PASSWORD: Problem("new_password.required")})
    problems = passwords.password_problems(password, confirm, user.email)
    if problems:
        return Outcome(problems=problems)
    new_hash = password_hashing.hash_password(password)
    # Spent only if nobody spent it meanwhile: one of two simultaneous uses wins.
    spent = session.execute(
        sa.update(PasswordToken)
        .where(col(PasswordToken.id) == link.id, col(PasswordToken.used_at).is_(None))
        .values(used_at=now)
    )
    if getattr(spent, "rowcount", 0) != 1:
        session.rollback()
        return Outcome(invalid_link=True)
    session.execute(
        sa.update(AppUser).where(col(AppUser.id) == user.id).values(password_hash=new_hash)
    )
    sessions.revoke_sessions(session, users.stored_id(user), now=now)
    session.commit()
    return Outcome(done=True)


def change_password(
    session: Session,
    user_id: int,
    current: object,
    password: object,
    confirm: object,
    *,
    keep_session_id: int | None,
    address: object = "",
    now: datetime.datetime | None = None,
) -> Outcome:
    """Change the signed-in user's own password after checking the current one; every
    other session of theirs ends (the one with id ``keep_session_id`` stays) and their
    unused one-time links are spent. Nothing changes when the current password is wrong
    or the new one breaks the policy.

    A wrong current password counts as a failed sign-in of the user from ``address``
    (the client's IP address) and the sign-in throttle applies (signing_in.throttle_wait):
    a stolen session cannot be used to guess the password faster than the sign-in page
    allows."""
    strings = (current, password, confirm)
    if not all(isinstance(value, str) for value in strings):
        return Outcome(problems={passwords.CURRENT_PASSWORD: Problem("current_password.required")})
    assert isinstance(current, str) and isinstance(password, str) and isinstance(confirm, str)
    user = session.get(AppUser, user_id)
    if user is None or not user.active:
        return Outcome(invalid_link=True)
    problems: Problems = {}
    now = utc_now_or(now)
    email = email_key(user.email)
    address_key = signing_in.address_key(address)
    wait = signing_in.throttle_wait(session, email, address_key, now)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        return Outcome(
            problems={
                passwords.CURRENT_PASSWORD: Problem("current_password.wait", {"seconds": seconds})
            }
        )
    if not current:
        problems[passwords.CURRENT_PASSWORD] = Problem("current_password.required")
    elif len(current) > passwords.PASSWORD_MAX or not password_hashing.verify_password(
        user.password_hash, current
    ):
        problems[passwords.CURRENT_PASSWORD] = Problem("current_password.wrong")
        signing_in.record_failure(session, email, address_key)
        session.commit()
    problems.update(passwords.password_problems(password, confirm, user.email))
    if problems:
        return Outcome(problems=problems)
    user.password_hash = password_hashing.hash_password(password)
    session.add(user)
    sessions.revoke_sessions(session, user_id, keep_session_id=keep_session_id, now=now)
    password_links.spend_links(session, user_id, now)
    session.commit()
    return Outcome(done=True)
