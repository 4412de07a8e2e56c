"""Sign out (a form the browser posts to the server) ends the session: the browser is
on the sign-in page, the cookie is cleared, the back button shows nothing private, and
the old cookie value signs nobody in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import ready, seed, session_cookies

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology

NAME = "Bakkerij Geheim"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/?$"))
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


def on_sign_in_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/sign-in/?(\?next=[^/]*)?$"))
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)


def test_sign_out_leaves_nothing_private_behind_the_back_button(page: Page):
    # A seeded draft has no completed step: its link opens the Customer step (a
    # "next:gateway" one would be sent back there by the Gateway's load, a race).
    (account_id,) = seed([(NAME, "geheim.example", "next:customer")])
    page.goto("/")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    ready(page)
    expect(page.get_by_label("Customer name", exact=True)).to_have_value(NAME)

    sign_out(page)
    expect(page.get_by_text("Anna de Vries")).to_have_count(0)

    page.go_back()
    on_sign_in_page(page)
    expect(page.get_by_text(NAME)).to_have_count(0)
    expect(page.get_by_text(account_id)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.go_back()
    on_sign_in_page(page)
    expect(page.get_by_text(NAME)).to_have_count(0)


def test_after_sign_out_the_pages_send_the_browser_to_sign_in(page: Page):
    (account_id,) = seed([(NAME, "geheim.example", "next:gateway")])
    page.goto("/")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    sign_out(page)
    for url in (
        "/",
        f"/customers/{account_id}/customer",
        f"/customers/{account_id}/gateway",
        "/customers/new",
        "/account",
    ):
        page.goto(url)
        on_sign_in_page(page)
        expect(page.get_by_text(NAME)).to_have_count(0)


def test_the_old_cookie_value_does_not_sign_in(page: Page, browser: Browser, app_harness):
    seed([(NAME, "geheim.example", "next:gateway")])
    page.goto("/")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    (cookie,) = session_cookies(page.context)
    sign_out(page)
    # The server cleared it: the browser holds no session cookie any more.
    assert session_cookies(page.context) == []

    context = browser.new_context(base_url=app_harness.frontend_url)
    try:
        context.add_cookies(
            [
                {
                    "name": cookie["name"],
                    "value": cookie["value"],
                    "domain": cookie["domain"],
                    "path": "/",
                    "httpOnly": True,
                    "secure": cookie["secure"],
                    "sameSite": "Strict",
                }
            ]
        )
        other = context.new_page()
        other.goto("/")
        on_sign_in_page(other)
        expect(other.get_by_text(NAME)).to_have_count(0)
        expect(other.get_by_role("button", name="Sign out")).to_have_count(0)
    finally:
        context.close()
