"""Report a problem (/customers/[account_id]/problems/new): who may report, what is
refused (nothing stored, nothing queued), and what reaches the support contacts over a
real SMTP server (aiosmtpd on 127.0.0.1): one message per contact, with the account ID,
the customer's name, the reporter, the application and the report, in the customer's
language, and no header or recipient from what the user typed."""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import problem_reports as report_rules
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import OutboxMessage, ProblemReport
from cloudlink_app.services import drafts, outbox, owned_customers, problem_reports, users
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.state.report_problem import MAX_LENGTH, ReportProblemState
from tests.support import smtp as smtp_server
from tests.support.database import (
    add_user,
    count,
    customer_row,
    database_rows,
    make_customer,
    set_columns,
)
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

ADMIN = "admin@acme.example"
OTHER_ADMIN = "admin@other.example"
RIVAL = "rival@rival.example"
SENDER = "CloudLink Onboarding <noreply@cloudlink.example>"
S = ReportProblemState


# ----- a real SMTP server -------------------------------------------------------------


@pytest.fixture
def smtp(database):
    """A running SMTP server on a free port, and the app's settings pointing at it."""
    with smtp_server.running(SENDER) as server:
        yield server.recorder


# ----- customers and users -------------------------------------------------------------


@pytest.fixture
def account(database, partner) -> str:
    """A customer of the demo partner (support contacts Mo Main and Olga Site, default
    language Dutch) with an account admin, ADMIN."""
    account_id = make_customer(database, partner, wizard_path.GATEWAY, name="Bakkerij Test")
    add_user(
        database, ADMIN, users.ACCOUNT_ADMIN_ROLE, partner, customer_row(database, account_id).id
    )
    # Completing the Customer step invited its admin contact (services/invitations.py):
    # these tests count the reports' messages only.
    with database.begin() as connection:
        connection.execute(sa.delete(OutboxMessage))
    return account_id


async def open_page(tab: Tab, account_id: str):
    tab.open_route(
        routes.REPORT_PROBLEM, as_path=routes.report_problem_url(account_id), account_id=account_id
    )
    return await tab.send(S, "load")


async def fill(
    tab: Tab, application="mitel_one", summary="No sound", description="Calls are silent."
):
    await tab.send(S, "set_application", value=application)
    await tab.send(S, "set_summary", value=summary)
    await tab.send(S, "set_description", value=description)


def reports(database) -> list[ProblemReport]:
    with Session(database) as session:
        return list(session.exec(select(ProblemReport)).all())


def messages(database) -> list[OutboxMessage]:
    with Session(database) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


# ----- success ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["partner", "account admin"])
async def test_a_report_is_stored_with_one_message_per_support_contact(database, account, who):
    tab = Tab() if who == "partner" else Tab(ADMIN)
    sent = await open_page(tab, account)
    assert sent.redirects == [] and tab.notice == ""
    assert tab.state(S).customer_name == "Bakkerij Test"
    await fill(tab)

    await tab.send(S, "send_report")

    state = tab.state(S)
    assert state.errors == {} and tab.notice == ""
    assert state.done == t("report_problem.done")
    assert [n.split(" (")[0] for n in state.notified] == ["Mo Main", "Olga Site"]
    [report] = reports(database)
    assert (report.application, report.summary, report.description) == (
        "mitel_one",
        "No sound",
        "Calls are silent.",
    )
    assert report.customer_id == customer_row(database, account).id
    rows = messages(database)
    assert len(rows) == 2
    assert sorted(r.to_address for r in rows) == sorted(
        c.split("(")[1].rstrip(")") for c in state.notified
    )
    assert {r.kind for r in rows} == {problem_reports.KIND}
    assert {r.customer_id for r in rows} == {report.customer_id}
    # The form is empty again, ready for the next report.
    assert (state.application, state.summary, state.description) == ("", "", "")


# ----- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "values", "key"),
    [
        ("application", {"application": ""}, "report_problem.application.required"),
        ("summary", {"summary": "   "}, "report_problem.summary.required"),
        ("summary", {"summary": "x" * 121}, "report_problem.summary.too_long"),
        ("summary", {"summary": "Line\r\nBcc: x@evil.example"}, "report_problem.summary.one_line"),
        ("summary", {"summary": "Line\nTwo"}, "report_problem.summary.one_line"),
        ("description", {"description": ""}, "report_problem.description.required"),
        ("description", {"description": "y" * 5001}, "report_problem.description.too_long"),
    ],
)
async def test_a_report_with_a_problem_shows_it_and_stores_nothing(
    database, account, field, values, key
):
    tab = Tab()
    await open_page(tab, account)
    await fill(tab, **values)
    before = database_rows(database)

    await tab.send(S, "send_report")

    state = tab.state(S)
    assert list(state.errors) == [field]
    maximum = report_rules.SUMMARY_MAX if field == "summary" else report_rules.DESCRIPTION_MAX
    assert state.errors[field] == t(key, max=maximum)
    assert [e.field_id for e in state.error_summary] == [field]
    assert state.done == ""
    assert database_rows(database) == before


async def test_leaving_a_field_shows_its_error_at_once(database, account):
    tab = Tab()
    await open_page(tab, account)
    await tab.send(S, "set_summary", value="One\nTwo")
    assert tab.state(S).errors == {}
    await tab.send(S, "leave_field", field_id="summary")
    assert tab.state(S).errors == {"summary": t("report_problem.summary.one_line")}
    await tab.send(S, "set_summary", value="One")
    assert tab.state(S).errors == {}


@pytest.mark.parametrize(
    ("handler", "payload", "notice"),
    [
        ("set_application", {"value": "pbx_admin"}, "notice.unknown_choice"),
        ("set_application", {"value": ["mitel_one"]}, "notice.not_text"),
        ("set_summary", {"value": 12}, "notice.not_text"),
        ("set_summary", {"value": {"a": "b"}}, "notice.not_text"),
        ("set_summary", {"value": "x" * 10_000}, "notice.too_long"),
        ("set_description", {"value": None}, "notice.not_text"),
        ("set_description", {"value": "x" * 100_000}, "notice.too_long"),
        ("leave_field", {"field_id": "loaded"}, "notice.unknown_field"),
        ("leave_field", {"field_id": 3}, "notice.unknown_field"),
    ],
)
async def test_crafted_values_are_refused_and_change_nothing(
    database, account, handler, payload, notice
):
    tab = Tab()
    await open_page(tab, account)
    await fill(tab)
    before = tab.snapshot(S)

    await tab.send(S, handler, **payload)

    field = handler.removeprefix("set_")
    assert tab.notice == t(notice, limit=MAX_LENGTH.get(field, 0))
    assert tab.snapshot(S) == before
    await tab.send(S, "send_report")
    assert [r.summary for r in reports(database)] == ["No sound"]


# ----- access --------------------------------------------------------------------------------


async def test_another_partners_customer_is_refused(database, account, other_partner):
    add_user(database, RIVAL, users.PARTNER_ROLE, other_partner)
    tab = Tab(RIVAL)
    sent = await open_page(tab, account)
    assert sent.redirects == [routes.DASHBOARD]
    assert tab.state(S).customer_name == ""
    # A crafted event for that customer, as if the page had loaded.
    tab.state(S).loaded = account
    await fill(tab)
    before = database_rows(database)
    await tab.send(S, "send_report")
    assert tab.notice == t("notice.customer_not_found")
    assert database_rows(database) == before


async def test_an_account_admin_of_another_customer_is_refused(database, partner, account):
    other = make_customer(database, partner, wizard_path.GATEWAY, name="Other BV")
    add_user(
        database, OTHER_ADMIN, users.ACCOUNT_ADMIN_ROLE, partner, customer_row(database, other).id
    )
    tab = Tab(OTHER_ADMIN)
    sent = await open_page(tab, account)
    assert sent.redirects == [routes.ACCOUNT]
    tab.state(S).loaded = account
    await fill(tab)
    before = database_rows(database)
    await tab.send(S, "send_report")
    assert tab.notice == t("notice.customer_not_found")
    assert database_rows(database) == before


async def test_signed_out_the_page_sends_to_sign_in_and_sends_nothing(database, account):
    tab = Tab()
    await open_page(tab, account)
    await fill(tab)
    tab.sign_out()
    await tab.follow_session()
    before = database_rows(database)
    sent = await open_page(tab, account)
    assert sent.redirects == [routes.sign_in_url(routes.report_problem_url(account))]
    await tab.send(S, "send_report")
    assert tab.notice == t("notice.not_signed_in")
    assert database_rows(database) == before


async def test_the_service_refuses_other_customers_and_problems(
    session, database, account, other_partner
):
    add_user(database, RIVAL, users.PARTNER_ROLE, other_partner)
    rival = users.find_user(session, RIVAL)
    partner_user = users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL)
    assert rival is not None and partner_user is not None
    with pytest.raises(owned_customers.CustomerNotFound):
        problem_reports.report_problem(session, rival, account, "other", "S", "D")
    with pytest.raises(problem_reports.InvalidReport):
        problem_reports.report_problem(session, partner_user, account, "nope", "S", "D")
    assert count(database, ProblemReport) == 0 and count(database, OutboxMessage) == 0


# ----- over SMTP ------------------------------------------------------------------------------


async def test_each_support_contact_gets_one_message_with_the_report(smtp, database, account):
    tab = Tab(ADMIN)
    await open_page(tab, account)
    await fill(
        tab,
        application="cloudlink_gateway",
        summary="Gateway offline\r\nBcc: thief@evil.example",
        description="Since 9:00 <b>nothing</b>.\nBcc: thief@evil.example",
    )
    # CR/LF in the summary is refused on the page...
    await tab.send(S, "send_report")
    assert list(tab.state(S).errors) == ["summary"]
    await tab.send(S, "set_summary", value="Gateway offline Bcc: thief@evil.example")
    await tab.send(S, "send_report")
    assert tab.state(S).done != ""

    assert await outbox.deliver_due() == 2

    received = smtp.received()
    recipients = sorted(rcpt for rcpts, _ in received for rcpt in rcpts)
    assert [r.split("@")[0] for r in recipients] == ["mo", "olga"]
    for rcpts, message in received:
        assert len(rcpts) == 1 and message["To"] == rcpts[0]
        assert message["Bcc"] is None and message["Cc"] is None
        assert message["Subject"] == f"[{account}] Gateway offline Bcc: thief@evil.example"
        body = message.get_body(("plain",)).get_content()
        for part in (
            account,
            "Bakkerij Test",
            "admin",  # the reporter's name
            ADMIN,
            "CloudLink Gateway",
            "Gateway offline",
            "Since 9:00 <b>nothing</b>.",
            "Gemeld door",  # the customer's default language: Dutch
        ):
            assert part in body, part
        html = message.get_body(("html",)).get_content()
        assert "&lt;b&gt;nothing&lt;/b&gt;" in html and "<b>nothing" not in html
    # Sent once: a second round sends nothing.
    assert await outbox.deliver_due() == 0
    assert len(smtp.envelopes) == 2


async def test_a_customer_language_the_app_lacks_gets_english(smtp, database, account):
    set_columns(database, account, default_language="de")
    tab = Tab()
    await open_page(tab, account)
    await fill(tab, application="other")
    await tab.send(S, "send_report")
    assert await outbox.deliver_due() == 2
    for _, message in smtp.received():
        body = message.get_body(("plain",)).get_content()
        assert "Reported by" in body and "Other" in body


async def test_a_report_outlives_its_deleted_draft(database, partner):
    """Reports are never deleted by the app: deleting the draft they were made for keeps
    them, with the account ID and the name they were made for."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from cloudlink_app.models import Customer, ProblemReport
    from tests.support.builders import valid_form
    from tests.support.database import save

    record = save(database, partner, valid_form("Weg BV", "weg.example"), complete=False)
    with Session(database) as session:
        customer = session.exec(
            sa.select(Customer).where(Customer.account_id == record.account_id)
        ).scalar_one()
        user_id = session.exec(sa.text("SELECT id FROM app_user LIMIT 1")).scalar_one()
        session.add(
            ProblemReport(
                customer_id=customer.id,
                account_id=customer.account_id,
                customer_name=customer.name,
                reporter_user_id=user_id,
                application="other",
                summary="Kapot",
                description="Het werkt niet.",
            )
        )
        session.commit()
    with Session(database) as session:
        drafts.delete_draft(session, CustomerScope(partner), record.account_id)
    with Session(database) as session:
        (report,) = session.exec(sa.select(ProblemReport)).scalars().all()
    assert (report.customer_id, report.account_id, report.customer_name) == (
        None,
        record.account_id,
        "Weg BV",
    )


async def test_a_flood_of_reports_is_refused_nothing_stored_nothing_sent(database, account):
    """Each report mails every support contact: after REPORTS_PER_WINDOW reports within
    REPORT_WINDOW, the next is refused with a notice until the window has passed."""
    tab = Tab()
    await open_page(tab, account)
    for n in range(problem_reports.REPORTS_PER_WINDOW):
        await fill(tab, summary=f"Problem {n}")
        await tab.send(S, "send_report")
        assert tab.notice == ""
    stored, queued = len(reports(database)), len(messages(database))
    await fill(tab, summary="One too many")
    await tab.send(S, "send_report")
    assert "wait a few minutes" in tab.notice
    assert (len(reports(database)), len(messages(database))) == (stored, queued)
    # Once the window has passed, reports go out again.
    with database.begin() as connection:
        connection.execute(
            sa.update(ProblemReport).values(
                created_at=datetime.datetime.now(datetime.UTC)
                - problem_reports.REPORT_WINDOW
                - datetime.timedelta(minutes=1)
            )
        )
    await tab.send(S, "send_report")
    assert len(reports(database)) == stored + 1


async def test_the_mail_server_down_during_a_report_then_back_delivers_once(database, account):
    """The report is stored and its messages wait while the server is down; once it is
    back they go out, each once (a later round sends nothing again)."""
    with smtp_server.running(SENDER) as server:
        server.stop()
        tab = Tab()
        await open_page(tab, account)
        await fill(tab)
        await tab.send(S, "send_report")
        assert tab.state(S).done == t("report_problem.done")
        assert await outbox.deliver_due() == 0
        assert all(row.sent_at is None and row.last_error for row in messages(database))

        server.start()
        later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
        assert await outbox.deliver_due(later) == 2
        assert await outbox.deliver_due(later + datetime.timedelta(hours=2)) == 0
        received = server.recorder.received()
        assert sorted(r for rcpts, _ in received for r in rcpts) == sorted(
            row.to_address for row in messages(database)
        )
        assert len({message["Message-ID"] for _, message in received}) == 2
