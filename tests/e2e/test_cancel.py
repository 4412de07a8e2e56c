"""Cancel asks before dropping unsaved changes; a never-saved customer leaves nothing."""

from playwright.sync_api import Page, expect
from sqlmodel import select

from cloudlink_app.models import Customer
from cloudlink_app.services.database import get_session
from tests.support.browser import field, open_new_customer


def _customer_count() -> int:
    with get_session() as session:
        return len(session.exec(select(Customer.id)).all())


def test_cancel_asks_then_discards(page: Page):
    open_new_customer(page)
    field(page, "Customer name").fill("Never Saved BV")
    field(page, "Customer name").blur()
    page.get_by_role("button", name="Cancel").click()

    dialog = page.get_by_role("alertdialog", name="Discard your changes?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep editing").click()
    expect(dialog).to_have_count(0)
    expect(field(page, "Customer name")).to_have_value("Never Saved BV")

    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Discard changes").click()
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    expect(page.get_by_text("Never Saved BV")).to_have_count(0)
    assert _customer_count() == 0

    # Create customer again starts blank.
    page.get_by_role("button", name="Create customer").click()
    expect(field(page, "Customer name")).to_have_value("")


def test_cancel_without_changes_returns_at_once(page: Page):
    open_new_customer(page)
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
