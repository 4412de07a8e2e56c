"""The language switch in the browser, as a person uses it: the buttons "Nederlands"
and "English" in the header of every page (a group named in both languages), the
page re-worded in place (headings, buttons, the title, the html element's lang),
what was typed and the errors shown kept across a switch, a Dutch user's pages in
Dutch after signing in, and no axe violations in Dutch."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser
from cloudlink_app.services.database import get_session
from tests.support.browser import axe_violations, field, ready

SWITCH = "Taal / Language"


@pytest.fixture(autouse=True)
def no_saved_languages(app_harness):
    """No user has a saved UI language before or after the test."""

    def clear() -> None:
        with get_session() as session:
            session.execute(sa.update(AppUser).values(ui_language=None))
            session.commit()

    clear()
    yield
    clear()


def switch_to(page: Page, name: str) -> None:
    page.get_by_role("navigation", name=SWITCH).get_by_role("button", name=name).click()


def expect_switch(page: Page, current: str) -> None:
    """The switch announces the current language (aria-pressed), each button in its
    own language."""
    nav = page.get_by_role("navigation", name=SWITCH)
    for name, lang in (("Nederlands", "nl"), ("English", "en")):
        button = nav.get_by_role("button", name=name, exact=True)
        expect(button).to_have_attribute("lang", lang)
        expect(button).to_have_attribute("aria-pressed", "true" if lang == current else "false")


def test_the_sign_in_page_switches_to_dutch_in_place(signed_out_page: Page):
    page = signed_out_page
    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)
    field(page, "Email address").fill("typed@example.nl")
    expect_switch(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_to(page, "Nederlands")

    expect(page.get_by_role("heading", name=t("sign_in.heading", "nl"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=t("sign_in.button", "nl"), exact=True)).to_be_visible()
    expect(field(page, t("sign_in.email", "nl"))).to_have_value("typed@example.nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_title(t("title.sign_in", "nl"))
    expect_switch(page, "nl")
    assert axe_violations(page) == []

    # The browser remembers it: a reload opens in Dutch.
    page.reload()
    ready(page)
    expect(page.get_by_role("heading", name=t("sign_in.heading", "nl"), exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_the_switch_is_keyboard_usable(signed_out_page: Page):
    page = signed_out_page
    page.goto("/sign-in")
    ready(page)
    button = page.get_by_role("button", name="Nederlands", exact=True)
    button.focus()
    expect(button).to_be_focused()
    box = button.bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect_switch(page, "nl")


def test_a_dutch_user_sees_the_dashboard_in_dutch(page: Page):
    with get_session() as session:
        session.execute(
            sa.update(AppUser)
            .where(AppUser.email == demo_accounts.DEMO_PARTNER_EMAIL)
            .values(ui_language="nl")
        )
        session.commit()
    page.goto("/")
    expect(page.get_by_role("heading", name="Partnerdashboard", exact=True)).to_be_visible()
    ready(page)
    expect(page.get_by_role("button", name=t("dashboard.create", "nl"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_title(t("title.dashboard", "nl"))
    expect_switch(page, "nl")


def test_switching_mid_form_keeps_input_and_errors(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    ready(page)
    switch_to(page, "Nederlands")
    expect(page.get_by_role("heading", name="Partnerdashboard", exact=True)).to_be_visible()
    page.get_by_role("button", name=t("dashboard.create", "nl")).click()
    expect(
        page.get_by_role("heading", name=t("customer.heading", "nl"), exact=True)
    ).to_be_visible()
    ready(page)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert axe_violations(page) == []

    field(page, t("label.customer_name", "nl")).fill("Bakkerij Jansen")
    field(page, t("admins.first_name", "nl", n=1)).fill("Sanne")
    field(page, t("admins.first_name", "nl", n=1)).blur()
    page.get_by_role("button", name="Volgende", exact=True).click()
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(page).to_have_title(t("title.error_prefix", "nl") + t("title.customer_step", "nl"))
    links = summary.get_by_role("link")
    count = links.count()
    assert count > 0
    dutch = links.all_inner_texts()
    inline = page.locator(".error-message").count()
    assert axe_violations(page) == []

    switch_to(page, "English")

    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    expect(summary.get_by_role("heading", name=t("summary.heading", "en"))).to_be_visible()
    expect(field(page, "Customer name")).to_have_value("Bakkerij Jansen")
    expect(field(page, "Admin contact 1: First name")).to_have_value("Sanne")
    expect(links).to_have_count(count)
    expect(page.locator(".error-message")).to_have_count(inline)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(t("title.error_prefix", "en") + t("title.customer_step", "en"))
    # The errors re-worded: the state keeps them as keys.
    assert links.all_inner_texts() != dutch
    expect(summary).to_contain_text(t("default_language.required", "en"))
    expect_switch(page, "en")
