"""Issue 11 in a real browser: the partner sees a customer's open problem report on the
dashboard and in the demo Outbox, opens it and marks it resolved (who and when shown);
an admin contact invited by completing the Customer step finds the link in the Outbox,
sets a password, lands on their account page, and the link never works again."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect
from reflex.model import get_engine

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import OutboxMessage, ProblemReport
from cloudlink_app.services import problem_reports, users
from cloudlink_app.services.database import get_session
from tests.support.browser import field, ready, sign_in_context
from tests.support.database import make_customer

NAME = "Bakkerij De Korenschoof"
PASSWORD = "tulip orbit kettle 42"


@pytest.fixture
def demo(app_harness):
    """Demo mode (the Outbox page), the links pointing at this test's app."""
    with get_session() as session:
        session.execute(sa.delete(ProblemReport))
        session.execute(sa.delete(OutboxMessage))
        session.commit()
    with settings.override(demo_mode=True, deploy_url=app_harness.frontend_url):
        yield
    with get_session() as session:
        session.execute(sa.delete(ProblemReport))
        session.commit()


@pytest.fixture
def customer(clean_customers, demo) -> str:
    """A customer of the demo partner with its Customer and Gateway steps done (its
    admin contact Ada Lovelace invited) and one open problem report."""
    with get_session() as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
    account_id = make_customer(get_engine(), partner_id, wizard_path.GATEWAY, name=NAME)
    with get_session() as session:
        partner_user = users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL)
        assert partner_user is not None
        problem_reports.report_problem(
            session, partner_user, account_id, "mitel_one", "No sound", "Calls are silent."
        )
    return account_id


@pytest.fixture
def partner(app_harness, browser: Browser, customer) -> Page:
    """A tab of the demo partner user (Anna de Vries), signed in in demo mode (whose
    session cookie is another than production's)."""
    context = browser.new_context(base_url=app_harness.frontend_url)
    sign_in_context(context, app_harness.frontend_url, demo_accounts.DEMO_PARTNER_EMAIL)
    yield context.new_page()
    context.close()


def test_the_partner_sees_an_open_report_and_resolves_it(partner: Page, customer):
    partner.goto("/")
    expect(partner.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    ready(partner)
    row = partner.get_by_role("row").filter(has=partner.get_by_role("link", name=NAME, exact=True))
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")  # Open reports
    reports = row.get_by_role("link", name="Open problem reports: 1")
    # Described by the customer's name (the row's first link).
    expect(reports).to_have_accessible_description(NAME)
    reports.click()

    expect(partner.get_by_role("heading", name="Problem reports")).to_be_visible()
    ready(partner)
    report = partner.get_by_role("article").filter(has_text="No sound")
    expect(report).to_contain_text("Open")
    expect(report).to_contain_text("Reported by Anna de Vries")
    report.get_by_role("button", name="Mark resolved: No sound").click()
    expect(partner.locator("#notice")).to_contain_text("marked resolved")
    expect(report).to_contain_text(re.compile(r"Resolved by Anna de Vries, \d{1,2} \w{3} \d{4}"))
    expect(report.get_by_role("button")).to_have_count(0)

    partner.goto("/")
    ready(partner)
    row = partner.get_by_role("row").filter(has=partner.get_by_role("link", name=NAME, exact=True))
    expect(row.get_by_role("link", name="Open problem reports: 0")).to_be_visible()


def test_the_outbox_shows_the_report_and_the_invitation(partner: Page, customer):
    partner.goto("/")
    ready(partner)
    partner.get_by_role("link", name=re.compile("^Outbox")).click()
    expect(partner.get_by_role("heading", name="Outbox", exact=True)).to_be_visible()
    ready(partner)
    report_mails = partner.get_by_role("article").filter(has_text=f"[{customer}] No sound")
    expect(report_mails).to_have_count(2)  # one per support contact
    invitation = partner.get_by_role("article").filter(has_text="ada@")
    # In the customer's default language, Dutch.
    expect(invitation).to_contain_text(f"Uitnodiging om {NAME} te beheren")
    expect(invitation.get_by_role("link", name="Open the link in this email")).to_be_visible()


def test_an_invited_admin_contact_sets_a_password_and_lands_on_their_account(
    partner: Page, browser: Browser, app_harness, customer
):
    partner.goto("/outbox")
    expect(partner.get_by_role("heading", name="Outbox", exact=True)).to_be_visible()
    ready(partner)
    invitation = partner.get_by_role("article").filter(has_text="ada@")
    link = invitation.get_by_role("link", name="Open the link in this email").get_attribute("href")
    # The link opens our own endpoint at the address the app is served from (in demo
    # mode `make run` serves pages and backend on one port).
    assert link and link.startswith(app_harness.frontend_url.rstrip("/") + routes.AUTH_LINK)
    address = invitation.locator("dd").nth(1).inner_text()

    context = browser.new_context(base_url=app_harness.frontend_url)
    ada = context.new_page()
    ada.goto(link)
    expect(ada.get_by_role("heading", name="Set your password")).to_be_visible()
    assert "token" not in ada.url
    ready(ada)
    field(ada, "New password").fill(PASSWORD)
    field(ada, "Confirm password").fill(PASSWORD)
    ada.get_by_role("button", name="Set password").click()
    expect(ada.get_by_text("Your password is set")).to_be_visible()
    ready(ada)
    field(ada, "Email address").fill(address)
    field(ada, "Password").fill(PASSWORD)
    ada.get_by_role("button", name="Sign in").click()
    expect(ada.get_by_role("heading", name="Your account")).to_be_visible()
    expect(ada.get_by_text(NAME).first).to_be_visible()
    # As an account admin of the customer, Ada sees its problem reports.
    ready(ada)
    ada.get_by_role("link", name="Problem reports").click()
    expect(ada.get_by_role("heading", name="Problem reports")).to_be_visible()
    expect(ada.get_by_role("article").filter(has_text="No sound")).to_be_visible()

    # Never again.
    ada.goto(link)
    expect(ada.get_by_text(re.compile("link .*(not valid|no longer)", re.I)).first).to_be_visible()
    expect(ada.get_by_role("button", name="Set password")).to_have_count(0)
    context.close()
