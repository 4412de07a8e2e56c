"""An account admin (demo "sanne@vandermeer-bakkerij.nl", linked to a customer of the
demo partner) opens Report a problem from their account page, sends a report, and
sees the support contacts that were notified; axe finds nothing on the page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect
from reflex.model import get_engine
from sqlmodel import select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import AppUser, Customer, OutboxMessage, ProblemReport
from cloudlink_app.services import problem_reports
from cloudlink_app.services.database import get_session
from tests.support.browser import axe_violations, field, ready, sign_in_context
from tests.support.database import make_customer

SANNE = "sanne@vandermeer-bakkerij.nl"
OWN = "Bakkerij Van der Meer"


def _forget_reports() -> None:
    # Reports keep their customer (the app never deletes them): the suite's
    # clean_customers deletes customers, so this test removes its own reports.
    with get_session() as session:
        session.execute(sa.delete(ProblemReport))
        session.execute(sa.delete(OutboxMessage))
        session.commit()


@pytest.fixture
def own(clean_customers) -> str:
    """Sanne's customer (support contacts Mo Main and Olga Site), Customer and Gateway
    steps done."""
    _forget_reports()
    with get_session() as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
    account_id = make_customer(get_engine(), partner_id, wizard_path.GATEWAY, name=OWN)
    with get_session() as session:
        customer_id = session.exec(
            select(Customer.id).where(Customer.account_id == account_id)
        ).one()
        session.execute(
            sa.update(AppUser).where(AppUser.email == SANNE).values(customer_id=customer_id)
        )
        session.commit()
    yield account_id
    _forget_reports()


@pytest.fixture
def sanne(app_harness, browser: Browser, own) -> Page:
    """A tab of Sanne, signed in."""
    context: BrowserContext = browser.new_context(base_url=app_harness.frontend_url)
    sign_in_context(context, app_harness.frontend_url, SANNE)
    yield context.new_page()
    context.close()


def test_an_account_admin_reports_a_problem_and_sees_who_was_notified(sanne: Page, own):
    page = sanne
    page.goto("/account")
    ready(page)
    page.get_by_role("link", name="Report a problem").click()
    expect(page).to_have_url(re.compile(rf"/customers/{own}/problems/new/?$"))
    expect(page.get_by_role("heading", name="Report a problem")).to_be_visible()
    ready(page)
    assert axe_violations(page) == []

    field(page, "Application").select_option(label="MiVoice Office app")
    field(page, "Summary").fill("No sound on calls")
    field(page, "Description").fill("Since this morning nobody hears the other side.")
    page.get_by_role("button", name="Send report").click()

    done = page.get_by_role("status").filter(has_text="Your report was sent")
    expect(done).to_be_visible()
    expect(done).to_be_focused()
    expect(done.get_by_text("Mo Main")).to_be_visible()
    expect(done.get_by_text("Olga Site")).to_be_visible()
    assert axe_violations(page) == []
    with get_session() as session:
        [report] = session.exec(select(ProblemReport)).all()
        assert (report.application, report.summary) == ("mivoice_office_app", "No sound on calls")
        # One per support contact (the customer's admin contact was invited too).
        reports = select(OutboxMessage).where(OutboxMessage.kind == problem_reports.KIND)
        assert len(session.exec(reports).all()) == 2


def test_an_empty_report_shows_the_error_summary(sanne: Page, own):
    page = sanne
    page.goto(f"/customers/{own}/problems/new")
    ready(page)
    page.get_by_role("button", name="Send report").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter a summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert axe_violations(page) == []
    with get_session() as session:
        assert session.exec(select(ProblemReport)).all() == []
