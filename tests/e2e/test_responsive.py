"""Every page on a phone (320 x 640) and a tablet (768 x 1024): the page reflows without
scrolling sideways (WCAG 1.4.10), every visible target is at least 24 x 24 pixels (WCAG
2.5.8), and a partner completes the Customer step and both wizard paths at 320 pixels
by labels and roles, as a person would.

SCREENS is the table of pages: one row per page (or state of a page, such as a dialog
opened), whose `path` is built from the customers made for the test.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from reflex.model import get_engine
from sqlmodel import col, select

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.models import AppUser, Customer
from cloudlink_app.services import accounts, problem_reports, users
from cloudlink_app.services.database import get_session
from tests.support.browser import (
    PHONE,
    TABLET,
    axe_violations,
    create_customer,
    field,
    fill_gateway,
    fill_valid_customer,
    next_to,
    open_new_customer,
    overflow,
    ready,
    sign_in_context,
    small_targets,
)
from tests.support.builders import gateway_form, unique_number, valid_form
from tests.support.database import make_customer, save
from tests.support.spreadsheets import csv_bytes, good_row

PARTNER = demo_accounts.DEMO_PARTNER_EMAIL
ADMIN = "sanne@vandermeer-bakkerij.nl"
SIGNED_OUT = ""
# Long values that must wrap rather than widen the page.
LONG_NAME = "Installatie- en Telecommunicatiebedrijf Van Oldenbarnevelt-Hoogstraten BV"
LONG_DOMAIN = "telecommunicatie-installaties-van-oldenbarnevelt-hoogstraten.example"


@dataclasses.dataclass
class Customers:
    """The customers (account IDs) the pages are opened with."""

    appliance: str  # every step up to Review done; long name, domain and addresses
    sync: str  # the SMBC path, up to Review
    admins: str  # Sanne's own customer
    link: str = ""  # a valid one-time link (/auth/link?token=..., on to Set password)


@dataclasses.dataclass(frozen=True)
class Screen:
    """A page as someone sees it: who is signed in, its URL, its heading, and what
    they do on it first (``then``: open a dialog, press Next...)."""

    name: str
    user: str
    path: Callable[[Customers], str]
    heading: str
    then: Callable[[Page], None] | None = None
    demo_mode: bool = False


def _next_with_errors(page: Page) -> None:
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-summary")).to_be_focused()


def _many_rows(page: Page) -> None:
    for button in ("Add email domain", "Add admin contact", "Add support contact"):
        page.get_by_role("button", name=button).click()
    field(page, "Email domain 1").fill(LONG_DOMAIN)
    _next_with_errors(page)


def _cancel_dialog(page: Page) -> None:
    field(page, "Customer name").fill("Changed BV")
    field(page, "Customer name").blur()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()


def _delete_dialog(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Delete draft")).first.click()
    expect(page.get_by_role("alertdialog")).to_be_visible()


def _site_address(page: Page) -> None:
    page.get_by_label("Same as the customer address").click()
    expect(field(page, "Street address")).to_be_visible()


def _invite_with_errors(page: Page) -> None:
    field(page, "Selected customers").click()
    expect(field(page, LONG_NAME)).to_be_visible()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#error-summary")).to_be_focused()


def _deactivate_dialog(page: Page) -> None:
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()


def _anna_s_page(customers: Customers) -> str:
    with get_session() as session:
        anna = users.find_user(session, PARTNER)
    assert anna is not None
    return routes.team_member_url(anna.id)


def _step(step: str) -> Callable[[Customers], str]:
    return lambda c: routes.step_url(c.appliance, step)


def _import_preview(page: Page) -> None:
    """A file checked: a long name ready, a row with every kind of error."""
    folder = Path(tempfile.mkdtemp())
    path = folder / "klanten.csv"
    path.write_bytes(
        csv_bytes([good_row(LONG_NAME + " Import", "import-lang.example"), ["", "Atlantis"]])
    )
    page.get_by_label("Spreadsheet (CSV or Excel)").set_input_files(path)
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("button", name="Import 1 customers")).to_be_visible()


# Every page, once per viewport. Add a row for a new page.
SCREENS = [
    Screen("sign in", SIGNED_OUT, lambda c: routes.SIGN_IN, "Sign in"),
    Screen("sign in, demo", SIGNED_OUT, lambda c: routes.SIGN_IN, "Sign in", demo_mode=True),
    Screen(
        "set password, bad link",
        SIGNED_OUT,
        lambda c: f"{routes.AUTH_LINK}?token=x",
        "Set your password",
    ),
    Screen("set password", SIGNED_OUT, lambda c: c.link, "Set your password"),
    Screen("dashboard", PARTNER, lambda c: routes.DASHBOARD, "Partner dashboard"),
    Screen(
        "dashboard, delete",
        PARTNER,
        lambda c: routes.DASHBOARD,
        "Partner dashboard",
        _delete_dialog,
    ),
    Screen("new customer", PARTNER, lambda c: routes.NEW_CUSTOMER, "Customer"),
    Screen("customer, errors", PARTNER, lambda c: routes.NEW_CUSTOMER, "Customer", _many_rows),
    Screen("customer, saved", PARTNER, _step(wizard_path.CUSTOMER), "Customer"),
    Screen("customer, cancel", PARTNER, _step(wizard_path.CUSTOMER), "Customer", _cancel_dialog),
    Screen("gateway", PARTNER, _step(wizard_path.GATEWAY), "Gateway"),
    Screen("gateway, site address", PARTNER, _step(wizard_path.GATEWAY), "Gateway", _site_address),
    Screen("pbx", PARTNER, _step(wizard_path.PBX), "PBX"),
    Screen("connect", PARTNER, _step(wizard_path.CONNECT), "Connect"),
    Screen("review", PARTNER, _step(wizard_path.REVIEW), "Review"),
    Screen(
        "sync",
        PARTNER,
        lambda c: routes.step_url(c.sync, wizard_path.SYNC),
        "Sync",
    ),
    Screen(
        "report a problem",
        PARTNER,
        lambda c: routes.report_problem_url(c.appliance),
        "Report a problem",
    ),
    Screen(
        "problem reports",
        PARTNER,
        lambda c: routes.problem_reports_url(c.appliance),
        "Problem reports",
    ),
    Screen("outbox", PARTNER, lambda c: routes.OUTBOX, "Outbox", demo_mode=True),
    Screen("change password", PARTNER, lambda c: routes.CHANGE_PASSWORD, "Change password"),
    Screen("team", PARTNER, lambda c: routes.TEAM, "Team"),
    Screen(
        "invite a colleague, errors",
        PARTNER,
        lambda c: routes.TEAM_INVITE,
        "Invite a colleague",
        _invite_with_errors,
    ),
    Screen("team member", PARTNER, _anna_s_page, "Anna de Vries", _deactivate_dialog),
    Screen("account", ADMIN, lambda c: routes.ACCOUNT, "Your account"),
    Screen(
        "import customers, preview",
        PARTNER,
        lambda c: routes.CUSTOMERS_IMPORT,
        "Import customers",
        _import_preview,
    ),
]
# Each page is opened on the phone, checked, turned into the tablet's size and checked
# again (one load per page: the layout follows the viewport's width alone).
VIEWPORTS = (PHONE, TABLET)


@pytest.fixture
def customers(app_harness, clean_customers) -> Customers:
    """Customers with long values at every step, drafts for the dashboard, and Sanne's
    own customer."""
    engine = get_engine()
    with get_session() as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
    long_mail = f"helpdesk.telefonie@{LONG_DOMAIN}"
    record = save(
        engine,
        partner_id,
        valid_form(
            LONG_NAME,
            LONG_DOMAIN,
            street_address="Burgemeester van Oldenbarneveltlaan 1234-bis, achterzijde",
            admin_contacts=[
                forms.AdminContactRow(2, "Maximiliaan", "Van Oldenbarnevelt", long_mail)
            ],
        ),
        complete=False,
    )
    for n in range(3):
        save(engine, partner_id, valid_form(f"{LONG_NAME} {n}", ""), complete=False)
    appliance = make_customer(
        engine,
        partner_id,
        wizard_path.CONNECT,
        name=LONG_NAME + " Appliance",
        gateway=gateway_form(site_name="Hoofdkantoor Van Oldenbarnevelt-Hoogstraten"),
    )
    sync = make_customer(engine, partner_id, wizard_path.SYNC, deployment=wizard_path.SMBC)
    admins = make_customer(engine, partner_id, wizard_path.GATEWAY, name=LONG_NAME + " Admin")
    with get_session() as session:
        customer_id = session.exec(
            select(Customer.id).where(col(Customer.account_id) == admins)
        ).one()
        session.execute(
            sa.update(AppUser).where(col(AppUser.email) == ADMIN).values(customer_id=customer_id)
        )
        session.commit()
    with get_session() as session:
        anna = users.find_user(session, PARTNER)
        assert anna is not None
        problem_reports.report_problem(
            session,
            anna,
            appliance,
            "other",
            "Geen geluid bij gesprekken naar " + LONG_DOMAIN[:60],
            f"Sinds vanochtend.\nZie https://{LONG_DOMAIN}/storingen/{'x' * 60}",
        )
    assert record.account_id
    # A new user's one-time link (the accounts tool's), for the Set password form.
    with settings.override(deploy_url=app_harness.frontend_url), get_session() as session:
        link = accounts.add_partner_user(
            session, f"nieuwe{unique_number()}@{LONG_DOMAIN}", "Nieuwe Gebruiker", partner_id
        )
    return Customers(appliance, sync, admins, link.url)


def _contexts(
    browser: Browser, app_harness, viewport: ViewportSize
) -> Callable[[str], BrowserContext]:
    made: dict[str, BrowserContext] = {}

    def context(user: str) -> BrowserContext:
        if user not in made:
            made[user] = browser.new_context(base_url=app_harness.frontend_url, viewport=viewport)
            if user:
                sign_in_context(made[user], app_harness.frontend_url, user)
        return made[user]

    context.made = made  # type: ignore[attr-defined]
    return context


def test_every_page_reflows_with_targets_big_enough(
    browser: Browser, app_harness, customers: Customers
):
    context = _contexts(browser, app_harness, VIEWPORTS[0])
    problems: list[str] = []
    try:
        for screen in SCREENS:
            page = context(screen.user).new_page()
            demo = settings.override(demo_mode=True) if screen.demo_mode else nullcontext()
            with demo:
                page.goto(screen.path(customers))
                expect(page.get_by_role("heading", name=screen.heading, exact=True)).to_be_visible()
                ready(page)
            if screen.then is not None:
                screen.then(page)
            for viewport in VIEWPORTS:
                page.set_viewport_size(viewport)
                where = f"{screen.name} at {viewport['width']}"
                problems += [f"{where}: {p}" for p in overflow(page) + small_targets(page)]
            page.close()
    finally:
        for made in context.made.values():  # type: ignore[attr-defined]
            made.close()
    assert not problems, "\n".join(problems)


def _set_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)


def _onboarded_on_the_dashboard(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(name))).to_contain_text("Onboarded")
    assert overflow(page) == []
    # The table shown as a list keeps its table's semantics (axe checks them too).
    assert axe_violations(page) == []


def test_customer_step_at_320_pixels(page: Page):
    _set_phone(page)
    open_new_customer(page)
    # The header wraps above the page (nothing fixed over it): who is signed in and
    # Sign out are on the first screen.
    expect(page.get_by_role("banner").get_by_text("Anna de Vries")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    expect(page.get_by_text("Step 1 of 5: Customer", exact=True)).to_be_visible()
    fill_valid_customer(page, name=LONG_NAME, domain=LONG_DOMAIN)
    # A phone shows the keyboard for what is typed, and offers what it may fill in.
    for label, attribute, value in (
        ("Customer name", "autocomplete", "organization"),
        ("Postal code", "autocomplete", "postal-code"),
        ("Email domain 1", "inputmode", "url"),
        ("Email domain 1", "autocapitalize", "none"),
        ("Admin contact 1: First name", "autocomplete", re.compile(r"^section-\S+ given-name$")),
        ("Admin contact 1: Last name", "autocomplete", re.compile(r" family-name$")),
        ("Admin contact 1: Email address", "type", "email"),
        ("Admin contact 1: Email address", "autocomplete", re.compile(r" email$")),
        ("Support contact 1: Name", "autocomplete", re.compile(r" name$")),
        ("Support contact 2: Email address", "type", "email"),
    ):
        expect(field(page, label)).to_have_attribute(attribute, value)
    field(page, "Admin contact 1: Email address").fill(f"helpdesk.telefonie@{LONG_DOMAIN}")
    field(page, "Admin contact 1: Email address").blur()
    assert overflow(page) == []
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/customers/[2-9A-Z]{4}-[2-9A-Z]{4}/gateway$"))


def test_appliance_path_at_320_pixels(page: Page, pbx_listener):
    _set_phone(page)
    create_customer(page, "Phone Appliance BV")
    fill_gateway(page, "appliance", "02:00:5e:10:00:32")
    next_to(page, "PBX")
    # The step indicator is one line on a phone: where the customer stands, how many left.
    expect(page.get_by_text("Step 3 of 5: PBX", exact=True)).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="1. Customer")).to_be_hidden()
    field(page, "PBX type").select_option("mivoice_business")
    expect(field(page, "Port")).to_have_attribute("inputmode", "numeric")
    field(page, "PBX address").fill("127.0.0.1")
    field(page, "Port").fill(str(pbx_listener))
    field(page, "Port").blur()
    next_to(page, "Connect")
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text(re.compile(r"Connected to 127\.0\.0\.1:\d+ at"))).to_be_visible()
    next_to(page, "Review")
    assert overflow(page) == []
    page.get_by_role("button", name="Finish onboarding").click()
    _onboarded_on_the_dashboard(page, "Phone Appliance BV")


def test_sync_path_at_320_pixels(page: Page, pbx_listener):
    _set_phone(page)
    create_customer(page, "Phone Sync BV")
    fill_gateway(page, "va", "VA-320")
    next_to(page, "Sync")
    expect(page.get_by_text("Step 3 of 4: Sync", exact=True)).to_be_visible()
    field(page, "System address").fill("127.0.0.1")
    field(page, "Port").fill(str(pbx_listener))
    field(page, "Port").blur()
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text(re.compile(r"Connected to 127\.0\.0\.1:\d+ at"))).to_be_visible()
    page.get_by_role("button", name="Start synchronisation").click()
    expect(page.get_by_text(re.compile("Synchronisation started at"))).to_be_visible()
    next_to(page, "Review")
    page.get_by_role("button", name="Finish onboarding").click()
    _onboarded_on_the_dashboard(page, "Phone Sync BV")


def test_text_at_twice_its_size_still_fits(page: Page):
    """Text follows the browser's text size (rem), and at twice the size the page still
    reflows: here at 640 pixels, a 1280 pixel screen zoomed to 200%."""
    page.set_viewport_size({"width": 640, "height": 720})
    open_new_customer(page)
    label = page.get_by_text("Customer name", exact=True)
    normal = label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") == 2 * normal
    _many_rows(page)
    assert overflow(page) == []
    assert small_targets(page) == []
