"""The Partner dashboard on 60 customers: 25 a page, last saved first, paging, and the
search by customer name, account ID and email domain, all on the server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import data_rows, seed

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology

TRADES = ("Bakkerij", "Garage", "Tandarts")


def customer_name(number: int) -> str:
    """The name of seeded customer `number` (1-60): a trade and a number."""
    return f"{TRADES[number % 3]} {number:02d}"


@pytest.fixture
def sixty(page: Page) -> list[str]:
    """60 draft customers "Bakkerij 03", "Garage 01"..., number 60 saved last; their
    account IDs, number 1 first."""
    return seed([(customer_name(n), f"klant{n:02d}.example", "next:gateway") for n in range(1, 61)])


def first_names(page: Page, count: int) -> list[str]:
    """The customer names of the first rows shown (each row's first link: its name)."""
    return [data_rows(page).nth(i).get_by_role("link").first.inner_text() for i in range(count)]


def search(page: Page, text: str) -> None:
    """Type into the search field (the server answers after the debounce)."""
    page.get_by_label("Search customers", exact=True).fill(text)


def test_25_a_page_last_saved_first(page: Page, sixty):
    page.goto("/")
    pages = page.get_by_role("navigation", name="Pages of customers")
    expect(pages).to_contain_text("Page 1 of 3 (60 customers)")
    expect(data_rows(page)).to_have_count(25)
    assert first_names(page, 3) == [customer_name(60), customer_name(59), customer_name(58)]
    expect(page.get_by_role("button", name="Previous page")).to_be_disabled()

    page.get_by_role("button", name="Next page").click()
    expect(pages).to_contain_text("Page 2 of 3 (60 customers)")
    expect(data_rows(page).first).to_contain_text(customer_name(35))
    expect(data_rows(page)).to_have_count(25)

    page.get_by_role("button", name="Next page").click()
    expect(pages).to_contain_text("Page 3 of 3 (60 customers)")
    expect(data_rows(page)).to_have_count(10)
    expect(data_rows(page).last).to_contain_text(customer_name(1))
    expect(page.get_by_role("button", name="Next page")).to_be_disabled()

    page.get_by_role("button", name="Previous page").click()
    expect(pages).to_contain_text("Page 2 of 3 (60 customers)")


def test_search_by_name_account_id_and_domain(page: Page, sixty):
    page.goto("/")
    expect(data_rows(page)).to_have_count(25)

    search(page, "garage")
    expect(page.get_by_text("Page 1 of 1 (20 customers)")).to_be_visible()
    expect(data_rows(page)).to_have_count(20)
    for i in range(20):
        expect(data_rows(page).nth(i)).to_contain_text("Garage")

    search(page, sixty[32].lower())  # customer 33, by its account ID in any case
    expect(page.get_by_text("Page 1 of 1 (1 customer)")).to_be_visible()
    expect(data_rows(page)).to_have_count(1)
    expect(data_rows(page).first).to_contain_text(customer_name(33))
    expect(data_rows(page).first).to_contain_text(sixty[32])

    search(page, "KLANT07.example")  # customer 7, by its email domain
    expect(data_rows(page)).to_have_count(1)
    expect(data_rows(page).first).to_contain_text(customer_name(7))

    search(page, "no such customer")
    expect(page.get_by_text("No customers match your search.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)

    search(page, "")
    expect(page.get_by_text("Page 1 of 3 (60 customers)")).to_be_visible()


def test_a_search_starts_at_its_first_page(page: Page, sixty):
    page.goto("/")
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Page 2 of 3 (60 customers)")).to_be_visible()
    search(page, "bakkerij")
    expect(page.get_by_text("Page 1 of 1 (20 customers)")).to_be_visible()
    expect(data_rows(page).first).to_contain_text(customer_name(60))
    # The counts at the top are the partner's, not the search's.
    expect(page.get_by_role("region", name="Customers by status")).to_contain_text(
        re.compile(r"In progress\s*60")
    )
