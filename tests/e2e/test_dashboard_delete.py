"""Deleting a draft from the Partner dashboard: a confirmation that names it, then the
row and everything stored for it are gone; Keep draft and Escape keep it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from cloudlink_app.models import Customer, EmailDomain
from cloudlink_app.services.database import get_session
from tests.support.browser import data_rows, seed


@pytest.fixture
def customers(page: Page) -> dict[str, str]:
    """Two drafts and an onboarded customer of the demo partner; name -> account ID."""
    names = ["Bakkerij Van Dijk", "Hotel De Zon", "Garage Noord"]
    account_ids = seed(
        [
            ("Bakkerij Van Dijk", "vandijk.example", "next:gateway"),
            ("Hotel De Zon", "dezon.example", "onboarded"),
            ("Garage Noord", "garagenoord.example", "problem:pbx_unreachable"),
        ]
    )
    return dict(zip(names, account_ids, strict=True))


def stored(account_id: str) -> tuple[bool, int]:
    """Whether the customer is in the database, and how many email domains it has."""
    with get_session() as session:
        customer = session.exec(select(Customer).where(Customer.account_id == account_id)).first()
        if customer is None:
            return False, 0
        return True, len(
            session.exec(select(EmailDomain).where(EmailDomain.customer_id == customer.id)).all()
        )


def row(page: Page, name: str):
    """The table row of a customer."""
    return data_rows(page).filter(has=page.get_by_role("link", name=name, exact=True))


def test_delete_a_draft_after_a_confirmation_that_names_it(page: Page, customers):
    page.goto("/")
    expect(data_rows(page)).to_have_count(3)
    page.get_by_role("button", name="Delete draft Bakkerij Van Dijk").click()

    dialog = page.get_by_role("alertdialog", name="Delete the draft for Bakkerij Van Dijk?")
    expect(dialog).to_be_visible()
    # The safe answer has the focus.
    expect(dialog.get_by_role("button", name="Keep draft")).to_be_focused()
    assert stored(customers["Bakkerij Van Dijk"]) == (True, 1)

    dialog.get_by_role("button", name="Delete draft", exact=True).click()
    expect(dialog).to_be_hidden()
    message = page.get_by_text("The draft for Bakkerij Van Dijk was deleted.")
    expect(message).to_be_visible()
    expect(message).to_be_focused()
    expect(data_rows(page)).to_have_count(2)
    expect(page.get_by_role("link", name="Bakkerij Van Dijk")).to_have_count(0)
    counts = page.get_by_role("region", name="Customers by status")
    expect(counts).to_contain_text(re.compile(r"In progress\s*0"))
    assert stored(customers["Bakkerij Van Dijk"]) == (False, 0)
    assert stored(customers["Garage Noord"]) == (True, 1)


def test_a_draft_with_a_problem_can_be_deleted(page: Page, customers):
    page.goto("/")
    page.get_by_role("button", name="Delete draft Garage Noord").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete draft", exact=True).click()
    expect(page.get_by_text("The draft for Garage Noord was deleted.")).to_be_visible()
    expect(row(page, "Garage Noord")).to_have_count(0)
    assert stored(customers["Garage Noord"]) == (False, 0)


def test_keep_draft_and_escape_keep_it(page: Page, customers):
    page.goto("/")
    delete = page.get_by_role("button", name="Delete draft Bakkerij Van Dijk")

    delete.click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_role("button", name="Keep draft").click()
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()

    delete.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()

    expect(data_rows(page)).to_have_count(3)
    assert stored(customers["Bakkerij Van Dijk"]) == (True, 1)


def test_an_onboarded_customer_cannot_be_deleted(page: Page, customers):
    page.goto("/")
    expect(row(page, "Hotel De Zon")).to_contain_text("Onboarded")
    expect(row(page, "Hotel De Zon").get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Delete draft"))).to_have_count(2)
