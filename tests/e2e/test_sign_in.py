"""Signing in, as a person does it: by the labels "Email address" and "Password" and
the button "Sign in"; the clear message for a wrong password or an unknown email (the
same text: it never tells whether an account exists); back to the page asked for; the
demo accounts listed in demo mode only; no axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from tests.support.browser import axe_violations, field, ready

FAILED = "Enter a correct email address and password"
ANNA = demo_accounts.DEMO_PARTNER_EMAIL


def open_sign_in(page: Page, url: str = "/sign-in") -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)


def sign_in(page: Page, email: str, password: str) -> None:
    field(page, "Email address").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize(
    ("email", "password"),
    [(ANNA, "not-the-password"), ("nobody@northwind-telecom.example", demo_accounts.DEMO_PASSWORD)],
    ids=["wrong password", "unknown email"],
)
@pytest.mark.topology
def test_a_failed_sign_in_shows_one_clear_message(signed_out_page: Page, email, password):
    page = signed_out_page
    open_sign_in(page)
    sign_in(page, email, password)
    error = page.locator("#sign-in-error")
    expect(error).to_contain_text(FAILED)
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    # The server sent the browser back, with the reason (never what was typed).
    expect(page).to_have_url(re.compile(r"/sign-in/?\?error=failed$"))
    assert email not in page.url
    # The fields point at the message.
    expect(field(page, "Email address")).to_have_attribute("aria-describedby", "sign-in-error")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


@pytest.mark.topology
def test_the_two_failures_read_exactly_the_same(signed_out_page: Page):
    page = signed_out_page
    open_sign_in(page)
    sign_in(page, ANNA, "not-the-password")
    expect(page.locator("#sign-in-error")).to_contain_text(FAILED)
    wrong_password = page.locator("#sign-in-error").inner_text()
    open_sign_in(page)
    sign_in(page, "nobody@northwind-telecom.example", "not-the-password")
    expect(page.locator("#sign-in-error")).to_contain_text(FAILED)
    assert page.locator("#sign-in-error").inner_text() == wrong_password


@pytest.mark.topology
def test_a_page_without_a_session_signs_in_and_returns_there(signed_out_page: Page):
    page = signed_out_page
    page.goto("/customers/new")
    expect(page).to_have_url(re.compile(r"/sign-in/?\?next=%2Fcustomers%2Fnew(%2F)?$"))
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)
    sign_in(page, ANNA, demo_accounts.DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/customers/new/?$"))
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    expect(page.get_by_text("Anna de Vries")).to_be_visible()


@pytest.mark.topology
def test_a_partner_user_lands_on_the_dashboard(signed_out_page: Page):
    page = signed_out_page
    open_sign_in(page)
    sign_in(page, ANNA, demo_accounts.DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.topology
def test_a_crafted_next_stays_on_the_site(signed_out_page: Page, app_harness):
    page = signed_out_page
    open_sign_in(page, "/sign-in?next=%2F%2Fevil.example%2Fcustomers%2Fnew")
    sign_in(page, ANNA, demo_accounts.DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    assert page.url.startswith(app_harness.frontend_url)


@pytest.fixture
def demo_mode():
    """Demo mode for one test (the app's backend runs in this process)."""
    with settings.override(demo_mode=True):
        yield


def test_demo_mode_lists_the_demo_accounts_and_the_password(signed_out_page: Page, demo_mode):
    page = signed_out_page
    open_sign_in(page)
    demo = page.get_by_role("region", name="Demo accounts")
    expect(demo).to_contain_text(demo_accounts.DEMO_PASSWORD)
    for account in demo_accounts.DEMO_ACCOUNTS:
        expect(demo.get_by_role("row").filter(has_text=account.email)).to_contain_text(
            account.display_name
        )
    # Listed, not typed in for the user.
    expect(field(page, "Email address")).to_have_value("")
    expect(field(page, "Password")).to_have_value("")


@pytest.mark.parametrize("value", [None, "0"])
def test_outside_demo_mode_nothing_is_listed_or_filled_in(signed_out_page: Page, value):
    page = signed_out_page
    with settings.override(demo_mode=settings.parse_bool("CLOUDLINK_DEMO_MODE", value)):
        open_sign_in(page)
        expect(page.get_by_role("region", name="Demo accounts")).to_have_count(0)
        expect(page.get_by_text(demo_accounts.DEMO_PASSWORD)).to_have_count(0)
        expect(page.get_by_text(ANNA)).to_have_count(0)
        expect(field(page, "Email address")).to_have_value("")
        expect(field(page, "Password")).to_have_value("")


@pytest.mark.topology
def test_the_empty_sign_in_page_has_no_violations(signed_out_page: Page):
    open_sign_in(signed_out_page)
    assert axe_violations(signed_out_page) == []


@pytest.mark.topology
def test_the_sign_in_page_after_a_failure_has_no_violations(signed_out_page: Page):
    page = signed_out_page
    open_sign_in(page)
    sign_in(page, ANNA, "not-the-password")
    expect(page.locator("#sign-in-error")).to_be_focused()
    assert axe_violations(page) == []


def test_the_sign_in_page_in_demo_mode_has_no_violations(signed_out_page: Page, demo_mode):
    open_sign_in(signed_out_page)
    expect(signed_out_page.get_by_role("region", name="Demo accounts")).to_be_visible()
    assert axe_violations(signed_out_page) == []
