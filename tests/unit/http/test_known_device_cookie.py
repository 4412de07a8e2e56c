"""The known-device cookie through the real sign-in endpoint (cloudlink_app/http): set on
a successful sign-in only, HttpOnly, SameSite=Strict, Secure with the __Host- prefix
outside demo mode, for 180 days; never handed to Reflex; and what it is for: while many
addresses (behind a trusted proxy, each its own X-Forwarded-For) fail against one
account, a new browser with the right password waits and the browser that signed in
before signs in at once.

The rules behind it: tests/unit/services/test_known_devices.py and
test_sign_in_account_limit.py."""

from __future__ import annotations

import datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.http import cookies
from cloudlink_app.models import OutboxMessage, SignInAttempt, utc_now
from cloudlink_app.services import known_devices, sign_in_alerts, signing_in
from tests.support.backend import PAGES, backend, post_sign_in, seen_headers

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
PASSWORD = demo_accounts.DEMO_PASSWORD
DEVICE = "__Host-cloudlink_device"
SESSION = "__Host-cloudlink_session"
# The attack: sixty addresses, each its own client behind the one trusted proxy.
ATTACKERS = [f"198.51.100.{n}" for n in range(1, 61)]


def set_cookies(response) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookie.load(header)
    return cookie


def outcome(response) -> str:
    """Where the endpoint sent the browser: "signed in", or the sign-in page's error."""
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    if location.path != routes.SIGN_IN:
        return "signed in"
    return parse_qs(location.query)[routes.SIGN_IN_ERROR_QUERY][0]


def from_address(address: str) -> dict:
    return {"headers": {"origin": PAGES, "x-forwarded-for": address}}


@pytest.mark.parametrize("demo", [False, True], ids=["production", "demo mode"])
def test_a_sign_in_sets_the_cookie_httponly_strict_and_long_lived(database, demo_users, demo):
    with settings.override(demo_mode=demo):
        response = post_sign_in(backend(), ANNA, PASSWORD)
    assert outcome(response) == "signed in"
    name = "cloudlink_device" if demo else DEVICE
    morsel = set_cookies(response)[name]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "strict"
    assert morsel["path"] == "/"
    assert morsel["secure"] == ("" if demo else True)
    assert int(morsel["max-age"]) == 180 * 24 * 3600 == known_devices.LIFETIME.total_seconds()
    assert morsel.value.startswith(f"{demo_users[ANNA]}.")


def test_no_cookie_for_a_failed_sign_in(database, demo_users):
    response = post_sign_in(backend(), ANNA, "not the password")
    assert outcome(response) == routes.SIGN_IN_FAILED
    assert DEVICE not in set_cookies(response)


def test_the_cookie_never_reaches_reflex(database, demo_users):
    browser = backend()
    assert outcome(post_sign_in(browser, ANNA, PASSWORD)) == "signed in"
    device = browser.cookies.get(DEVICE)
    assert device
    headers = seen_headers(browser)  # the websocket's request, with both cookies
    assert "cookie" not in headers
    assert device not in repr(headers)


def test_sixty_addresses_cannot_keep_anna_out_of_her_own_browser(database, demo_users):
    """The attack has gone on for an hour (14 failures from 14 other addresses); now
    sixty addresses try once each through the endpoint, behind one trusted proxy. Only
    the first is checked (the account's 15th failure: a wait of 32 s starts), the other
    59 wait; a new browser with the right password waits too; Anna's browser, which
    signed in yesterday, signs in at once; and Anna got one email."""
    anna = backend()
    with settings.override(trusted_proxy_hops=1):
        assert outcome(post_sign_in(anna, ANNA, PASSWORD, **from_address("192.0.2.10"))) == (
            "signed in"
        )
    an_hour_ago = utc_now() - datetime.timedelta(hours=1)
    with Session(database) as session:
        for n in range(14):
            session.add(
                SignInAttempt(email=ANNA, address=f"203.0.113.{n + 1}", attempted_at=an_hour_ago)
            )
        session.commit()

    with settings.override(trusted_proxy_hops=1):
        answers = [
            outcome(post_sign_in(backend(), ANNA, f"guess {n}", **from_address(address)))
            for n, address in enumerate(ATTACKERS)
        ]
        new_browser = post_sign_in(backend(), ANNA, PASSWORD, **from_address("203.0.113.200"))
        own_browser = post_sign_in(anna, ANNA, PASSWORD, **from_address("192.0.2.77"))

    assert answers == [routes.SIGN_IN_FAILED] + [routes.SIGN_IN_THROTTLED] * 59
    with Session(database) as session:
        counted = session.exec(select(SignInAttempt.address).where(SignInAttempt.email == ANNA))
        assert sorted(counted.all()) == sorted(
            [f"203.0.113.{n + 1}" for n in range(14)] + [ATTACKERS[0]]
        )
        alerted = session.exec(
            select(OutboxMessage.to_address).where(OutboxMessage.kind == sign_in_alerts.KIND)
        ).all()
    assert outcome(new_browser) == routes.SIGN_IN_THROTTLED
    assert SESSION not in set_cookies(new_browser)
    assert outcome(own_browser) == "signed in"
    assert set_cookies(own_browser)[SESSION].value
    assert alerted == [ANNA]


def test_the_endpoint_reads_the_cookie_of_the_current_mode(database, demo_users, monkeypatch):
    seen = []

    async def record(email, password, address, known_device=None):
        seen.append(known_device)
        return signing_in.SignInResult(token=None, user=None, throttled=False)

    monkeypatch.setattr(signing_in, "sign_in_async", record)
    both = {DEVICE: "1.2.abc", "cloudlink_device": "3.4.def"}
    post_sign_in(backend(), ANNA, PASSWORD, cookies=both)
    with settings.override(demo_mode=True):
        post_sign_in(backend(), ANNA, PASSWORD, cookies=both)
    assert seen == ["1.2.abc", "3.4.def"]
    assert cookies.device_cookie_name() == DEVICE
