"""Real accounts in the browser: a user added with the accounts tool sets a password
through the printed link and signs in; a signed-in user changes their password and
signs in with the new one; axe finds nothing on the two new pages."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from cloudlink_app import routes, settings
from cloudlink_app.accounts import main
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.services import password_changes, password_links
from cloudlink_app.services.database import get_session
from tests.support.browser import axe_violations, field, ready

PASSWORD = "tulip orbit kettle 42"
NEW_PASSWORD = "another fine passphrase"
LINK = re.compile(r"https?://\S+/auth/link\?token=[A-Za-z0-9_-]+")


@pytest.fixture
def new_page(app_harness, browser: Browser, clean_customers) -> Page:
    """A tab of a new browser context, with no session."""
    context = browser.new_context(base_url=app_harness.frontend_url)
    yield context.new_page()
    context.close()


def add_user_with_the_tool(capsys, app_harness) -> tuple[str, str]:
    """A new partner user added by `python -m cloudlink_app.accounts` (in-process, on
    the app's database); their email and the link's path and query."""
    email = f"kim.{uuid.uuid4().hex[:8]}@northwind-telecom.example"
    with settings.override(deploy_url=app_harness.frontend_url):
        code = main(
            [
                "add-partner-user",
                "--email",
                email,
                "--name",
                "Kim Jansen",
                "--partner",
                demo_accounts.DEMO_PARTNER_NAME,
            ]
        )
    out = capsys.readouterr().out
    assert code == 0, out
    url = urlsplit(LINK.search(out).group(0))
    return email, f"{url.path}?{url.query}"


def add_user_with_a_password(capsys, app_harness) -> str:
    email, link = add_user_with_the_tool(capsys, app_harness)
    token = link.split("token=", 1)[1]
    with get_session() as session:
        token_hash = password_links.hash_of(token)
        assert password_changes.set_password_with_link(session, token_hash, PASSWORD, PASSWORD).done
    return email


def open_link(page: Page, link: str) -> None:
    """Open the link (the backend's endpoint), which goes on to the Set password page."""
    page.goto(link)
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    ready(page)


def sign_in(page: Page, email: str, password: str) -> None:
    field(page, "Email address").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_change_password(page: Page) -> None:
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    ready(page)


def test_a_new_user_sets_a_password_through_the_link_and_signs_in(
    new_page: Page, capsys, app_harness
):
    page = new_page
    email, link = add_user_with_the_tool(capsys, app_harness)
    open_link(page, link)
    # The page never shows the token back, nor has it in its address.
    token = link.split("token=", 1)[1]
    assert token not in page.locator("main").inner_html()
    assert token not in page.url
    field(page, "New password").fill(PASSWORD)
    field(page, "Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()

    expect(page).to_have_url(re.compile(r"/sign-in/?\?password=set$"))
    expect(page.get_by_text("Your password is set")).to_be_visible()
    ready(page)
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    expect(page.get_by_text("Kim Jansen")).to_be_visible()

    # The link works once.
    page.context.clear_cookies()
    open_link(page, link)
    expect(page.locator("#link-error")).to_contain_text("not valid")
    expect(field(page, "New password")).to_have_count(0)


def test_a_password_against_the_policy_is_explained(new_page: Page, capsys, app_harness):
    page = new_page
    _, link = add_user_with_the_tool(capsys, app_harness)
    open_link(page, link)
    field(page, "New password").fill("password1234")
    field(page, "Confirm password").fill("password12345")
    page.get_by_role("button", name="Set password").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("commonly used password")
    expect(summary).to_contain_text("Confirm password must be the same")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(field(page, "New password")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []


def test_change_password_then_sign_in_with_the_new_one(new_page: Page, capsys, app_harness):
    page = new_page
    email = add_user_with_a_password(capsys, app_harness)
    page.goto("/sign-in")
    ready(page)
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()

    open_change_password(page)
    field(page, "Current password").fill("not-the-password")
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#error-summary")).to_contain_text("Current password is not correct")
    expect(page.locator("#error-summary")).to_be_focused()

    field(page, "Current password").fill(PASSWORD)
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-changed")).to_contain_text("Your password is changed")
    expect(page.locator("#error-summary")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)
    sign_in(page, email, PASSWORD)
    expect(page.locator("#sign-in-error")).to_be_visible()
    sign_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()


def test_the_set_password_page_has_no_violations(new_page: Page, capsys, app_harness):
    _, link = add_user_with_the_tool(capsys, app_harness)
    open_link(new_page, link)
    assert axe_violations(new_page) == []


def test_the_invalid_link_page_has_no_violations(new_page: Page):
    new_page.goto(f"{routes.AUTH_LINK}?token=made-up")
    expect(new_page.locator("#link-error")).to_be_visible()
    expect(new_page).to_have_title(re.compile(r"^Error: "))
    assert axe_violations(new_page) == []


def test_the_change_password_page_has_no_violations(new_page: Page, capsys, app_harness):
    page = new_page
    email = add_user_with_a_password(capsys, app_harness)
    page.goto("/sign-in")
    ready(page)
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    open_change_password(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert axe_violations(page) == []
