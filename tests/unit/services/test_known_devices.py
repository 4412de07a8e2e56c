"""Known devices (services/known_devices.py): the signed entries a browser that signed in
to an account carries, and what makes one count: signed with the app's key, for this
account, with its current password, issued less than LIFETIME ago. Anything else (no
signature, another key, another account, expired, a changed password, a deactivated
user, any text a client may send) is not a known device.

How sign-in uses it is in test_sign_in_account_limit.py; the cookie in
tests/unit/http/test_known_device_cookie.py."""

from __future__ import annotations

import datetime

import pytest
from sqlmodel import Session

from cloudlink_app import settings
from cloudlink_app.models import AppUser
from cloudlink_app.services import known_devices
from tests.support.database import add_user, user_id

NOW = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def users(database, partner) -> dict[str, AppUser]:
    """Two active users with a password, by first name."""
    found = {}
    with Session(database, expire_on_commit=False) as session:
        for name in ("ada", "bram"):
            email = f"{name}@northwind-telecom.example"
            add_user(database, email, "partner", partner)
            user = session.get(AppUser, user_id(database, email))
            assert user is not None
            # Only an HMAC input here: any stored hash will do (Argon2 is slow on purpose).
            user.password_hash = f"$argon2id$v=19$m=65536,t=3,p=4$stored-hash-of-{name}"
            session.add(user)
            session.commit()
            found[name] = user
    return found


def test_the_lifetime_is_the_documented_one():
    assert datetime.timedelta(days=180) == known_devices.LIFETIME
    assert known_devices.ENTRIES_MAX == 5


def test_a_new_entry_is_known_for_its_account_only(users):
    cookie = known_devices.remember(None, users["ada"], NOW)
    assert known_devices.is_known(cookie, users["ada"], NOW)
    assert not known_devices.is_known(cookie, users["bram"], NOW)
    assert not known_devices.is_known(cookie, None, NOW)  # an email no user has


def test_it_is_known_until_its_lifetime_is_over(users):
    cookie = known_devices.remember(None, users["ada"], NOW)
    assert known_devices.is_known(cookie, users["ada"], NOW + known_devices.LIFETIME - DAY)
    assert not known_devices.is_known(cookie, users["ada"], NOW + known_devices.LIFETIME)


def test_an_entry_from_the_future_is_not_known(users):
    later = known_devices.remember(None, users["ada"], NOW + datetime.timedelta(hours=1))
    assert not known_devices.is_known(later, users["ada"], NOW)
    # Another server's clock a minute ahead is fine.
    ahead = known_devices.remember(None, users["ada"], NOW + datetime.timedelta(minutes=1))
    assert known_devices.is_known(ahead, users["ada"], NOW)


def test_a_new_password_voids_every_entry_of_the_account(users):
    ada = users["ada"]
    cookie = known_devices.remember(None, ada, NOW)
    ada.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$the-new-password"
    assert not known_devices.is_known(cookie, ada, NOW)


@pytest.mark.parametrize("change", ["deactivated", "no password"])
def test_a_user_who_cannot_sign_in_has_no_known_devices(users, change):
    ada = users["ada"]
    cookie = known_devices.remember(None, ada, NOW)
    if change == "deactivated":
        ada.active = False
    else:
        ada.password_hash = ""
    assert not known_devices.is_known(cookie, ada, NOW)


def test_another_secret_key_voids_every_entry(users):
    cookie = known_devices.remember(None, users["ada"], NOW)
    with settings.override(secret_key="another-key-" + "z" * 40):
        assert not known_devices.is_known(cookie, users["ada"], NOW)


def _forged(users) -> list[str]:
    ada, bram = users["ada"], users["bram"]
    real = known_devices.remember(None, ada, NOW)
    user_id, issued, mac = real.split(".")
    brams = known_devices.remember(None, bram, NOW)
    return [
        f"{user_id}.{issued}",  # unsigned
        f"{user_id}.{issued}.",  # an empty signature
        f"{user_id}.{int(issued) + 1}.{mac}",  # another time
        f"{bram.id}.{issued}.{mac}",  # Ada's signature for Bram
        f"{user_id}.{issued}.{brams.split('.')[2]}",  # Bram's signature for Ada
        f"{user_id}.{issued}.{mac[:-1]}",  # cut short
        f"{user_id}.{issued}.{mac}x",
        f" {real}",
        f"{user_id}.{issued}.{mac}.{mac}",
        f"{user_id}.{issued}.{'é' * 43}",  # not ASCII
        f"{user_id}.99999999999.{mac}",  # a time no calendar has
    ]


def test_forged_entries_are_not_known(users):
    for forged in _forged(users):
        assert not known_devices.is_known(forged, users["ada"], NOW), forged


@pytest.mark.parametrize("value", [None, "", 42, ["x"], b"1.2.3", "~" * 10, "x" * 100_000])
def test_anything_else_is_not_known(users, value):
    assert not known_devices.is_known(value, users["ada"], NOW)


def test_a_value_over_its_size_is_not_read(users):
    cookie = known_devices.remember(None, users["ada"], NOW)
    padded = cookie + "~" + "9" * known_devices.VALUE_MAX
    assert not known_devices.is_known(padded, users["ada"], NOW)


def test_one_browser_remembers_a_few_accounts_newest_first(users, database, partner):
    ada, bram = users["ada"], users["bram"]
    cookie = known_devices.remember(None, ada, NOW)
    cookie = known_devices.remember(cookie, bram, NOW + DAY)
    assert known_devices.is_known(cookie, ada, NOW + DAY)
    assert known_devices.is_known(cookie, bram, NOW + DAY)
    assert cookie.split("~")[0].startswith(f"{bram.id}.")
    # Signing in again renews the account's entry (one per account).
    cookie = known_devices.remember(cookie, ada, NOW + 2 * DAY)
    assert len(cookie.split("~")) == 2 and cookie.startswith(f"{ada.id}.")
    # At most ENTRIES_MAX accounts: the oldest is forgotten.
    others = [
        AppUser(id=1000 + i, email="", display_name="", role="", partner_id=partner)
        for i in range(5)
    ]
    for index, other in enumerate(others):
        other.password_hash = ada.password_hash
        cookie = known_devices.remember(cookie, other, NOW + (3 + index) * DAY)
    entries = cookie.split("~")
    assert len(entries) == known_devices.ENTRIES_MAX
    assert [int(e.split(".")[0]) for e in entries] == [o.id for o in reversed(others)]
    assert not known_devices.is_known(cookie, ada, NOW + 8 * DAY)


def test_expired_and_malformed_entries_of_other_accounts_are_dropped(users):
    ada, bram = users["ada"], users["bram"]
    old = known_devices.remember(None, bram, NOW - known_devices.LIFETIME)
    cookie = known_devices.remember(old + "~rubbish", ada, NOW)
    assert cookie.count("~") == 0 and known_devices.is_known(cookie, ada, NOW)
