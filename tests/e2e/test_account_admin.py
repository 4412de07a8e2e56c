"""An account admin (demo "sanne@vandermeer-bakkerij.nl", linked in each test to a
customer of the demo partner) lands on their account page, works on their own
customer's steps without "Save and return", and never sees the dashboard or another
customer."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect
from reflex.model import get_engine
from sqlmodel import select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import AppUser, Customer
from cloudlink_app.services.database import get_session
from tests.support.browser import axe_violations, field, ready, sign_in_context
from tests.support.database import make_customer

SANNE = "sanne@vandermeer-bakkerij.nl"
OWN = "Bakkerij Van der Meer"
OTHER = "Slagerij De Buren"


def link_admin(account_id: str) -> None:
    """Make Sanne the account admin of this customer."""
    with get_session() as session:
        customer_id = session.exec(
            select(Customer.id).where(Customer.account_id == account_id)
        ).one()
        session.execute(
            sa.update(AppUser).where(AppUser.email == SANNE).values(customer_id=customer_id)
        )
        session.commit()


def demo_customer(through: str, name: str = OWN) -> str:
    """A customer of the demo partner with the steps up to ``through`` done."""
    with get_session() as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
    return make_customer(get_engine(), partner_id, through, name=name)


@pytest.fixture
def own(clean_customers) -> str:
    """Sanne's customer, with the Customer and Gateway steps done."""
    account_id = demo_customer(wizard_path.GATEWAY)
    link_admin(account_id)
    return account_id


@pytest.fixture
def sanne(app_harness, browser: Browser, own) -> Page:
    """A tab of Sanne, signed in."""
    context: BrowserContext = browser.new_context(base_url=app_harness.frontend_url)
    sign_in_context(context, app_harness.frontend_url, SANNE)
    yield context.new_page()
    context.close()


def on_account_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/account/?$"))
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    ready(page)


def test_signing_in_lands_on_the_account_page(signed_out_page: Page, own):
    page = signed_out_page
    page.goto("/sign-in")
    ready(page)
    field(page, "Email address").fill(SANNE)
    field(page, "Password").fill(demo_accounts.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    on_account_page(page)
    expect(page.get_by_text(OWN)).to_be_visible()
    expect(page.get_by_text(own)).to_be_visible()
    expect(page.get_by_text("Next: PBX")).to_be_visible()


def test_the_dashboard_sends_the_account_admin_to_their_account(sanne: Page):
    other = demo_customer(wizard_path.CUSTOMER, name=OTHER)
    sanne.goto("/")
    on_account_page(sanne)
    expect(sanne.get_by_role("heading", name="Partner dashboard")).to_have_count(0)
    expect(sanne.get_by_text(OTHER)).to_have_count(0)
    expect(sanne.get_by_text(other)).to_have_count(0)


def test_no_save_and_return_on_the_own_customers_steps(sanne: Page, own):
    sanne.goto("/account")
    on_account_page(sanne)
    sanne.get_by_role("button", name="Open the onboarding").click()
    expect(sanne).to_have_url(re.compile(rf"/customers/{own}/pbx/?$"))
    expect(sanne.get_by_role("heading", name="PBX", exact=True)).to_be_visible()
    ready(sanne)
    expect(sanne.get_by_role("button", name="Next")).to_be_visible()
    expect(sanne.get_by_role("button", name="Save and return")).to_have_count(0)
    for step, heading in (("customer", "Customer"), ("gateway", "Gateway")):
        sanne.goto(f"/customers/{own}/{step}")
        expect(sanne.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        ready(sanne)
        expect(sanne.get_by_role("button", name="Next")).to_be_visible()
        expect(sanne.get_by_role("button", name="Save and return")).to_have_count(0)


def test_cancel_returns_to_the_account_page(sanne: Page, own):
    sanne.goto(f"/customers/{own}/pbx")
    ready(sanne)
    sanne.get_by_role("button", name="Cancel").click()
    on_account_page(sanne)


@pytest.mark.parametrize("step", ["customer", "gateway", "pbx"])
def test_another_customer_of_the_same_partner_does_not_open(sanne: Page, step):
    other = demo_customer(wizard_path.GATEWAY, name=OTHER)
    sanne.goto(f"/customers/{other}/{step}")
    on_account_page(sanne)
    expect(sanne.get_by_text(OTHER)).to_have_count(0)
    expect(sanne.get_by_text(OWN)).to_be_visible()


def test_a_new_customer_cannot_be_started(sanne: Page):
    sanne.goto("/customers/new")
    on_account_page(sanne)


def test_the_account_page_has_no_violations(sanne: Page):
    sanne.goto("/account")
    on_account_page(sanne)
    expect(sanne.get_by_text(OWN)).to_be_visible()
    assert axe_violations(sanne) == []
