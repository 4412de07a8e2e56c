"""Save and return stores a draft as typed; the dashboard resumes it."""

import re

from playwright.sync_api import Page, expect

from tests.support.browser import field, open_new_customer


def test_save_and_return_then_resume(page: Page):
    open_new_customer(page)
    field(page, "Customer name").fill("Half-done Drukkerij")
    field(page, "Admin contact 1: Email address").fill("not yet an address")
    field(page, "Admin contact 1: Email address").blur()
    page.get_by_role("button", name="Save and return").click()

    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Half-done Drukkerij"))
    expect(row).to_contain_text("Next: Customer")
    row.get_by_role("link", name="Half-done Drukkerij").click()

    expect(page).to_have_url(re.compile(r"/customers/[2-9A-Z-]{9}/customer$"))
    expect(field(page, "Customer name")).to_have_value("Half-done Drukkerij")
    expect(field(page, "Admin contact 1: Email address")).to_have_value("not yet an address")


def test_save_and_return_needs_the_customer_name(page: Page):
    open_new_customer(page)
    page.get_by_role("button", name="Save and return").click()
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("link", name="Enter the customer name")).to_be_visible()
    expect(summary).to_be_focused()
