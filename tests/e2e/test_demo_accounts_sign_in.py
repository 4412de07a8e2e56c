"""Demo accounts in the browser: with demo mode off, a demo account typed into the
sign-in page with its (public) password gets the same message as a wrong password and
stays signed out; in demo mode it signs in. The demo partners are marked as the demo
data marks them for each test (the suite's fixtures unmark them)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from reflex.model import get_engine

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from tests.support.browser import field, ready
from tests.support.database import set_demo_partners

FAILED = "Enter a correct email address and password"
ANNA = demo_accounts.DEMO_PARTNER_EMAIL


@pytest.fixture
def demo_partners(clean_customers):
    """The demo accounts' partners marked as demo partners, for one test."""
    set_demo_partners(get_engine(), demo=True)
    yield
    set_demo_partners(get_engine(), demo=False)


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)
    field(page, "Email address").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_with_demo_mode_off_a_demo_account_cannot_sign_in(signed_out_page: Page, demo_partners):
    page = signed_out_page
    with settings.override(demo_mode=False):
        sign_in(page, ANNA, "not-the-password")
        expect(page.locator("#sign-in-error")).to_contain_text(FAILED)
        wrong_password = page.locator("#sign-in-error").inner_text()
        sign_in(page, ANNA, demo_accounts.DEMO_PASSWORD)
        expect(page.locator("#sign-in-error")).to_contain_text(FAILED)
        assert page.locator("#sign-in-error").inner_text() == wrong_password
        expect(page).to_have_url(re.compile(r"/sign-in/?(\?.*)?$"))
        # Still signed out: a page that needs a session sends the browser back.
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/sign-in/?(\?.*)?$"))
        expect(page.get_by_role("heading", name="Partner dashboard")).to_have_count(0)


def test_in_demo_mode_a_demo_account_signs_in(signed_out_page: Page, demo_partners):
    page = signed_out_page
    with settings.override(demo_mode=True):
        sign_in(page, ANNA, demo_accounts.DEMO_PASSWORD)
        expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
