"""The Partner dashboard's statuses: words in a tag (not colour alone), counts at the
top, rows that open where the customer stands, and no axe violations."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from reflex.model import get_engine

from cloudlink_app import demo_data
from cloudlink_app.models import ConnectionCheck
from cloudlink_app.services.database import get_session
from tests.support.browser import axe_violations, data_rows, seed, sign_in_context
from tests.support.database import set_demo_partners


@pytest.fixture
def customers(page: Page) -> dict[str, str]:
    """One customer per kind of status, and a second draft; name -> account ID."""
    entries = [
        ("Bakkerij Van Dijk", "vandijk.example", "next:gateway"),
        ("Tandarts De Linde", "delinde.example", "next:pbx"),
        ("Garage Noord", "garagenoord.example", "problem:pbx_unreachable"),
        ("Hotel De Zon", "dezon.example", "onboarded"),
    ]
    return dict(zip([e[0] for e in entries], seed(entries), strict=True))


@pytest.mark.parametrize(
    ("name", "status", "step"),
    [
        ("Bakkerij Van Dijk", "Next: Gateway", "gateway"),
        ("Tandarts De Linde", "Next: PBX", "pbx"),
        ("Garage Noord", "Problem: PBX not reachable", "connect"),
        ("Hotel De Zon", "Onboarded", "review"),
    ],
)
@pytest.mark.topology
def test_each_status_is_a_tag_in_words_and_the_row_opens_its_step(
    page: Page, customers, name, status, step
):
    page.goto("/")
    row = data_rows(page).filter(has=page.get_by_role("link", name=name, exact=True))
    # What a screen reader says is the words alone; the tag's icon is hidden from it.
    expect(row.get_by_role("cell").nth(2)).to_have_accessible_name(status)
    expect(row.get_by_role("cell", name=status, exact=True)).to_be_visible()
    expect(row.get_by_role("cell").nth(2)).to_contain_text(status)
    expect(row.get_by_role("link", name=name)).to_have_attribute(
        "href", f"/customers/{customers[name]}/{step}"
    )


@pytest.mark.topology
def test_the_counts_at_the_top(page: Page, customers):
    page.goto("/")
    counts = page.get_by_role("region", name="Customers by status")
    expect(counts.get_by_role("listitem")).to_have_text(
        [re.compile(r"In progress\s*2"), re.compile(r"Problems\s*1"), re.compile(r"Onboarded\s*1")]
    )


@pytest.mark.topology
def test_the_dashboard_with_every_status_has_no_violations(page: Page, customers):
    page.goto("/")
    expect(data_rows(page)).to_have_count(4)
    assert axe_violations(page) == []


@pytest.mark.topology
def test_the_delete_question_has_no_violations(page: Page, customers):
    page.goto("/")
    page.get_by_role("button", name="Delete draft Garage Noord").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    assert axe_violations(page) == []


@pytest.fixture
def demo(page: Page):
    """The sales engineers' demo customers (cloudlink_app.demo_data), removed after.
    The loader fills only a database of demo partners: the harness's partners are
    marked as such while it loads (and unmarked again, as the harness keeps them)."""
    set_demo_partners(get_engine(), demo=True)
    try:
        with get_session() as session:
            assert demo_data.load(session) == len(demo_data.CUSTOMERS) + len(
                demo_data.SECOND_PARTNER_CUSTOMERS
            )
    finally:
        set_demo_partners(get_engine(), demo=False)
    yield
    with get_session() as session:
        session.execute(sa.delete(ConnectionCheck))
        session.commit()


@pytest.mark.parametrize(
    ("name", "status", "step", "heading"),
    [
        ("Tandartspraktijk De Linde", "Next: PBX", "pbx", "PBX"),
        ("Pennine Dental Care", "Next: Connect", "connect", "Connect"),
        ("Gemeente Zuidplas Sportcentrum", "Problem: PBX not reachable", "connect", "Connect"),
        ("Stadtwerke Lindau Service", "Next: Review", "review", "Review"),
        ("Hotel De Gouden Leeuw", "Onboarded", "review", "Review"),
    ],
)
def test_a_demo_customer_opens_at_the_step_its_status_names(
    page: Page, demo, name, status, step, heading
):
    page.goto("/")
    expect(
        page.get_by_role("region", name="Customers by status").get_by_role("listitem")
    ).to_have_text(
        [re.compile(r"In progress\s*20"), re.compile(r"Problems\s*2"), re.compile(r"Onboarded\s*3")]
    )
    row = data_rows(page).filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row.get_by_role("cell", name=status, exact=True)).to_be_visible()
    row.get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(rf"/customers/[2-9A-Z-]{{9}}/{step}$"))
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_each_demo_partner_sees_only_their_customers(page: Page, demo, browser, app_harness):
    page.goto("/")
    expect(data_rows(page).filter(has_text="Bakkerij Van der Meer")).to_have_count(1)
    expect(data_rows(page).filter(has_text="Thames Valley Vets")).to_have_count(0)

    context = browser.new_context(base_url=app_harness.frontend_url)
    sign_in_context(context, app_harness.frontend_url, demo_data.SECOND_PARTNER_EMAIL)
    other = context.new_page()
    other.goto("/")
    expect(data_rows(other).filter(has_text="Thames Valley Vets")).to_have_count(1)
    expect(data_rows(other)).to_have_count(len(demo_data.SECOND_PARTNER_CUSTOMERS))
    expect(data_rows(other).filter(has_text="Bakkerij Van der Meer")).to_have_count(0)
    context.close()
