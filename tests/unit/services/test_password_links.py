"""One-time links to set a password (services/password_links.py, password_changes.py):
only a keyed hash of the token is stored, a link works once, expires (7 days for a new
user, 1 day for a reset), a new link spends the earlier ones, and an invalid link
changes nothing."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from cloudlink_app import routes, settings
from cloudlink_app.models import AppUser, PasswordToken, UserSession
from cloudlink_app.services import (
    accounts,
    password_changes,
    password_hashing,
    password_links,
    sessions,
    signing_in,
)
from tests.support.database import database_rows, demo_partner_id

URL = "https://onboarding.example.com"
EMAIL = "kim.jansen@northwind-telecom.example"
PASSWORD = "tulip orbit kettle 42"


@pytest.fixture(autouse=True)
def deploy_url():
    with settings.override(deploy_url=URL):
        yield


def token_of(link: accounts.Link) -> str:
    parts = urlsplit(link.url)
    assert f"{parts.scheme}://{parts.netloc}" == URL and parts.path == routes.AUTH_LINK
    return parse_qs(parts.query)[routes.LINK_TOKEN_QUERY][0]


def set_password(session: Session, token: object, password: object, confirm: object, **kw):
    """Set the password with the link of ``token``, known to the service (as to the
    Set password page) by its hash only."""
    return password_changes.set_password_with_link(
        session, password_links.hash_of(token), password, confirm, **kw
    )


def new_user(session: Session, now=None) -> accounts.Link:
    return accounts.add_partner_user(
        session, EMAIL, "Kim Jansen", demo_partner_id(session.get_bind()), now=now
    )


def user(session: Session) -> AppUser:
    session.expire_all()
    return session.exec(select(AppUser).where(AppUser.email == EMAIL)).one()


def test_the_token_is_random_and_only_its_keyed_hash_is_stored(session, database):
    first, second = token_of(new_user(session)), token_of(accounts.reset_password(session, EMAIL))
    assert first != second and len(first) >= 43
    dump = repr(database_rows(database))
    assert first not in dump and second not in dump
    stored = session.exec(select(PasswordToken.token_hash)).all()
    assert len(stored) == 2 and all(len(h) == 64 for h in stored)
    # Keyed: another secret key gives another hash, so the table alone is useless.
    with settings.override(secret_key="another-key-" + "y" * 40):
        assert not password_links.link_is_valid(session, second)
    assert password_links.link_is_valid(session, second)


def test_a_new_user_has_no_password_and_sets_one_once(session):
    token = token_of(new_user(session))
    assert user(session).password_hash == ""
    assert password_links.link_is_valid(session, token)
    outcome = set_password(session, token, PASSWORD, PASSWORD)
    assert outcome.done
    assert password_hashing.verify_password(user(session).password_hash, PASSWORD)
    assert signing_in.sign_in(session, EMAIL, PASSWORD, "192.0.2.1").ok
    # Spent: the same link does nothing a second time.
    assert not password_links.link_is_valid(session, token)
    hash_before = user(session).password_hash
    again = set_password(session, token, "another fine passphrase", "x")
    assert again.invalid_link and not again.done
    assert user(session).password_hash == hash_before


@pytest.mark.parametrize(
    ("issue", "lifetime"),
    [("new", password_links.NEW_USER_LINK_LIFETIME), ("reset", password_links.RESET_LINK_LIFETIME)],
)
def test_a_link_expires(session, database, issue, lifetime):
    start = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
    link = new_user(session, now=start)
    if issue == "reset":
        set_password(session, token_of(link), PASSWORD, PASSWORD, now=start)
        link = accounts.reset_password(session, EMAIL, now=start)
    assert link.expires_at == start + lifetime
    token = token_of(link)
    just_before = start + lifetime - datetime.timedelta(seconds=1)
    assert password_links.link_is_valid(session, token, now=just_before)
    rows = database_rows(database)
    outcome = set_password(
        session, token, "another fine passphrase", "another fine passphrase", now=start + lifetime
    )
    assert outcome.invalid_link
    assert database_rows(database) == rows


def test_the_lifetimes_are_the_documented_ones():
    assert datetime.timedelta(days=7) == password_links.NEW_USER_LINK_LIFETIME
    assert datetime.timedelta(days=1) == password_links.RESET_LINK_LIFETIME


def test_a_new_link_spends_the_earlier_one(session):
    old = token_of(new_user(session))
    new = token_of(accounts.reset_password(session, EMAIL))
    assert not password_links.link_is_valid(session, old)
    assert password_links.link_is_valid(session, new)


def test_a_password_against_the_policy_changes_nothing_and_keeps_the_link(session, database):
    token = token_of(new_user(session))
    rows = database_rows(database)
    outcome = set_password(session, token, "password1234", "password1234")
    assert outcome.problems and not outcome.done
    assert database_rows(database) == rows
    assert password_links.link_is_valid(session, token)


@pytest.mark.parametrize(
    "token",
    ["", None, 42, ["x"], "x" * 101, "not-a-token", "a\x00b", "\ud800"],
    ids=repr,
)
def test_a_wrong_or_crafted_token_changes_nothing(session, database, token):
    new_user(session)
    rows = database_rows(database)
    assert not password_links.link_is_valid(session, token)
    outcome = set_password(session, token, PASSWORD, PASSWORD)
    assert outcome.invalid_link
    assert database_rows(database) == rows


def test_setting_a_password_by_link_ends_the_users_sessions(session):
    token = token_of(new_user(session))
    set_password(session, token, PASSWORD, PASSWORD)
    signed_in = sessions.create_session(session, user(session).id)
    reset = token_of(accounts.reset_password(session, EMAIL))
    assert sessions.user_for_token(session, signed_in) is not None
    assert set_password(session, reset, "another fine passphrase", "another fine passphrase").done
    assert sessions.user_for_token(session, signed_in) is None
    assert session.exec(select(UserSession.revoked_at)).one() is not None


def test_a_deactivated_users_link_does_not_work(session):
    token = token_of(new_user(session))
    accounts.deactivate_user(session, EMAIL)
    assert not password_links.link_is_valid(session, token)
    assert set_password(session, token, PASSWORD, PASSWORD).invalid_link
    with pytest.raises(accounts.AccountError, match="deactivated"):
        accounts.reset_password(session, EMAIL)


# ----- how an opened link reaches the Set password page -----------------------------


def test_the_header_carries_the_stored_hash_and_never_the_token(session):
    token = token_of(new_user(session))
    value = password_links.link_header(token)
    assert value is not None and token not in value
    token_hash = password_links.hash_from_header(value)
    assert token_hash == session.exec(select(PasswordToken.token_hash)).one()
    assert password_links.hash_is_live(session, token_hash)


@pytest.mark.parametrize(
    "value",
    [
        None,
        42,
        "",
        "CloudLink-Link",
        f"CloudLink-Session {'a' * 64}",
        f"CloudLink-Link {'a' * 63}",
        f"CloudLink-Link {'A' * 64}",
        f"CloudLink-Link {'g' * 64}",
        f"CloudLink-Link {'a' * 64} ",
    ],
    ids=repr,
)
def test_a_header_without_a_hash_names_no_link(value):
    assert password_links.hash_from_header(value) is None


@pytest.mark.parametrize("token_hash", [None, "", 42, "x" * 64, "a" * 64], ids=repr)
def test_a_crafted_hash_is_no_live_link(session, token_hash):
    new_user(session)
    assert not password_links.hash_is_live(session, token_hash)


def test_the_cookie_lives_30_minutes_at_most_and_never_beyond_the_link(session):
    start = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
    token = token_of(new_user(session, now=start))
    assert password_links.cookie_lifetime(session, token, now=start) == datetime.timedelta(
        minutes=30
    )
    ten_minutes_left = (
        start + password_links.NEW_USER_LINK_LIFETIME - datetime.timedelta(minutes=10)
    )
    assert password_links.cookie_lifetime(
        session, token, now=ten_minutes_left
    ) == datetime.timedelta(minutes=10)
    expired = start + password_links.NEW_USER_LINK_LIFETIME
    assert password_links.cookie_lifetime(session, token, now=expired) is None
    assert password_links.cookie_lifetime(session, "made-up", now=start) is None


def test_changing_ones_password_spends_a_reset_link_made_before(session):
    """A reset link asked for earlier (by the user, or by someone who read their
    mail) must not set another password over the one just chosen."""
    password_changes.set_password_with_link(
        session, password_links.hash_of(token_of(new_user(session))), PASSWORD, PASSWORD
    )
    reset = token_of(accounts.reset_password(session, EMAIL))
    assert password_links.link_is_valid(session, reset)
    new_password = "another fine passphrase"
    changed = password_changes.change_password(
        session, user(session).id, PASSWORD, new_password, new_password, keep_session_id=None
    )
    assert changed.done
    assert not password_links.link_is_valid(session, reset)
    later = password_changes.set_password_with_link(
        session, password_links.hash_of(reset), "a third fine passphrase", "a third fine passphrase"
    )
    assert later.invalid_link and not later.done
    assert password_hashing.verify_password(user(session).password_hash, new_password)
