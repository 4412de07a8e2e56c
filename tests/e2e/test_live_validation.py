"""A field is checked when the user leaves it, never before it was touched."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import field, open_new_customer

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology


def test_error_appears_after_leaving_a_field_only(page: Page):
    open_new_customer(page)
    email = field(page, "Admin contact 1: Email address")
    email.fill("not-an-address")
    # Not left yet: no error, and no error on the untouched customer name either.
    expect(email).to_have_attribute("aria-invalid", "false")
    email.press("Tab")
    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = email.get_attribute("id") + "-error"
    expect(page.locator(f"#{error_id}")).to_contain_text(
        "Enter an email address in the correct format, like name@example.com"
    )
    expect(field(page, "Customer name")).to_have_attribute("aria-invalid", "false")
    expect(page.locator("#error-summary")).to_have_count(0)


def test_postal_code_error_quotes_the_country_example(page: Page):
    open_new_customer(page)
    field(page, "Country").select_option("NL")
    postal = field(page, "Postal code")
    postal.fill("12345")
    postal.press("Tab")
    expect(page.locator("#postal_code-error")).to_contain_text("1234 AB")
    postal.fill("1234 AB")
    expect(postal).to_have_attribute("aria-invalid", "false")
