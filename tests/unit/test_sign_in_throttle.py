"""Signing in: right and wrong passwords, the same answer for unknown emails, and
slowing down repeated failures per email and per address."""

from __future__ import annotations

import datetime

import pytest
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser, SignInAttempt, UserSession
from cloudlink_app.services import auth, users
from tests.support.database import database_rows

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
ANNA = demo_accounts.DEMO_PARTNER_EMAIL
JEROEN = "jeroen.bakker@northwind-telecom.example"
PASSWORD = demo_accounts.DEMO_PASSWORD
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


def sign_in(database, email, password, address=HOME, now=NOW) -> auth.SignInResult:
    with Session(database) as session:
        return auth.sign_in(session, email, password, address, now=now)


def failures(database, **where) -> int:
    with Session(database) as session:
        query = select(SignInAttempt)
        for name, value in where.items():
            query = query.where(getattr(SignInAttempt, name) == value)
        return len(session.exec(query).all())


def add_failures(database, count, email, address, at=NOW):
    """Failed attempts as sign_in records them, without spending an Argon2 verify each."""
    with Session(database) as session:
        for _ in range(count):
            session.add(SignInAttempt(email=email, address=address, attempted_at=at))
        session.commit()


def test_the_right_password_signs_in(database, demo_users):
    result = sign_in(database, ANNA, PASSWORD)
    assert result.ok and not result.throttled
    assert result.user.id == demo_users[ANNA] and result.user.email == ANNA
    with Session(database) as session:
        assert auth.user_for_token(session, result.token, now=NOW) == result.user


@pytest.mark.parametrize("typed", ["  Anna.deVries@Northwind-Telecom.example ", ANNA.upper()])
def test_the_email_is_compared_case_insensitively(database, demo_users, typed):
    assert sign_in(database, typed, PASSWORD).user.id == demo_users[ANNA]


def test_the_account_admin_signs_in_too(database, demo_users):
    result = sign_in(database, "sanne@vandermeer-bakkerij.nl", PASSWORD)
    assert result.ok and result.user.role == users.ACCOUNT_ADMIN_ROLE


def test_a_wrong_password_fails_and_is_recorded(database, demo_users):
    result = sign_in(database, ANNA, "wrong")
    assert result == auth.SignInResult(token=None, user=None, throttled=False)
    assert failures(database, email=ANNA, address=HOME) == 1
    with Session(database) as session:
        assert session.exec(select(UserSession)).all() == []


def test_an_unknown_email_fails_the_same_way_and_is_recorded(database, demo_users, monkeypatch):
    verified = []
    real_verify = auth.verify_password
    monkeypatch.setattr(
        auth, "verify_password", lambda h, p: verified.append(h) or real_verify(h, p)
    )
    unknown = sign_in(database, "Nobody@Example.com", PASSWORD)
    wrong = sign_in(database, ANNA, "wrong")
    assert unknown == wrong == auth.SignInResult(token=None, user=None, throttled=False)
    # A password was verified for the unknown email too: the answer takes as long.
    assert len(verified) == 2 and verified[0].startswith("$argon2id$")
    assert failures(database, email="nobody@example.com") == 1


def test_a_user_without_a_password_cannot_sign_in(database):
    # The demo partner of ensure_demo_partner has no password ("").
    assert not sign_in(database, ANNA, "").ok
    assert not sign_in(database, ANNA, PASSWORD).ok
    assert failures(database, email=ANNA) == 2


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (None, PASSWORD),
        (ANNA, None),
        (42, PASSWORD),
        (ANNA, ["x"]),
        ({"e": 1}, {}),
        ("a" * 250 + "@x.nl", PASSWORD),
        (ANNA, "p" * (auth.PASSWORD_MAX + 1)),
    ],
)
def test_wrong_types_and_sizes_are_a_plain_failure(database, demo_users, email, password):
    before = database_rows(database)
    result = sign_in(database, email, password)
    assert result == auth.SignInResult(token=None, user=None, throttled=False)
    assert database_rows(database) == before


def test_the_longest_allowed_password_is_checked(database, demo_users):
    assert not sign_in(database, ANNA, "p" * auth.PASSWORD_MAX).ok
    assert failures(database, email=ANNA) == 1


def test_five_failures_for_an_email_throttle_it_even_with_the_right_password(database, demo_users):
    assert auth.MAX_FAILURES_PER_EMAIL == 5
    for attempt in range(5):
        result = sign_in(
            database, ANNA, f"guess {attempt}", now=NOW + datetime.timedelta(seconds=attempt)
        )
        assert not result.ok and not result.throttled
    result = sign_in(database, ANNA, PASSWORD, now=NOW + datetime.timedelta(seconds=10))
    assert result == auth.SignInResult(token=None, user=None, throttled=True)
    # From another address and whatever the case of the email: still throttled.
    assert sign_in(database, ANNA.upper(), PASSWORD, address=ELSEWHERE).throttled
    # Throttled attempts are not recorded: the wait never grows.
    assert failures(database, email=ANNA) == 5
    # Another email from the same address is not affected.
    assert sign_in(database, JEROEN, PASSWORD).ok


def test_a_throttled_attempt_does_not_check_the_password(database, demo_users, monkeypatch):
    add_failures(database, 5, ANNA, ELSEWHERE)
    monkeypatch.setattr(auth, "verify_password", lambda *a: pytest.fail("verified"))
    assert sign_in(database, ANNA, PASSWORD).throttled


def test_twenty_failures_from_an_address_throttle_every_email_from_it(database, demo_users):
    assert auth.MAX_FAILURES_PER_ADDRESS == 20
    # Spread over many emails, none of which reaches its own limit.
    for index in range(19):
        add_failures(database, 1, f"guess{index}@example.com", HOME)
    assert sign_in(database, JEROEN, PASSWORD).ok  # 19 failures: not yet
    assert not sign_in(database, ANNA, "wrong").throttled  # the 20th failure
    for email, password in ((JEROEN, PASSWORD), ("new@example.com", "x"), (ANNA, PASSWORD)):
        assert sign_in(database, email, password).throttled
    # Other addresses are not affected.
    assert sign_in(database, JEROEN, PASSWORD, address=ELSEWHERE).ok
    assert failures(database, address=HOME) == 20


def test_failures_older_than_the_window_do_not_count(database, demo_users):
    assert datetime.timedelta(minutes=15) == auth.FAILURE_WINDOW
    add_failures(database, 5, ANNA, HOME, at=NOW)
    add_failures(database, 20, "other@example.com", ELSEWHERE, at=NOW)
    almost = NOW + auth.FAILURE_WINDOW - datetime.timedelta(seconds=1)
    assert sign_in(database, ANNA, PASSWORD, now=almost).throttled
    assert sign_in(database, JEROEN, PASSWORD, address=ELSEWHERE, now=almost).throttled
    later = NOW + auth.FAILURE_WINDOW
    assert sign_in(database, ANNA, PASSWORD, now=later).ok
    assert sign_in(database, JEROEN, PASSWORD, address=ELSEWHERE, now=later).ok


def test_a_sliding_window_counts_only_the_recent_failures(database, demo_users):
    add_failures(database, 3, ANNA, HOME, at=NOW - datetime.timedelta(minutes=20))
    add_failures(database, 4, ANNA, HOME, at=NOW)
    assert not sign_in(database, ANNA, "wrong").throttled  # 4 recent + this one
    assert sign_in(database, ANNA, PASSWORD).throttled


def test_success_clears_that_emails_failures_only(database, demo_users):
    add_failures(database, 3, ANNA, HOME)
    add_failures(database, 1, ANNA, ELSEWHERE)
    add_failures(database, 3, JEROEN, HOME)
    assert sign_in(database, ANNA.upper(), PASSWORD).ok
    assert failures(database, email=ANNA) == 0
    assert failures(database, email=JEROEN) == 3
    # The full allowance is back.
    for _ in range(4):
        assert not sign_in(database, ANNA, "wrong").throttled
    assert sign_in(database, ANNA, PASSWORD).ok


def test_the_address_is_cut_to_its_column(database, demo_users):
    long_address = "x" * 200
    sign_in(database, ANNA, "wrong", address=long_address)
    assert failures(database, address=long_address[: auth.ADDRESS_MAX]) == 1
    sign_in(database, ANNA, "wrong", address=None)  # no client address known
    assert failures(database, address="") == 1


def test_an_outdated_hash_is_upgraded_on_sign_in(database, demo_users):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with Session(database) as session:
        anna = session.get(AppUser, demo_users[ANNA])
        anna.password_hash = weak
        session.add(anna)
        session.commit()
    assert sign_in(database, ANNA, PASSWORD).ok
    with Session(database) as session:
        upgraded = session.get(AppUser, demo_users[ANNA]).password_hash
    assert upgraded != weak and auth.verify_password(upgraded, PASSWORD)
    assert not auth._hasher.check_needs_rehash(upgraded)


def test_the_password_is_never_stored_or_logged(database, demo_users, caplog):
    secret = "my-very-secret-guess"
    with caplog.at_level("DEBUG"):
        sign_in(database, ANNA, secret)
        result = sign_in(database, ANNA, PASSWORD)
    assert secret not in repr(database_rows(database))
    assert PASSWORD not in repr(database_rows(database))
    assert result.token not in repr(database_rows(database))
    assert secret not in caplog.text and PASSWORD not in caplog.text


def test_the_messages_are_the_same_for_unknown_email_and_wrong_password():
    failed = t("sign_in.failed")
    throttled = t("sign_in.throttled")
    assert failed == "Enter a correct email address and password"
    assert "email" not in throttled.lower()
    minutes = int(auth.FAILURE_WINDOW.total_seconds() // 60)
    assert f"Wait {minutes} minutes" in throttled
    assert failed != "sign_in.failed" and throttled != "sign_in.throttled"
