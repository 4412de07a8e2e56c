"""axe (WCAG 2.2 A/AA) finds no violation on the Customer step, empty or with errors."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_new_customer

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']]})"
        for v in results.response["violations"]
    ]


def test_empty_customer_step_has_no_violations(page: Page):
    open_new_customer(page)
    assert _violations(page) == []


def test_customer_step_after_failed_next_has_no_violations(page: Page):
    open_new_customer(page)
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert _violations(page) == []


def test_dashboard_has_no_violations(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    assert _violations(page) == []
