"""At least one Maintainer and one Onsite Admin: each missing role is its own error."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import field, fill_valid_customer, open_new_customer

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology


@pytest.mark.parametrize(
    ("row", "other_role", "message"),
    [
        (1, "other", "Add a support contact with the role Maintainer"),
        (2, "other", "Add a support contact with the role Onsite Admin"),
    ],
)
def test_each_missing_role_is_an_error(page: Page, row, other_role, message):
    open_new_customer(page)
    fill_valid_customer(page)
    field(page, f"Support contact {row}: Role").select_option(other_role)
    page.get_by_role("button", name="Next").click()
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()


def test_both_roles_missing_are_two_errors(page: Page):
    open_new_customer(page)
    fill_valid_customer(page)
    field(page, "Support contact 1: Role").select_option("other")
    field(page, "Support contact 2: Role").select_option("other")
    page.get_by_role("button", name="Next").click()
    summary = page.locator("#error-summary")
    expect(
        summary.get_by_role("link", name="Add a support contact with the role Maintainer")
    ).to_be_visible()
    expect(
        summary.get_by_role("link", name="Add a support contact with the role Onsite Admin")
    ).to_be_visible()
