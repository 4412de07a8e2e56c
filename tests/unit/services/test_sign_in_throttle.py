"""Signing in (services/signing_in.py): right and wrong passwords, the same answer for unknown
emails, and slowing down repeated failures per (email, address) and per address with a
growing delay that never refuses the right password once it is over.

The rules themselves (address keys, the delay schedule) are tested in
test_throttle_rules.py; running sign-in off the event loop in test_sign_in_off_loop.py;
the per-account limit and known browsers in test_sign_in_account_limit.py.
"""

from __future__ import annotations

import datetime

import pytest
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser, SignInAttempt, UserSession
from cloudlink_app.services import password_hashing, sessions, signing_in, users
from tests.support.database import database_rows

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
ANNA = demo_accounts.DEMO_PARTNER_EMAIL
JEROEN = "jeroen.bakker@northwind-telecom.example"
PASSWORD = demo_accounts.DEMO_PASSWORD
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


@pytest.fixture(autouse=True)
def demo_mode():
    """The demo accounts sign in only in demo mode."""
    with settings.override(demo_mode=True):
        yield


def at(seconds: float) -> datetime.datetime:
    return NOW + datetime.timedelta(seconds=seconds)


def sign_in(database, email, password, address=HOME, now=NOW) -> signing_in.SignInResult:
    with Session(database) as session:
        return signing_in.sign_in(session, email, password, address, now=now)


def failures(database, **where) -> int:
    with Session(database) as session:
        query = select(SignInAttempt)
        for name, value in where.items():
            query = query.where(getattr(SignInAttempt, name) == value)
        return len(session.exec(query).all())


def add_failures(database, count, email, address, at=NOW):
    """Failed attempts as sign_in records them (``address`` as its key), without
    spending an Argon2 verify each."""
    with Session(database) as session:
        for _ in range(count):
            session.add(SignInAttempt(email=email, address=address, attempted_at=at))
        session.commit()


def throttled(seconds_left: float) -> signing_in.SignInResult:
    return signing_in.SignInResult(token=None, user=None, throttled=True, retry_after=seconds_left)


FAILED = signing_in.SignInResult(token=None, user=None, throttled=False)


@pytest.fixture
def no_verify(monkeypatch):
    """Fail the test when a password is checked (a throttled attempt must not be)."""
    monkeypatch.setattr(password_hashing, "verify_password", lambda *a: pytest.fail("verified"))


# ----- right and wrong passwords ------------------------------------------------------


def test_the_right_password_signs_in(database, demo_users):
    result = sign_in(database, ANNA, PASSWORD)
    assert result.ok and not result.throttled
    assert result.user.id == demo_users[ANNA] and result.user.email == ANNA
    with Session(database) as session:
        assert sessions.user_for_token(session, result.token, now=NOW) == result.user


@pytest.mark.parametrize("typed", ["  Anna.deVries@Northwind-Telecom.example ", ANNA.upper()])
def test_the_email_is_compared_case_insensitively(database, demo_users, typed):
    assert sign_in(database, typed, PASSWORD).user.id == demo_users[ANNA]


def test_the_account_admin_signs_in_too(database, demo_users):
    result = sign_in(database, "sanne@vandermeer-bakkerij.nl", PASSWORD)
    assert result.ok and result.user.role == users.ACCOUNT_ADMIN_ROLE


def test_a_wrong_password_fails_and_is_recorded(database, demo_users):
    assert sign_in(database, ANNA, "wrong") == FAILED
    assert failures(database, email=ANNA, address=HOME) == 1
    with Session(database) as session:
        assert session.exec(select(UserSession)).all() == []


def test_an_unknown_email_fails_the_same_way_and_is_recorded(database, demo_users, monkeypatch):
    verified = []
    real_verify = password_hashing.verify_password
    monkeypatch.setattr(
        password_hashing, "verify_password", lambda h, p: verified.append(h) or real_verify(h, p)
    )
    unknown = sign_in(database, "Nobody@Example.com", PASSWORD)
    wrong = sign_in(database, ANNA, "wrong")
    assert unknown == wrong == FAILED
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
        (ANNA, "p" * (signing_in.PASSWORD_MAX + 1)),
    ],
)
def test_wrong_types_and_sizes_are_a_plain_failure(database, demo_users, email, password):
    before = database_rows(database)
    assert sign_in(database, email, password) == FAILED
    assert database_rows(database) == before


def test_the_longest_allowed_password_is_checked(database, demo_users):
    assert not sign_in(database, ANNA, "p" * signing_in.PASSWORD_MAX).ok
    assert failures(database, email=ANNA) == 1


# ----- per (email, address): a growing delay, never a lock-out ----------------------------


def test_five_failures_make_the_next_attempt_wait_a_second(database, demo_users, monkeypatch):
    assert signing_in.PAIR_LIMIT.free == 5
    for attempt in range(5):
        result = sign_in(database, ANNA, f"guess {attempt}", now=at(attempt))
        assert result == FAILED
    # The 5th failure was at +4 s: until +5 s the right password is not even checked.
    checked = []
    real_verify = password_hashing.verify_password
    monkeypatch.setattr(
        password_hashing, "verify_password", lambda h, p: checked.append(p) or real_verify(h, p)
    )
    assert sign_in(database, ANNA, PASSWORD, now=at(4.25)) == throttled(0.75)
    assert sign_in(database, ANNA.upper(), PASSWORD, now=at(4.999)).throttled
    assert checked == []
    # Throttled attempts are not recorded: clicking again does not make the wait longer.
    assert failures(database, email=ANNA) == 5
    # Once the wait is over, the right password signs in.
    assert sign_in(database, ANNA, PASSWORD, now=at(5)).ok
    assert checked == [PASSWORD]


@pytest.mark.parametrize(("count", "wait"), [(5, 1), (6, 2), (7, 4), (8, 8), (10, 32), (11, 60)])
def test_each_failure_doubles_the_wait_up_to_a_minute(database, demo_users, count, wait):
    add_failures(database, count, ANNA, HOME)
    with Session(database) as session:
        assert signing_in.throttle_wait(session, ANNA, HOME, NOW) == wait
        assert signing_in.throttle_wait(session, ANNA, HOME, at(wait)) == 0
    assert sign_in(database, ANNA, PASSWORD, now=at(wait - 0.5)).throttled
    assert sign_in(database, ANNA, PASSWORD, now=at(wait)).ok


def known_browser(database, email=ANNA) -> str:
    """The known-device cookie of a browser that signed in as ``email`` an hour ago."""
    result = sign_in(database, email, PASSWORD, address=HOME, now=at(-3600))
    assert result.ok and result.known_device
    return result.known_device


def test_after_many_failures_the_right_password_still_works_within_a_minute(database, demo_users):
    """In a browser that signed in to the account before: the account's own, longer
    wait (test_sign_in_account_limit.py) is not for it."""
    device = known_browser(database)
    add_failures(database, 200, ANNA, HOME)
    with Session(database) as session:
        assert signing_in.sign_in(
            session, ANNA, PASSWORD, HOME, now=at(59), known_device=device
        ).throttled
        assert signing_in.sign_in(session, ANNA, PASSWORD, HOME, now=at(60), known_device=device).ok


def test_a_throttled_attempt_does_not_check_the_password(database, demo_users, no_verify):
    add_failures(database, 5, ANNA, HOME)
    assert sign_in(database, ANNA, PASSWORD).throttled


def test_failures_from_elsewhere_do_not_slow_the_user_down(database, demo_users):
    """The per-email limit let anyone lock a known user out; now failures for Anna
    from another address do not touch her own (email, address), and in a browser she
    signed in with before the account's wait does not either."""
    device = known_browser(database)
    add_failures(database, 50, ANNA, ELSEWHERE)
    with Session(database) as session:
        assert signing_in.sign_in(session, ANNA, PASSWORD, HOME, now=NOW, known_device=device).ok
        # From that address she waits like anyone there.
        assert signing_in.sign_in(
            session, ANNA, PASSWORD, ELSEWHERE, now=NOW, known_device=device
        ).throttled


def test_another_email_from_the_same_address_is_not_slowed_by_one_email(database, demo_users):
    add_failures(database, 10, ANNA, HOME)
    assert sign_in(database, JEROEN, PASSWORD).ok


def test_success_clears_that_email_and_address_only(database, demo_users):
    add_failures(database, 3, ANNA, HOME)
    add_failures(database, 1, ANNA, ELSEWHERE)
    add_failures(database, 3, JEROEN, HOME)
    assert sign_in(database, ANNA.upper(), PASSWORD).ok
    assert failures(database, email=ANNA, address=HOME) == 0
    assert failures(database, email=ANNA, address=ELSEWHERE) == 1
    assert failures(database, email=JEROEN) == 3
    # The full allowance is back: four failures, and the fifth attempt is checked.
    for _ in range(4):
        assert sign_in(database, ANNA, "wrong") == FAILED
    assert sign_in(database, ANNA, PASSWORD).ok


# ----- per address ----------------------------------------------------------------------


def test_twenty_failures_from_an_address_make_every_email_from_it_wait(database, demo_users):
    assert signing_in.ADDRESS_LIMIT.free == 20
    # Spread over many emails, none of which reaches its own limit.
    for index in range(19):
        add_failures(database, 1, f"guess{index}@example.com", HOME)
    assert sign_in(database, JEROEN, PASSWORD).ok  # 19 failures: no wait
    assert sign_in(database, ANNA, "wrong", now=at(1)) == FAILED  # the 20th failure
    for email in (JEROEN, "new@example.com", ANNA):
        assert sign_in(database, email, PASSWORD, now=at(1.5)) == throttled(0.5)
    # Other addresses are not affected.
    assert sign_in(database, JEROEN, PASSWORD, address=ELSEWHERE, now=at(1.5)).ok
    assert failures(database, address=HOME) == 20
    # After the wait, the right password from that address works.
    assert sign_in(database, JEROEN, PASSWORD, now=at(2)).ok


def test_21_wrong_passwords_from_one_address_do_not_stop_another_users_correct_one(
    database, demo_users
):
    """An attacker tries 21 passwords from HOME, as fast as the rules let him (guessing
    21 accounts: one account alone would wait sooner). Jeroen, from another address,
    signs in at once; from the attacker's address (an office behind one NAT), he waits
    only until the address's short wait after the last failure is over: 2 s after 21
    failures."""
    moment = 0.0
    for index in range(21):
        with Session(database) as session:
            moment += signing_in.throttle_wait(
                session, f"guess{index}@example.com", HOME, at(moment)
            )
        result = sign_in(database, f"guess{index}@example.com", "password1", now=at(moment))
        assert result == FAILED  # each one was checked
    last_failure = moment
    assert failures(database, address=HOME) == 21
    assert sign_in(database, JEROEN, PASSWORD, address=ELSEWHERE, now=at(last_failure)).ok
    assert sign_in(database, JEROEN, PASSWORD, now=at(last_failure + 1.5)) == throttled(0.5)
    assert sign_in(database, JEROEN, PASSWORD, now=at(last_failure + 2)).ok


def test_an_ipv6_network_counts_as_one_address(database, demo_users, no_verify):
    # 20 failures, each from another address of one /64.
    for index in range(20):
        key = signing_in.address_key(f"2001:db8:1:2::{index + 1:x}")
        add_failures(database, 1, f"guess{index}@example.com", key)
    assert sign_in(database, JEROEN, PASSWORD, address="2001:db8:1:2:abcd::99").throttled


def test_another_ipv6_network_is_another_address(database, demo_users):
    add_failures(database, 20, "guess@example.com", "2001:db8:1:2::/64")
    assert sign_in(database, JEROEN, PASSWORD, address="2001:db8:1:3::1").ok


def test_an_ipv4_mapped_address_counts_as_the_ipv4_address(database, demo_users, no_verify):
    add_failures(database, 20, "guess@example.com", HOME)
    assert sign_in(database, JEROEN, PASSWORD, address=f"::ffff:{HOME}").throttled


def test_what_is_stored_is_the_address_key(database, demo_users):
    sign_in(database, ANNA, "wrong", address="2001:db8:1:2::1")
    sign_in(database, ANNA, "wrong", address=f"::ffff:{HOME}")
    with Session(database) as session:
        stored = sorted(session.exec(select(SignInAttempt.address)).all())
    assert stored == ["2001:db8:1:2::/64", HOME]


# ----- the window --------------------------------------------------------------------


def test_failures_older_than_the_window_do_not_count(database, demo_users):
    assert datetime.timedelta(minutes=15) == signing_in.FAILURE_WINDOW
    add_failures(database, 5, ANNA, HOME, at=at(-signing_in.FAILURE_WINDOW.total_seconds()))
    add_failures(database, 20, "other@example.com", ELSEWHERE, at=at(-899))
    # At NOW the first five are out of the window: no wait. The others still count
    # (20 failures) but their 1 s wait has long passed.
    with Session(database) as session:
        assert signing_in.throttle_wait(session, ANNA, HOME, NOW) == 0
        assert signing_in.throttle_wait(session, JEROEN, ELSEWHERE, NOW) == 0
    add_failures(database, 1, "other@example.com", ELSEWHERE, at=NOW)  # the 21st: 2 s
    with Session(database) as session:
        assert signing_in.throttle_wait(session, JEROEN, ELSEWHERE, NOW) == 2
        assert signing_in.throttle_wait(session, JEROEN, ELSEWHERE, at(0.5)) == 1.5
        # Once the 20 older ones leave the window, one failure is no reason to wait.
        assert signing_in.throttle_wait(session, JEROEN, ELSEWHERE, at(1.5)) == 0


def test_a_sliding_window_counts_only_the_recent_failures(database, demo_users):
    add_failures(database, 3, ANNA, HOME, at=NOW - datetime.timedelta(minutes=20))
    add_failures(database, 4, ANNA, HOME, at=NOW)
    assert sign_in(database, ANNA, "wrong") == FAILED  # 4 recent + this one
    assert sign_in(database, ANNA, PASSWORD).throttled
    assert sign_in(database, ANNA, PASSWORD, now=at(1)).ok


# ----- other -------------------------------------------------------------------------


def test_a_long_address_is_cut_to_its_column(database, demo_users):
    long_address = "x" * 200
    sign_in(database, ANNA, "wrong", address=long_address)
    assert failures(database, address=long_address[: signing_in.ADDRESS_MAX]) == 1
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
    assert upgraded != weak and password_hashing.verify_password(upgraded, PASSWORD)
    assert not password_hashing._hasher.check_needs_rehash(upgraded)


def test_the_password_is_never_stored_or_logged(database, demo_users, caplog):
    secret = "my-very-secret-guess"
    with caplog.at_level("DEBUG"):
        sign_in(database, ANNA, secret)
        result = sign_in(database, ANNA, PASSWORD)
    assert secret not in repr(database_rows(database))
    assert PASSWORD not in repr(database_rows(database))
    assert result.token not in repr(database_rows(database))
    assert secret not in caplog.text and PASSWORD not in caplog.text


def test_the_messages_never_say_whether_the_email_exists():
    failed, slowed, timed_out = (
        t("sign_in.failed"),
        t("sign_in.throttled"),
        t("sign_in.timed_out"),
    )
    assert failed == "Enter a correct email address and password"
    assert slowed == "Too many attempts. Try again in a moment."
    for message in (slowed, timed_out):
        assert "email" not in message.lower() and "try again" in message.lower()
    # No "wait 15 minutes": nobody is locked out for the window.
    assert "minute" not in slowed
