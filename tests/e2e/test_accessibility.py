"""axe (WCAG 2.2 A/AA) finds no violation on the Customer step, empty or with errors."""

from playwright.sync_api import Page, expect

from tests.support.browser import axe_violations, open_new_customer


def test_empty_customer_step_has_no_violations(page: Page):
    open_new_customer(page)
    assert axe_violations(page) == []


def test_customer_step_after_failed_next_has_no_violations(page: Page):
    open_new_customer(page)
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe_violations(page) == []


def test_dashboard_has_no_violations(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    assert axe_violations(page) == []
