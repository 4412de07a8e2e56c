"""The per-account limit of signing in (services/signing_in.py, domain/throttle.py
ACCOUNT_LIMIT): failures for one account from any number of addresses slow that
account down, an unknown email exactly as an account, and a browser that signed in to
the account before (services/known_devices.py) is not slowed by them; it still waits
for its own address and its password is always checked.

Through the real HTTP endpoint, with forwarded addresses: tests/unit/http/
test_known_device_cookie.py. The email to the user: test_sign_in_alerts.py."""

from __future__ import annotations

import datetime

import pytest
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import AppUser, SignInAttempt
from cloudlink_app.services import password_changes, password_hashing, signing_in

NOW = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)
ANNA = demo_accounts.DEMO_PARTNER_EMAIL
JEROEN = "jeroen.bakker@northwind-telecom.example"
NOBODY = "nobody@northwind-telecom.example"
PASSWORD = demo_accounts.DEMO_PASSWORD
HOME = "192.0.2.10"  # Anna's own browser
# The attacker's addresses: 60 of them, none used twice in a row.
ATTACKERS = [f"198.51.100.{n}" for n in range(1, 61)]
FAILED = signing_in.SignInResult(token=None, user=None, throttled=False)


@pytest.fixture(autouse=True)
def demo_mode():
    """The demo accounts sign in only in demo mode."""
    with settings.override(demo_mode=True):
        yield


def at(seconds: float) -> datetime.datetime:
    return NOW + datetime.timedelta(seconds=seconds)


def sign_in(database, email, password, address, now, device=None) -> signing_in.SignInResult:
    with Session(database) as session:
        return signing_in.sign_in(session, email, password, address, now=now, known_device=device)


def known_browser(database, email=ANNA) -> str:
    """The known-device cookie of Anna's browser, which signed in a day ago."""
    result = sign_in(database, email, PASSWORD, HOME, at(-86400))
    assert result.ok and result.known_device
    return result.known_device


def add_failures(database, count, email, at_moment=NOW):
    """``count`` failures for ``email``, each from another attacker's address."""
    with Session(database) as session:
        for index in range(count):
            address = ATTACKERS[index % len(ATTACKERS)]
            session.add(SignInAttempt(email=email, address=address, attempted_at=at_moment))
        session.commit()


def checked(database, email) -> int:
    with Session(database) as session:
        return len(session.exec(select(SignInAttempt).where(SignInAttempt.email == email)).all())


def test_the_numbers_are_the_documented_ones():
    assert datetime.timedelta(hours=6) == signing_in.ACCOUNT_WINDOW
    assert (
        signing_in.ACCOUNT_LIMIT.free,
        signing_in.ACCOUNT_LIMIT.first_delay,
        signing_in.ACCOUNT_LIMIT.max_delay,
    ) == (10, 1.0, 900.0)


def test_ten_failures_from_ten_addresses_slow_the_account_down(database, demo_users, monkeypatch):
    for index in range(10):
        assert sign_in(database, ANNA, f"guess {index}", ATTACKERS[index], at(index)) == FAILED
    # None of those addresses has reached a limit of its own, and neither has the 11th.
    verified = []
    real_verify = password_hashing.verify_password
    monkeypatch.setattr(
        password_hashing, "verify_password", lambda h, p: verified.append(p) or real_verify(h, p)
    )
    result = sign_in(database, ANNA, PASSWORD, ATTACKERS[10], at(9.25))
    assert result.throttled and result.retry_after == 0.75
    assert verified == []  # not even checked
    assert checked(database, ANNA) == 10  # and not counted
    # After the wait, the right password works from anywhere.
    assert sign_in(database, ANNA, PASSWORD, ATTACKERS[11], at(10)).ok


def test_sixty_addresses_get_a_few_guesses_an_hour(database, demo_users):
    """Sixty addresses take turns guessing Anna's password for two hours, each
    attempt as soon as the account lets one be checked: about 22 checked in the first
    hour, 4 in the second; Anna's known browser signs in at once all along."""
    device = known_browser(database)
    moment, turn, checked_at = 0.0, 0, []
    while moment < 7200:
        address = ATTACKERS[turn % len(ATTACKERS)]
        result = sign_in(database, ANNA, f"guess {turn}", address, at(moment))
        turn += 1
        if result.throttled:
            moment += result.retry_after
            continue
        assert result == FAILED
        checked_at.append(moment)
        if len(checked_at) % 10 == 0:  # meanwhile, now and then
            assert sign_in(database, ANNA, PASSWORD, HOME, at(moment), device).ok
    first_hour = [m for m in checked_at if m < 3600]
    second_hour = [m for m in checked_at if m >= 3600]
    assert len(first_hour) <= 22 and len(second_hour) <= 5, (len(first_hour), len(second_hour))
    # A second after the last guess: a new browser waits, Anna's known one does not.
    assert sign_in(database, ANNA, PASSWORD, "203.0.113.99", at(checked_at[-1] + 1)).throttled
    assert sign_in(database, ANNA, PASSWORD, HOME, at(checked_at[-1] + 1), device).ok


def test_an_unknown_email_is_slowed_down_exactly_as_an_account(database, demo_users):
    answers = {}
    for email, start in ((ANNA, 0), (NOBODY, 1000)):
        for index in range(11):
            result = sign_in(database, email, "guess", ATTACKERS[index], at(start + index * 10))
            assert result == FAILED, (email, index)
        answers[email] = sign_in(database, email, PASSWORD, ATTACKERS[20], at(start + 101))
    assert answers[ANNA] == answers[NOBODY]
    assert answers[NOBODY].throttled and answers[NOBODY].retry_after == 1.0


def test_a_known_browser_is_not_slowed_by_the_accounts_failures(database, demo_users):
    device = known_browser(database)
    add_failures(database, 50, ANNA)
    assert sign_in(database, ANNA, PASSWORD, "203.0.113.5", at(1)).throttled  # a new browser
    result = sign_in(database, ANNA, PASSWORD, HOME, at(1), device)
    assert result.ok and result.user.email == ANNA
    # On the road, from another address, the same browser too.
    assert sign_in(database, ANNA, PASSWORD, "203.0.113.6", at(2), device).ok


def test_a_known_browser_still_waits_for_its_own_address(database, demo_users):
    device = known_browser(database)
    with Session(database) as session:
        for _ in range(signing_in.ADDRESS_LIMIT.free):
            session.add(SignInAttempt(email="guess@example.com", address=HOME, attempted_at=NOW))
        session.commit()
    assert sign_in(database, ANNA, PASSWORD, HOME, at(0.5), device).throttled
    assert sign_in(database, ANNA, PASSWORD, HOME, at(1), device).ok


def test_a_known_browser_never_skips_the_password_check(database, demo_users):
    device = known_browser(database)
    add_failures(database, 50, ANNA)
    assert sign_in(database, ANNA, "not the password", HOME, at(1), device) == FAILED
    assert checked(database, ANNA) == 51  # counted like any other


def test_a_browser_known_to_another_account_is_slowed_down(database, demo_users):
    device = known_browser(database, JEROEN)
    add_failures(database, 50, ANNA)
    assert sign_in(database, ANNA, PASSWORD, HOME, at(1), device).throttled


@pytest.mark.parametrize("how", ["forged", "expired", "password changed"])
def test_a_cookie_that_does_not_count_is_slowed_down(database, demo_users, how):
    device = known_browser(database)
    now = at(1)
    if how == "forged":
        user_id, issued, mac = device.split(".")
        device = f"{user_id}.{int(issued) + 60}.{mac}"
    elif how == "expired":
        now = at(-86400) + signing_in.known_devices.LIFETIME
    else:
        with Session(database) as session:
            outcome = password_changes.change_password(
                session,
                demo_users[ANNA],
                PASSWORD,
                "a new and long passphrase",
                "a new and long passphrase",
                keep_session_id=None,
                now=at(-3600),
            )
            assert outcome.done
    add_failures(database, 50, ANNA, now)
    password = PASSWORD if how != "password changed" else "a new and long passphrase"
    assert sign_in(database, ANNA, password, HOME, now, device).throttled


def test_a_successful_sign_in_renews_the_cookie(database, demo_users):
    device = known_browser(database)
    result = sign_in(database, ANNA, PASSWORD, HOME, at(0), device)
    assert result.ok and result.known_device and result.known_device != device
    issued = int(result.known_device.split(".")[1])
    assert issued == int(at(0).timestamp())


def test_failed_sign_ins_give_no_cookie(database, demo_users):
    assert sign_in(database, ANNA, "wrong", HOME, at(0)).known_device is None
    add_failures(database, 50, ANNA)
    assert sign_in(database, ANNA, PASSWORD, HOME, at(1)).known_device is None


def test_the_account_wait_counts_failures_of_the_last_six_hours(database, demo_users):
    add_failures(database, 20, ANNA, at(-6 * 3600))  # just out of the window
    assert sign_in(database, ANNA, PASSWORD, HOME, at(0)).ok
    add_failures(database, 11, ANNA, at(-5 * 3600))  # in it: waits of 2 s are long over
    with Session(database) as session:
        assert signing_in.account_wait(session, ANNA, at(0)) == 0
    add_failures(database, 1, ANNA, at(0))  # the 12th in the window: 4 s
    with Session(database) as session:
        assert signing_in.account_wait(session, ANNA, at(1)) == 3


def test_the_change_password_page_is_not_held_up_by_the_accounts_failures(database, demo_users):
    """A signed-in user (the alert tells them to change their password) is not kept
    waiting by failures from elsewhere: the page keeps the per-address limits only."""
    add_failures(database, 50, ANNA)
    with Session(database) as session:
        outcome = password_changes.change_password(
            session,
            demo_users[ANNA],
            PASSWORD,
            "a new and long passphrase",
            "a new and long passphrase",
            keep_session_id=None,
            address=HOME,
            now=at(1),
        )
    assert outcome.done
    with Session(database) as session:
        anna = session.exec(select(AppUser).where(col(AppUser.email) == ANNA)).one()
        assert password_hashing.verify_password(anna.password_hash, "a new and long passphrase")
