"""A partner creates a customer, goes on to Gateway, and finds it on the dashboard."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from cloudlink_app.models import Customer
from cloudlink_app.services.database import get_session
from tests.support.browser import field, fill_valid_customer, open_new_customer

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology


def test_next_opens_gateway_and_dashboard_lists_customer(page: Page):
    open_new_customer(page)
    fill_valid_customer(page, name="Bakkerij Jansen", domain="bakkerij-jansen.nl")
    page.get_by_role("button", name="Next").click()

    expect(page).to_have_url(re.compile(r"/customers/[2-9A-Z]{4}-[2-9A-Z]{4}/gateway$"))
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()
    account_id = page.url.rsplit("/", 2)[-2]

    page.get_by_role("button", name="Back").click()
    expect(field(page, "Customer name")).to_have_value("Bakkerij Jansen")
    expect(page.get_by_text(account_id)).to_be_visible()

    page.goto("/")
    row = page.get_by_role("row", name=re.compile("Bakkerij Jansen"))
    expect(row).to_contain_text(account_id)
    expect(row).to_contain_text("Next: Gateway")


def test_next_pressed_twice_quickly_creates_one_customer(page: Page):
    open_new_customer(page)
    fill_valid_customer(page, name="Dubbelklik BV")
    page.get_by_role("button", name="Next").dblclick()
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()
    with get_session() as session:
        names = session.exec(select(Customer.name)).all()
    assert names == ["Dubbelklik BV"]
