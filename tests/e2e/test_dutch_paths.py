"""In Dutch, all the way through: the Customer step and both wizard paths completed by
their Dutch accessible names, and the dashboard's dates in Dutch.

The names are written out here (not read from the catalogs): they are what a Dutch
partner sees and what a screen reader says.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.browser import axe_violations, ready, seed

DUTCH_MONTHS = "jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec"


def in_dutch(page: Page) -> None:
    """The dashboard, switched to Nederlands."""
    page.goto("/")
    ready(page)
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Partnerdashboard")).to_be_visible()


def label(page: Page, name: str):
    return page.get_by_label(name, exact=True)


def next_to(page: Page, heading: str) -> None:
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    ready(page)


def create_customer_in_dutch(page: Page, name: str) -> None:
    page.get_by_role("button", name="Klant aanmaken").click()
    expect(page.get_by_role("heading", name="Klant", exact=True)).to_be_visible()
    ready(page)
    label(page, "Klantnaam").fill(name)
    label(page, "Land").select_option("NL")
    expect(label(page, "Land")).to_contain_text("Nederland")
    label(page, "Straat en huisnummer").fill("Kerkstraat 1")
    label(page, "Plaats").fill("Utrecht")
    label(page, "Postcode").fill("3511 LK")
    label(page, "Bedrijfstype").select_option("retail")
    label(page, "Standaardtaal").select_option("nl")
    page.get_by_role("button", name="E-maildomein toevoegen").click()
    label(page, "E-maildomein 1").fill(f"{name.split()[0].lower()}.example")
    label(page, "Admincontact 1: Voornaam").fill("Sanne")
    label(page, "Admincontact 1: Achternaam").fill("Jansen")
    label(page, "Admincontact 1: E-mailadres").fill("sanne@bakkerij-jansen.nl")
    expect(label(page, "Ondersteuningscontact 1: Rol")).to_contain_text("Beheerder")
    label(page, "Ondersteuningscontact 1: Naam").fill("Northwind Support")
    label(page, "Ondersteuningscontact 1: E-mailadres").fill("support@northwind.example")
    label(page, "Ondersteuningscontact 2: Naam").fill("Piet Jansen")
    label(page, "Ondersteuningscontact 2: E-mailadres").fill("piet@bakkerij-jansen.nl")
    label(page, "Ondersteuningscontact 2: E-mailadres").blur()
    assert axe_violations(page) == []
    next_to(page, "Gateway")
    label(page, "Naam van de locatie").fill("Hoofdkantoor")


def test_the_appliance_path_in_dutch(page: Page, pbx_listener):
    in_dutch(page)
    create_customer_in_dutch(page, "Appliance Nederland BV")
    label(page, "Installatietype").select_option("appliance")
    label(page, "MAC-adres").fill("00-1a-2b-3c-4d-5e")
    label(page, "MAC-adres").blur()
    next_to(page, "PBX")

    label(page, "PBX-type").select_option("mivoice_business")
    label(page, "PBX-adres").fill("127.0.0.1")
    label(page, "Poort").fill(str(pbx_listener))
    label(page, "Poort").blur()
    next_to(page, "Verbinding")

    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("alert", name="Er is een probleem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Fout: "))
    page.get_by_role("button", name="Verbinding controleren").click()
    expect(page.get_by_text(re.compile(r"Verbonden met 127\.0\.0\.1:\d+ op"))).to_be_visible()
    next_to(page, "Controle")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Onboarding afronden").click()
    expect(page.get_by_role("heading", name="Partnerdashboard")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Appliance Nederland BV"))
    expect(row).to_contain_text("Onboarding voltooid")


def test_the_sync_path_in_dutch(page: Page, pbx_listener):
    in_dutch(page)
    create_customer_in_dutch(page, "Sync Nederland BV")
    label(page, "Installatietype").select_option("smbc")
    steps = page.get_by_role("navigation", name="Stappen van de onboarding")
    expect(steps).to_contain_text("Synchronisatie")
    label(page, "Systeem-ID").fill("SMBC-4711")
    label(page, "Systeem-ID").blur()
    next_to(page, "Synchronisatie")

    label(page, "Systeemadres").fill("127.0.0.1")
    label(page, "Poort").fill(str(pbx_listener))
    label(page, "Poort").blur()
    page.get_by_role("button", name="Verbinding controleren").click()
    expect(page.get_by_text(re.compile(r"Verbonden met 127\.0\.0\.1:\d+ op"))).to_be_visible()
    page.get_by_role("button", name="Synchronisatie starten").click()
    expect(page.get_by_text(re.compile("Synchronisatie gestart op"))).to_be_visible()
    next_to(page, "Controle")

    page.get_by_role("button", name="Onboarding afronden").click()
    row = page.get_by_role("row", name=re.compile("Sync Nederland BV"))
    expect(row).to_contain_text("Onboarding voltooid")


def test_the_dashboards_dates_in_dutch(page: Page):
    seed([("Datum BV", "datum.example", "next:customer")])
    in_dutch(page)
    row = page.get_by_role("row", name=re.compile("Datum BV"))
    # Seeded on 20 Nov 2026 at 09:00 UTC: "20 nov 2026" in Dutch, never "Nov".
    expect(row).to_contain_text(re.compile(rf"20 ({DUTCH_MONTHS})\.? 2026"))
    expect(row).to_contain_text("nov")
    page.get_by_role("button", name="English").click()
    expect(row).to_contain_text("20 Nov 2026")
