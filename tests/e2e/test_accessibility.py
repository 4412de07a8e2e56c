"""axe (WCAG 2.2 A/AA) finds no violation on the Customer step, empty or with errors,
and on the dashboard; on a desktop screen and on a 320 pixel wide phone."""

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.support.browser import DESKTOP, PHONE, axe_violations, open_new_customer

# Each test on a desktop screen and on a phone (its own layout: tests/e2e/test_responsive.py).
pytestmark = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "320"])


@pytest.fixture(autouse=True)
def _screen(page: Page, viewport: ViewportSize) -> None:
    page.set_viewport_size(viewport)


def test_empty_customer_step_has_no_violations(page: Page):
    open_new_customer(page)
    assert axe_violations(page) == []


def test_customer_step_after_failed_next_has_no_violations(page: Page):
    open_new_customer(page)
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe_violations(page) == []


def test_dashboard_has_no_violations(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    assert axe_violations(page) == []
