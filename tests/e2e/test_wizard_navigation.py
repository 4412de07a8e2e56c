"""Back keeps what was typed; Change from Review comes back; deep links are guarded."""

import re

from playwright.sync_api import Page, expect

from tests.support.browser import create_customer, field, fill_gateway, next_to


def test_back_keeps_typed_input(page: Page):
    account_id = create_customer(page, "Back And Forth BV")
    field(page, "Site name").fill("Warehouse")
    field(page, "Deployment type").select_option("va")
    field(page, "System ID").fill("VA-0042")
    field(page, "System ID").blur()
    page.get_by_role("button", name="Back").click()
    expect(page).to_have_url(re.compile(f"/customers/{account_id}/customer$"))
    expect(field(page, "Customer name")).to_have_value("Back And Forth BV")

    next_to(page, "Gateway")
    expect(field(page, "Site name")).to_have_value("Warehouse")
    expect(field(page, "Deployment type")).to_have_value("va")
    expect(field(page, "System ID")).to_have_value("VA-0042")


def test_change_link_returns_to_review(page: Page, pbx_listener):
    create_customer(page, "Change Me BV")
    fill_gateway(page, "smbc", "SMBC-1000")
    next_to(page, "Sync")
    field(page, "System address").fill("127.0.0.1")
    field(page, "Port").fill(str(pbx_listener))
    field(page, "Port").blur()
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text(re.compile("Connected to"))).to_be_visible()
    page.get_by_role("button", name="Start synchronisation").click()
    expect(page.get_by_text(re.compile("Synchronisation started at"))).to_be_visible()
    next_to(page, "Review")

    page.get_by_role("link", name="Change Gateway").click()
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()
    field(page, "Site name").fill("Renamed site")
    field(page, "Site name").blur()
    next_to(page, "Review")
    expect(page.get_by_text("Renamed site")).to_be_visible()

    page.get_by_role("link", name="Change Customer").click()
    field(page, "City").fill("Amersfoort")
    field(page, "City").blur()
    next_to(page, "Review")
    expect(page.get_by_text(re.compile("Amersfoort"))).to_be_visible()


def test_deep_link_to_a_later_step_goes_to_the_first_incomplete(page: Page):
    account_id = create_customer(page, "Deep Link BV")
    page.goto(f"/customers/{account_id}/review")
    expect(page).to_have_url(re.compile(f"/customers/{account_id}/gateway$"))
    page.goto(f"/customers/{account_id}/connect")
    expect(page).to_have_url(re.compile(f"/customers/{account_id}/gateway$"))
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()
