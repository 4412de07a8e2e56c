"""Next on an empty form: the error summary, its links, inline errors and the title."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import field, open_new_customer

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology


def test_next_on_empty_form_shows_focused_summary(page: Page):
    open_new_customer(page)
    # The default rows have roles; clear them so the role rule shows too.
    page.get_by_role("button", name="Next").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Customer - CloudLink onboarding")

    expect(summary.get_by_role("link", name="Enter the customer name")).to_be_visible()
    expect(summary.get_by_role("link", name="Select the country")).to_be_visible()

    name = field(page, "Customer name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", "customer_name-error")
    expect(page.locator("#customer_name-error")).to_contain_text("Enter the customer name")

    summary.get_by_role("link", name="Select the country").click()
    expect(field(page, "Country")).to_be_focused()
    summary.get_by_role("link", name="Enter the customer name").click()
    expect(name).to_be_focused()


def test_fixing_a_field_clears_its_error_as_the_user_types(page: Page):
    open_new_customer(page)
    page.get_by_role("button", name="Next").click()
    name = field(page, "Customer name")
    expect(name).to_have_attribute("aria-invalid", "true")
    name.fill("Bakkerij Jansen")
    expect(name).to_have_attribute("aria-invalid", "false")
    expect(page.locator("#customer_name-error")).to_have_count(0)
