"""Password hashing: Argon2id from argon2-cffi, and a verify that never raises; the
demo accounts' passwords."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import AppUser, Partner
from cloudlink_app.services.password_hashing import hash_password, verify_password

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password(PASSWORD)


def test_the_hash_is_argon2id_and_not_the_password(stored):
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_the_right_password_verifies(stored):
    assert verify_password(stored, PASSWORD) is True


@pytest.mark.parametrize(
    "attempt", ["", "correct horse battery stapler", PASSWORD.upper(), PASSWORD + " "]
)
def test_a_wrong_password_does_not(stored, attempt):
    assert verify_password(stored, attempt) is False


@pytest.mark.parametrize(
    "bad_hash",
    [
        "",  # a user without a password
        "not a hash",
        "$argon2id$v=19$m=65536,t=3,p=4$broken",
        "$2b$12$abcdefghijklmnopqrstuuFakeBcryptHashValue0123456789abcd",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$" + "A" * 5,
    ],
)
def test_an_empty_or_malformed_hash_never_verifies_and_never_raises(bad_hash):
    assert verify_password(bad_hash, PASSWORD) is False
    assert verify_password(bad_hash, "") is False


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["list"]])
def test_wrong_types_never_verify(stored, value):
    assert verify_password(value, PASSWORD) is False  # type: ignore[arg-type]
    assert verify_password(stored, value) is False  # type: ignore[arg-type]


def test_two_hashes_of_one_password_differ(stored):
    again = hash_password(PASSWORD)
    assert again != stored  # each has its own salt
    assert verify_password(again, PASSWORD)


def test_unicode_passwords(stored):
    hashed = hash_password("wachtwoord-é-ß-日本")
    assert verify_password(hashed, "wachtwoord-é-ß-日本")
    assert not verify_password(hashed, "wachtwoord-e-ss-日本")


def test_demo_users_get_a_hash_of_the_demo_password_never_the_password(database):
    with Session(database) as session:
        ids = demo_accounts.ensure_demo_users(session)
        rows = session.exec(select(AppUser).where(col(AppUser.id).in_(ids.values()))).all()
    assert {row.email for row in rows} == {a.email for a in demo_accounts.DEMO_ACCOUNTS}
    for row in rows:
        assert row.password_hash.startswith("$argon2id$")
        assert demo_accounts.DEMO_PASSWORD not in row.password_hash
    assert len({row.password_hash for row in rows}) == len(rows)  # salted one by one
    assert verify_password(rows[0].password_hash, demo_accounts.DEMO_PASSWORD)


def test_demo_users_belong_to_their_partners_and_roles(database):
    with Session(database) as session:
        ids = demo_accounts.ensure_demo_users(session)
        partner_of = {
            user.email: session.get(Partner, user.partner_id).name
            for user in session.exec(select(AppUser))
        }
        roles = {user.email: user.role for user in session.exec(select(AppUser))}
    for account in demo_accounts.DEMO_ACCOUNTS:
        assert partner_of[account.email] == account.partner_name
        assert roles[account.email] == account.role
    # The demo partner of ensure_demo_partner is the Northwind of the demo accounts.
    with Session(database) as session:
        northwind = demo_accounts.ensure_demo_partner(session)
        anna = session.get(AppUser, ids[demo_accounts.DEMO_PARTNER_EMAIL])
    assert anna.partner_id == northwind
    assert {a.email for a in demo_accounts.DEMO_ACCOUNTS} == set(ids)


def test_ensure_demo_users_is_idempotent_and_keeps_changed_passwords(database):
    with Session(database) as session:
        first = demo_accounts.ensure_demo_users(session)
        jeroen = session.get(AppUser, first["jeroen.bakker@northwind-telecom.example"])
        jeroen.password_hash = hash_password("changed by Jeroen")
        session.add(jeroen)
        session.commit()
        kept = jeroen.password_hash
    with Session(database) as session:
        second = demo_accounts.ensure_demo_users(session)
        assert second == first
        assert (
            session.get(AppUser, second["jeroen.bakker@northwind-telecom.example"]).password_hash
            == kept
        )
        assert len(session.exec(select(Partner)).all()) == 2
        assert len(session.exec(select(AppUser)).all()) == len(demo_accounts.DEMO_ACCOUNTS)
