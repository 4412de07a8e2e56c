"""Both paths of the wizard, from "Create customer" to "Onboarded" on the dashboard."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import create_customer, field, fill_gateway, next_to

# Run a second time through nginx, two instances, PostgreSQL and Redis (make topology).
pytestmark = pytest.mark.topology


def _dashboard_row(page: Page, name: str):
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    return page.get_by_role("row", name=re.compile(name))


def test_appliance_path_to_onboarded(page: Page, pbx_listener):
    create_customer(page, "Appliance Path BV")
    fill_gateway(page, "appliance", "001a.2b3c.4d5e")
    next_to(page, "PBX")

    field(page, "PBX type").select_option("mivoice_business")
    expect(field(page, "Port")).not_to_have_value("")  # the type's usual port
    field(page, "PBX address").fill("127.0.0.1")
    field(page, "Port").fill(str(pbx_listener))
    field(page, "Port").blur()
    next_to(page, "Connect")

    # Next without a check is refused with a clear error.
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Check the connection, or continue without a connection"
    )

    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text(re.compile(r"Connected to 127\.0\.0\.1:\d+ at"))).to_be_visible()
    next_to(page, "Review")

    expect(page.get_by_text("00:1A:2B:3C:4D:5E")).to_be_visible()
    expect(page.get_by_text("MiVoice Business")).to_be_visible()
    # The audit trail: who saved the last steps.
    changes = page.get_by_role("listitem").filter(
        has_text=re.compile(r"Saved by Anna de Vries, .*\(Connect\)")
    )
    expect(changes.first).to_be_visible()
    page.get_by_role("button", name="Finish onboarding").click()
    expect(_dashboard_row(page, "Appliance Path BV")).to_contain_text("Onboarded")


def test_sync_path_to_onboarded(page: Page, pbx_listener):
    create_customer(page, "Sync Path BV")
    fill_gateway(page, "smbc")
    # The step indicator follows the deployment type as soon as it is chosen.
    steps = page.get_by_role("navigation", name="Onboarding steps")
    expect(steps).to_contain_text("Sync")
    expect(steps).not_to_contain_text("PBX")
    next_to(page, "Sync")

    field(page, "System address").fill("127.0.0.1")
    field(page, "Port").fill(str(pbx_listener))
    field(page, "Port").blur()
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text(re.compile(r"Connected to 127\.0\.0\.1:\d+ at"))).to_be_visible()
    page.get_by_role("button", name="Start synchronisation").click()
    expect(page.get_by_text(re.compile("Synchronisation started at"))).to_be_visible()
    next_to(page, "Review")

    expect(page.get_by_text("SMB Controller (SMBC)")).to_be_visible()
    page.get_by_role("button", name="Finish onboarding").click()
    expect(_dashboard_row(page, "Sync Path BV")).to_contain_text("Onboarded")


def test_continue_without_connection_is_a_problem_on_the_dashboard(page: Page):
    create_customer(page, "No Line BV")
    fill_gateway(page, "appliance", "02:00:00:00:00:01")
    next_to(page, "PBX")
    field(page, "PBX type").select_option("mivoice_connect")
    field(page, "PBX address").fill("pbx.no-line.example")
    field(page, "PBX address").blur()
    next_to(page, "Connect")
    page.get_by_role("button", name="Continue without a connection").click()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.get_by_text("Continued without a connection")).to_be_visible()
    page.goto("/")
    expect(_dashboard_row(page, "No Line BV")).to_contain_text("Problem: PBX not reachable")
