"""An email domain belongs to one customer account only."""

from playwright.sync_api import Page, expect

from tests.support.browser import field, fill_valid_customer, open_new_customer


def test_domain_of_another_customer_is_refused(page: Page):
    open_new_customer(page)
    fill_valid_customer(page, name="First Owner BV", domain="shared-domain.nl")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()

    page.goto("/")
    open_new_customer(page)
    fill_valid_customer(page, name="Second Try BV", domain="Shared-Domain.NL")
    page.get_by_role("button", name="Next").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    domain = field(page, "Email domain 1")
    expect(domain).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + domain.get_attribute("id") + "-error")
    expect(error).to_contain_text("already used by another customer account")
    expect(error).not_to_contain_text("First Owner")
