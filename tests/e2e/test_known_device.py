"""The known-device cookie as Chromium handles it: the browser keeps what the sign-in
endpoint sets (HttpOnly, SameSite=Strict, Secure with the __Host- prefix outside demo
mode, for 180 days), keeps it after signing out, and sends it with the sign-in form's
post to the backend, so that while Anna's account is under attack from many addresses
her own browser signs her in at once and a new browser is told to wait."""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page, expect

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import SignInAttempt, utc_now
from cloudlink_app.services.database import get_session
from tests.support.browser import field, ready

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
THROTTLED = "Too many attempts. Try again in a moment."


def sign_in_by_form(page: Page) -> None:
    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)
    field(page, "Email address").fill(ANNA)
    field(page, "Password").fill(demo_accounts.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def device_cookie(context: BrowserContext) -> dict:
    (cookie,) = [c for c in context.cookies() if c["name"].endswith("cloudlink_device")]
    return cookie


@pytest.fixture
def attack_on_anna(app_harness):
    """Thirty failures for Anna in the last minute, each from another address: her
    account's wait (domain/throttle.py ACCOUNT_LIMIT) runs for many minutes."""
    started = utc_now() - datetime.timedelta(minutes=1)

    def attack() -> None:
        with get_session() as session:
            for n in range(30):
                session.add(
                    SignInAttempt(email=ANNA, address=f"198.51.100.{n}", attempted_at=started)
                )
            session.commit()

    yield attack
    with get_session() as session:
        session.execute(sa.delete(SignInAttempt).where(SignInAttempt.email == ANNA))
        session.commit()


def test_annas_own_browser_signs_in_while_her_account_is_attacked(
    app_harness, browser, clean_customers, attack_on_anna
):
    with settings.override(demo_mode=False):
        own = browser.new_context(base_url=app_harness.frontend_url)
        new = browser.new_context(base_url=app_harness.frontend_url)
        try:
            page = own.new_page()
            sign_in_by_form(page)
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            cookie = device_cookie(own)
            assert (cookie["name"], cookie["secure"]) == ("__Host-cloudlink_device", True)
            assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
            assert cookie["path"] == "/"
            days = (cookie["expires"] - utc_now().timestamp()) / 86400
            assert 179.9 < days <= 180
            assert cookie["value"] not in page.evaluate("document.cookie")
            ready(page)
            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
            assert device_cookie(own)["value"] == cookie["value"]  # kept

            attack_on_anna()

            # A browser Anna never signed in with: the right password waits.
            other = new.new_page()
            sign_in_by_form(other)
            expect(other.locator("#sign-in-error")).to_contain_text(THROTTLED)
            expect(other.get_by_role("button", name="Sign out")).to_have_count(0)

            # Her own browser sends its cookie with the form and is in at once.
            sign_in_by_form(page)
            expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
            assert device_cookie(own)["value"] != cookie["value"]  # renewed
        finally:
            own.close()
            new.close()
