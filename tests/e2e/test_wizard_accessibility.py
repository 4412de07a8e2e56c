"""axe (WCAG 2.2 A/AA) finds no violation on any step after the Customer step, on a
desktop screen and on a 320 pixel wide phone."""

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.support.browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    create_customer,
    field,
    fill_gateway,
    next_to,
)

# Each test on a desktop screen and on a phone (its own layout: tests/e2e/test_responsive.py).
pytestmark = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "320"])


@pytest.fixture(autouse=True)
def _screen(page: Page, viewport: ViewportSize) -> None:
    page.set_viewport_size(viewport)


def test_every_later_step_has_no_violations(page: Page, pbx_listener):
    create_customer(page, "Accessible BV")
    assert axe_violations(page) == []
    field(page, "Deployment type").select_option("appliance")
    page.get_by_role("button", name="Next").click()  # with errors
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe_violations(page) == []

    fill_gateway(page, "appliance", "02:00:5e:10:00:01")
    next_to(page, "PBX")
    assert axe_violations(page) == []
    field(page, "PBX type").select_option("mivoice_mx_one")
    field(page, "PBX address").fill("127.0.0.1")
    field(page, "Port").fill(str(pbx_listener))
    field(page, "Port").blur()
    next_to(page, "Connect")
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text(re.compile("Connected to"))).to_be_visible()
    assert axe_violations(page) == []
    next_to(page, "Review")
    assert axe_violations(page) == []


def test_sync_step_has_no_violations(page: Page):
    create_customer(page, "Accessible Sync BV")
    fill_gateway(page, "va", "VA-7")
    next_to(page, "Sync")
    assert axe_violations(page) == []
