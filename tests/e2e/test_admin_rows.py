"""Unlimited admin contacts: add twelve, remove one, the numbering follows."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import field, open_new_customer

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology


def test_twelve_admin_contacts_added_and_one_removed(page: Page):
    open_new_customer(page)
    add = page.get_by_role("button", name="Add admin contact")
    for n in range(2, 13):
        add.click()
        first = field(page, f"Admin contact {n}: First name")
        expect(first).to_be_focused()
        first.fill(f"Person {n}")
    expect(page.get_by_label("Admin contact 12: First name", exact=True)).to_have_value("Person 12")

    page.get_by_role("button", name="Remove admin contact 5").click()
    expect(page.get_by_label("Admin contact 12: First name", exact=True)).to_have_count(0)
    # Rows after the removed one move up a number and keep what was typed.
    expect(field(page, "Admin contact 5: First name")).to_have_value("Person 6")
    expect(field(page, "Admin contact 11: First name")).to_have_value("Person 12")
