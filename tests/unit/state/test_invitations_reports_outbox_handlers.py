"""The browser-callable handlers of issue 11: Review's Send invitation again, the
Problem reports page (load, Mark resolved), the demo Outbox page and the dashboard's
Registered users and Open reports. Crafted payloads (other customers' ids, wrong
types, oversized text) are refused: nothing written, nothing sent."""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import routes, settings
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import AppUser, OutboxMessage, PasswordToken, ProblemReport
from cloudlink_app.services import problem_reports, users
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.outbox import OutboxState
from cloudlink_app.state.problem_reports import ProblemReportsState
from cloudlink_app.state.review_step import ReviewStepState
from tests.support.database import (
    add_user,
    customer_row,
    database_rows,
    make_customer,
    user_id,
)
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

ADMIN = "admin@acme.example"
RIVAL = "rival@rival.example"
CRAFTED = [None, 42, True, ["x"], {"a": 1}, "", "x" * 10_000]


@pytest.fixture
def account(database, partner) -> str:
    """An onboarded-to-Review customer of the demo partner, with an account admin."""
    account_id = make_customer(database, partner, wizard_path.CONNECT, name="Bakkerij Test")
    add_user(
        database, ADMIN, users.ACCOUNT_ADMIN_ROLE, partner, customer_row(database, account_id).id
    )
    return account_id


@pytest.fixture
def rival(database, other_partner) -> str:
    add_user(database, RIVAL, users.PARTNER_ROLE, other_partner)
    return RIVAL


def outbox_rows(database) -> list[OutboxMessage]:
    with Session(database) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def add_report(database, account_id: str, summary: str = "No sound") -> int:
    customer = customer_row(database, account_id)
    with Session(database) as session:
        report = ProblemReport(
            customer_id=customer.id,
            account_id=account_id,
            customer_name=customer.name,
            reporter_user_id=user_id(database),
            application="mitel_one",
            summary=summary,
            description="Calls are silent.",
        )
        session.add(report)
        session.commit()
        assert report.id is not None
        return report.id


async def open_review(tab: Tab, account_id: str):
    tab.open_route(
        routes.REVIEW_STEP,
        as_path=routes.step_url(account_id, wizard_path.REVIEW),
        account_id=account_id,
    )
    return await tab.send(ReviewStepState, "load")


async def open_reports(tab: Tab, account_id: str):
    tab.open_route(
        routes.PROBLEM_REPORTS,
        as_path=routes.problem_reports_url(account_id),
        account_id=account_id,
    )
    return await tab.send(ProblemReportsState, "load")


# ----- Review: Send invitation again ------------------------------------------------------


async def test_review_lists_the_admin_contacts_and_sends_an_invitation_again(database, account):
    tab = Tab()
    await open_review(tab, account)
    (row,) = tab.state(ReviewStepState).admin_access
    assert row.name == "Ada Lovelace" and row.can_resend
    assert "invited" in row.status
    # Within a minute of the invitation: refused, said why, nothing queued.
    before = len(outbox_rows(database))
    await tab.send(ReviewStepState, "send_invitation_again", email=row.email)
    assert "less than a minute" in tab.notice and len(outbox_rows(database)) == before
    with database.begin() as connection:
        connection.execute(
            sa.update(PasswordToken).values(
                created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
            )
        )
    await tab.send(ReviewStepState, "send_invitation_again", email=row.email)
    assert row.email in tab.notice and len(outbox_rows(database)) == before + 1


@pytest.mark.parametrize("email", [*CRAFTED, "mo@acme.example", "ADMIN@acme.example"])
async def test_a_crafted_invitation_is_refused_and_sends_nothing(database, account, email):
    tab = Tab()
    await open_review(tab, account)
    before = database_rows(database)
    await tab.send(ReviewStepState, "send_invitation_again", email=email)
    assert tab.notice != ""
    assert database_rows(database) == before


async def test_another_partner_cannot_invite_for_a_customer(database, account, rival):
    tab = Tab(RIVAL)
    sent = await open_review(tab, account)
    assert sent.redirects  # sent home: not their customer
    before = database_rows(database)
    tab.state(ReviewStepState).loaded = account  # as if a crafted tab had it loaded
    await tab.send(ReviewStepState, "send_invitation_again", email="ada@x.example")
    assert database_rows(database) == before


# ----- Problem reports: load and Mark resolved ------------------------------------------------


@pytest.mark.parametrize("who", ["partner", "account admin"])
async def test_a_report_is_marked_resolved_with_who_and_when(database, account, who):
    report_id = add_report(database, account)
    tab = Tab() if who == "partner" else Tab(ADMIN)
    sent = await open_reports(tab, account)
    assert sent.redirects == []
    (row,) = tab.state(ProblemReportsState).reports
    assert row.is_open and row.summary == "No sound"
    await tab.send(ProblemReportsState, "mark_resolved", report_id=report_id)
    (row,) = tab.state(ProblemReportsState).reports
    assert not row.is_open and row.status.startswith("Resolved by ")
    with Session(database) as session:
        report = session.get(ProblemReport, report_id)
        assert report is not None and report.resolved_at is not None
        resolver = session.get(AppUser, report.resolved_by_user_id)
        assert resolver is not None
        assert resolver.email == (ADMIN if who == "account admin" else resolver.email)
    # Again: nothing changes, and it says so.
    await tab.send(ProblemReportsState, "mark_resolved", report_id=report_id)
    assert "already" in tab.notice


@pytest.mark.parametrize("report_id", [None, "one", 1.5, True, -1, 0, 10**12, [1], {"id": 1}])
async def test_a_crafted_report_id_is_refused(database, account, report_id):
    add_report(database, account)
    tab = Tab()
    await open_reports(tab, account)
    before = database_rows(database)
    await tab.send(ProblemReportsState, "mark_resolved", report_id=report_id)
    assert tab.notice != "" and database_rows(database) == before


async def test_another_customers_report_cannot_be_resolved_from_this_page(
    database, account, partner
):
    other = make_customer(database, partner, wizard_path.GATEWAY, name="Other BV")
    other_report = add_report(database, other)
    tab = Tab(ADMIN)  # the account admin of `account`, not of `other`
    await open_reports(tab, account)
    before = database_rows(database)
    await tab.send(ProblemReportsState, "mark_resolved", report_id=other_report)
    assert tab.notice != "" and database_rows(database) == before
    sent = await open_reports(tab, other)
    assert sent.redirects  # not theirs: sent home


async def test_another_partner_sees_no_reports(database, account, rival):
    add_report(database, account)
    tab = Tab(RIVAL)
    sent = await open_reports(tab, account)
    assert sent.redirects and tab.state(ProblemReportsState).reports == []


# ----- the dashboard's Registered users and Open reports ------------------------------------


async def test_the_dashboard_counts_registered_users_and_open_reports(database, account):
    add_report(database, account)
    resolved = add_report(database, account, "Solved one")
    with Session(database) as session:
        problem_reports.resolve(session, users.find_user(session, ADMIN), account, resolved)
        session.execute(
            sa.update(AppUser).where(AppUser.email == ADMIN).values(password_hash="set")
        )
        session.commit()
    tab = Tab()
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    row = next(r for r in tab.state(DashboardState).rows if r.account_id == account)
    assert (row.registered_users, row.open_reports) == (1, 1)
    assert row.reports_url == routes.problem_reports_url(account)
    assert row.reports_label == "Open problem reports: 1" and "Bakkerij" not in row.reports_label
    assert row.name_id == f"customer-{account}"


# ----- the demo Outbox ------------------------------------------------------------------------


async def test_the_outbox_shows_only_in_demo_mode_and_only_ones_own_customers(
    database, account, rival
):
    tab = Tab()
    tab.open_route(routes.OUTBOX)
    await tab.send(OutboxState, "load")
    assert tab.state(OutboxState).messages == []  # not demo mode: nothing shown
    with settings.override(demo_mode=True):
        await tab.send(OutboxState, "load")
        shown = tab.state(OutboxState).messages
        assert all(m.recipient.startswith("ada@") for m in shown)
        (invitation,) = shown
        # Demo mode: the backend's endpoint of `make run` (Reflex's api_url).
        assert invitation.link.startswith("http://localhost:3000/auth/link?token=")
        assert invitation.link in invitation.text
        other = Tab(RIVAL)
        other.open_route(routes.OUTBOX)
        await other.send(OutboxState, "load")
        assert other.state(OutboxState).messages == []
