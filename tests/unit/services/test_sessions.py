"""Server-side sessions: a random token in the browser, only its keyed hash stored;
they expire and are revoked on sign-out."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import AppUser, SignInAttempt, UserSession, utc_now
from cloudlink_app.services import sessions, signing_in, users
from tests.support.database import add_user, database_rows

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def anna(database) -> users.CurrentUser:
    with Session(database) as session:
        return users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL)


@pytest.fixture
def token(database, anna) -> str:
    with Session(database) as session:
        return sessions.create_session(session, anna.id, now=NOW)


def lookup(database, token, now=NOW):
    with Session(database) as session:
        return sessions.user_for_token(session, token, now=now)


def test_a_new_session_gives_its_user(database, anna, token):
    assert lookup(database, token) == anna
    assert isinstance(token, str) and 40 <= len(token) <= sessions.TOKEN_MAX


def test_each_session_has_its_own_token(database, anna, token):
    with Session(database) as session:
        other = sessions.create_session(session, anna.id, now=NOW)
    assert other != token
    assert lookup(database, other) == anna == lookup(database, token)


def test_only_a_keyed_hash_of_the_token_is_stored(database, anna, token):
    with Session(database) as session:
        row = session.exec(select(UserSession)).one()
    assert row.user_id == anna.id
    assert len(row.token_hash) == 64 and token not in row.token_hash
    assert row.token_hash != hashlib.sha256(token.encode()).hexdigest()  # keyed
    every_value = repr(database_rows(database))
    assert token not in every_value


def test_the_session_lasts_eight_hours(database, anna, token):
    assert datetime.timedelta(hours=8) == sessions.SESSION_LIFETIME
    with Session(database) as session:
        row = session.exec(select(UserSession)).one()
    expires = row.expires_at.replace(tzinfo=row.expires_at.tzinfo or datetime.UTC)
    assert expires == NOW + sessions.SESSION_LIFETIME
    assert lookup(database, token, NOW + datetime.timedelta(hours=7, minutes=59)) == anna


@pytest.mark.parametrize(
    "later",
    [
        datetime.timedelta(hours=8),
        datetime.timedelta(hours=8, seconds=1),
        datetime.timedelta(days=30),
    ],
)
def test_an_expired_session_gives_nobody(database, token, later):
    assert lookup(database, token, NOW + later) is None


def test_times_in_other_zones_and_naive_utc_mean_the_same_moment(database, anna, token):
    amsterdam = datetime.timezone(datetime.timedelta(hours=1))
    assert (
        lookup(database, token, (NOW + datetime.timedelta(hours=7)).astimezone(amsterdam)) == anna
    )
    assert (
        lookup(database, token, (NOW + datetime.timedelta(hours=9)).astimezone(amsterdam)) is None
    )
    assert lookup(database, token, (NOW + datetime.timedelta(hours=9)).replace(tzinfo=None)) is None


def test_a_session_made_now_works_now(database, anna):
    with Session(database) as session:
        fresh = sessions.create_session(session, anna.id)
    assert lookup(database, fresh, now=None) == anna
    assert lookup(database, fresh, utc_now() + sessions.SESSION_LIFETIME) is None


def test_a_revoked_session_gives_nobody_and_others_stay(database, anna, token):
    with Session(database) as session:
        other = sessions.create_session(session, anna.id, now=NOW)
        sessions.revoke_session(session, token)
    assert lookup(database, token) is None
    assert lookup(database, other) == anna
    with Session(database) as session:
        revoked = session.exec(select(UserSession).where(UserSession.revoked_at.is_not(None))).all()
    assert len(revoked) == 1


def test_revoking_twice_or_an_unknown_token_changes_nothing(database, token):
    with Session(database) as session:
        sessions.revoke_session(session, token)
    before = database_rows(database)
    with Session(database) as session:
        sessions.revoke_session(session, token)
        for unknown in ("nope", token[:-1], "", None, 42, "x" * 500):
            sessions.revoke_session(session, unknown)
    assert database_rows(database) == before


def _flip_last(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "tamper",
    [
        _flip_last,
        lambda t: t[:-1],
        lambda t: t + "x",
        lambda t: t.upper(),
        lambda t: " " + t,
        lambda t: t[::-1],
    ],
)
def test_a_tampered_token_gives_nobody(database, token, tamper):
    assert lookup(database, tamper(token)) is None


@pytest.mark.parametrize(
    "value",
    [None, "", 0, 1, 3.5, True, b"bytes", ["a"], {"token": "x"}, "x" * (sessions.TOKEN_MAX + 1)],
)
def test_wrong_types_and_sizes_give_nobody(database, token, value):
    assert lookup(database, value) is None


def test_a_too_long_token_is_not_even_looked_up(database, token, monkeypatch):
    monkeypatch.setattr(sessions, "_token_hash", lambda _: pytest.fail("hashed"))
    assert lookup(database, token + "x" * sessions.TOKEN_MAX) is None


def test_a_token_of_a_deleted_user_gives_nobody(database, anna, token):
    add_user(database, "jan@northwind.example", users.PARTNER_ROLE, anna.partner_id)
    with Session(database) as session:
        jan = users.find_user(session, "jan@northwind.example")
        jan_token = sessions.create_session(session, jan.id, now=NOW)
        assert sessions.user_for_token(session, jan_token, now=NOW) == jan
    # Whatever removes a user may leave their sessions behind: even then, nobody.
    with database.connect() as connection:
        enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.execute(sa.delete(AppUser).where(AppUser.id == jan.id))
        connection.commit()
        connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")
        connection.commit()
    assert lookup(database, jan_token) is None
    assert lookup(database, token) is not None


def test_the_user_is_read_fresh_from_the_database(database, anna, token):
    with Session(database) as session:
        session.execute(
            sa.update(AppUser).where(AppUser.id == anna.id).values(display_name="Anna dV")
        )
        session.commit()
    assert lookup(database, token).display_name == "Anna dV"


def test_another_secret_key_invalidates_every_session(database, token):
    with settings.override(secret_key="another-secret-" + "y" * 40):
        assert lookup(database, token) is None


def test_sign_in_prunes_ended_sessions_and_old_failures(database):
    """Sessions that ended a day ago and failures outside the window are deleted on a
    successful sign-in; live sessions and recent failures stay."""
    now = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
    with Session(database) as session:
        demo_accounts.ensure_demo_users(session)
        user_id = users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL).id
        old = sessions.create_session(session, user_id, now - datetime.timedelta(days=3))
        live = sessions.create_session(session, user_id, now - datetime.timedelta(hours=1))
        session.add(
            SignInAttempt(
                email="x@y.example",
                address="1.2.3.4",
                # Older than the longest window, the account's 6 hours.
                attempted_at=now - datetime.timedelta(hours=7),
            )
        )
        session.add(
            SignInAttempt(
                email="x@y.example",
                address="1.2.3.4",
                attempted_at=now - datetime.timedelta(minutes=1),
            )
        )
        session.commit()
        result = signing_in.sign_in(
            session, demo_accounts.DEMO_PARTNER_EMAIL, demo_accounts.DEMO_PASSWORD, "127.0.0.1", now
        )
        assert result.token is not None
        assert sessions.user_for_token(session, old, now) is None
        assert sessions.user_for_token(session, live, now) is not None
        assert len(session.exec(select(UserSession)).all()) == 2  # live + the new one
        attempts = session.exec(select(SignInAttempt)).all()
    assert [a.attempted_at.replace(tzinfo=datetime.UTC) for a in attempts] == [
        now - datetime.timedelta(minutes=1)
    ]
