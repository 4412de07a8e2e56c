"""The mail limits (domain/limits.py, services/mail_limits.py) against a real SMTP server
(aiosmtpd on 127.0.0.1): for each limit, the server receives no more than it allows in
the window, the outbox keeps the rest (held until the next window, with the limit's
name) and sends it then; the Review step and the report's confirmation say why a
message waits; the operators' log says who reached which limit."""

from __future__ import annotations

import dataclasses
import datetime
import logging

import pytest
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import forms, limits
from cloudlink_app.models import OutboxMessage, PasswordToken, as_utc, times
from cloudlink_app.services import customers, invitations, outbox, problem_reports, users
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.views import mail_limits as waiting_texts
from cloudlink_app.views.review import admin_access_rows
from tests.support import smtp as smtp_server
from tests.support.builders import valid_form
from tests.support.database import customer_row, save

URL = "https://onboarding.example.com"
SENDER = "CloudLink Onboarding <noreply@cloudlink.example>"


@pytest.fixture(autouse=True)
def deploy_url():
    with settings.override(deploy_url=URL):
        yield


@pytest.fixture
def smtp(database):
    with smtp_server.running(SENDER) as server:
        yield server.recorder


# A morning, past the hour: every message of a test is written in the same windows,
# whatever the time the tests run.
BASE = datetime.datetime(2030, 1, 15, 10, 20, tzinfo=datetime.UTC)
NEXT_HOUR = datetime.datetime(2030, 1, 15, 11, 0, tzinfo=datetime.UTC)
TOMORROW = datetime.datetime(2030, 1, 16, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch) -> datetime.datetime:
    """The services' current time fixed at BASE (models.times.utc_now, through which
    every utc_now_or(None) goes, and the problem reports')."""
    monkeypatch.setattr(times, "utc_now", lambda: BASE)
    monkeypatch.setattr(problem_reports, "utc_now", lambda: BASE)
    return BASE


@pytest.fixture
def partner_user(database) -> users.CurrentUser:
    with Session(database) as session:
        found = users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL)
    assert found is not None
    return found


def customer_form(name: str, domain: str, admins: int = 1, supports: int = 2):
    form = valid_form(name, domain)
    return dataclasses.replace(
        form,
        admin_contacts=[
            forms.AdminContactRow(100 + i, "Admin", f"Number {i}", f"admin{i}@{domain}")
            for i in range(admins)
        ],
        support_contacts=[
            forms.SupportContactRow(
                1000 + i, forms.ROLE_MAINTAINER, f"Support {i}", f"s{i}@{domain}"
            )
            for i in range(supports)
        ],
    )


def completed(database, partner: int, form, by: int | None = None) -> customers.CustomerRecord:
    """The Customer step completed (Next) by user ``by``: its admin contacts invited."""
    with Session(database, expire_on_commit=False) as session:
        return customers.save_customer(
            session,
            scope=CustomerScope(partner),
            account_id=None,
            expected_version=None,
            form=form,
            complete=True,
            saved_by=by,
        )


def messages(database, kind: str) -> list[OutboxMessage]:
    with Session(database) as session:
        return list(
            session.exec(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            ).all()
        )


def held(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    return [row for row in rows if row.held_reason]


async def deliver_all(now: datetime.datetime) -> int:
    """Every message due at ``now`` sent (as many rounds of the sender as it takes)."""
    total = 0
    while sent := await outbox.deliver_due(now):
        total += sent
    return total


def reached(caplog, name: str) -> list[dict]:
    return [
        record.fields
        for record in caplog.records
        if getattr(record, "fields", {}).get("limit") == name
    ]


# ----- invitations per customer per day ---------------------------------------------------


@pytest.mark.asyncio
async def test_a_customer_invites_50_a_day_and_the_rest_waits(
    smtp, database, partner, partner_user, clock, caplog
):
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        record = completed(
            database,
            partner,
            customer_form("Big List BV", "biglist.example", admins=60),
            by=partner_user.id,
        )
    rows = messages(database, limits.INVITATION_KIND)
    assert len(rows) == 60  # every contact invited: none dropped
    waiting = held(rows)
    assert len(waiting) == 10, (
        f"{len(waiting)} of 60 invitations held: a customer's limit is 50 a day"
    )
    tomorrow = TOMORROW
    assert {r.held_reason for r in waiting} == {limits.CUSTOMER_INVITATIONS.name}
    assert {as_utc(r.held_until) for r in waiting} == {tomorrow}
    assert {as_utc(r.next_attempt_at) for r in waiting} == {tomorrow}

    sent_now = await deliver_all(BASE)
    assert len(smtp.envelopes) == 50, f"the server got {len(smtp.envelopes)} invitations today"
    assert sent_now == 50

    # Review says which invitations wait, and why.
    customer = customer_row(database, record.account_id)
    with Session(database) as session:
        access = invitations.access(session, customer.id, partner)
        links = session.exec(select(PasswordToken).order_by(col(PasswordToken.id))).all()
    assert [a.state for a in access].count(invitations.WAITING) == 10
    shown = [row for row in admin_access_rows(access, "en") if "waiting" in row.status]
    assert len(shown) == 10 and not any(row.can_resend for row in shown)
    assert shown[0].status.startswith(
        "Invitation waiting: the daily limit for this customer is reached. It will be sent at"
    )
    # A held invitation's link lives its seven days from when it goes.
    assert as_utc(links[-1].expires_at) == tomorrow + datetime.timedelta(days=7)
    # The operators' log: which limit, whose, by whom; once per save.
    assert reached(caplog, limits.CUSTOMER_INVITATIONS.name) == [
        {
            "event": "mail_limit_reached",
            "limit": "customer_invitations",
            "count": 50,
            "window_hours": 24,
            "partner": partner,
            "customer": customer.id,
            "user": partner_user.id,
        }
    ]

    # The next day, the rest goes.
    assert await deliver_all(tomorrow) == 10
    assert len(smtp.envelopes) == 60
    assert all(r.sent_at is not None for r in messages(database, limits.INVITATION_KIND))


# ----- invitations per partner per day ----------------------------------------------------


@pytest.mark.asyncio
async def test_a_partner_invites_200_a_day_and_the_rest_waits(
    smtp, database, partner, partner_user, clock, caplog
):
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        for n in range(5):  # 45 each: under the customer's 50
            completed(
                database,
                partner,
                customer_form(f"Customer {n}", f"c{n}.example", admins=45),
                by=partner_user.id,
            )
    rows = messages(database, limits.INVITATION_KIND)
    waiting = held(rows)
    assert len(rows) == 225
    # 100 now, 100 the next hour (the hourly budget), and after 200 today: tomorrow.
    assert len([r for r in waiting if r.held_reason == limits.PARTNER_INVITATIONS.name]) == 25, (
        "the invitations held for tomorrow: a partner's limit is 200 a day"
    )
    assert {(r.held_reason, as_utc(r.held_until)) for r in waiting} == {
        (limits.PARTNER_MAIL.name, NEXT_HOUR),
        (limits.PARTNER_INVITATIONS.name, TOMORROW),
    }

    assert await deliver_all(BASE) == 100
    assert await deliver_all(NEXT_HOUR) == 100
    assert await deliver_all(TOMORROW - datetime.timedelta(minutes=1)) == 0
    assert len(smtp.envelopes) == 200, f"the server got {len(smtp.envelopes)} today"
    (logged,) = reached(caplog, limits.PARTNER_INVITATIONS.name)
    assert (logged["partner"], logged["user"]) == (partner, partner_user.id)

    assert await deliver_all(TOMORROW) == 25
    assert len(smtp.envelopes) == 225


# ----- invitations to one person per day ("Send invitation again") ------------------------


@pytest.mark.asyncio
async def test_one_person_gets_4_invitations_a_day_and_the_next_waits(
    smtp, database, partner, partner_user, clock, caplog
):
    # Minutes apart (Send invitation again waits a minute), all on one day.
    start = BASE
    record = save(database, partner, customer_form("Again BV", "again.example"), complete=False)
    customer = customer_row(database, record.account_id)
    ada = "admin0@again.example"
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        for n in range(5):
            with Session(database) as session:
                at = start + datetime.timedelta(minutes=2 * n)
                invitations.send_again(session, customer, ada, now=at, by=partner_user.id)
    rows = messages(database, limits.INVITATION_KIND)
    waiting = held(rows)
    assert len(rows) == 5
    assert len(waiting) == 1, f"{len(waiting)} of 5 held: a person's limit is 4 a day"
    (last,) = waiting
    assert last.held_reason == limits.RECIPIENT_INVITATIONS.name
    assert as_utc(last.held_until) == TOMORROW
    (logged,) = reached(caplog, limits.RECIPIENT_INVITATIONS.name)
    assert logged["user"] == partner_user.id and logged["recipient_domain"] == "again.example"
    # While it waits, another would only wait too: refused, and Review says why.
    with Session(database) as session, pytest.raises(invitations.CannotInvite) as refused:
        invitations.send_again(session, customer, ada, now=start + datetime.timedelta(hours=2))
    assert refused.value.reason == invitations.WAITING
    with Session(database) as session:
        (access,) = invitations.access(session, customer.id, partner)
    assert access.state == invitations.WAITING
    assert admin_access_rows([access], "nl")[0].status.startswith(
        "Uitnodiging wacht: de daglimiet voor uitnodigingen aan deze persoon is bereikt."
    )

    assert await deliver_all(start + limits.HOUR) == 4
    assert len(smtp.envelopes) == 4, f"the server got {len(smtp.envelopes)} for one person"
    assert await deliver_all(as_utc(last.held_until)) == 1
    assert [rcpt for rcpt, _ in smtp.received()] == [[ada]] * 5


# ----- the partner's hourly mail budget ----------------------------------------------------


@pytest.mark.asyncio
async def test_a_partner_mails_100_an_hour_and_the_rest_waits(
    smtp, database, partner, partner_user, clock, caplog
):
    # A draft: no invitations, only the reports' messages count here.
    record = save(
        database,
        partner,
        customer_form("Reports BV", "reports.example", supports=30),
        complete=False,
    )
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        for n in range(4):  # 4 reports x 30 support contacts = 120 messages
            with Session(database) as session:
                _report, notified = problem_reports.report_problem(
                    session, partner_user, record.account_id, "mitel_one", f"Problem {n}", "d"
                )
    rows = messages(database, limits.PROBLEM_REPORT_KIND)
    waiting = held(rows)
    assert len(rows) == 120
    assert len(waiting) == 20, f"{len(waiting)} of 120 held: a partner's limit is 100 an hour"
    next_hour = NEXT_HOUR
    assert {(r.held_reason, as_utc(r.held_until)) for r in waiting} == {
        (limits.PARTNER_MAIL.name, next_hour)
    }
    # The last report's confirmation says which contacts wait, and why.
    assert [n.held_reason for n in notified].count(limits.PARTNER_MAIL.name) == 20
    words = waiting_texts.waiting_words(notified[-1].held_reason, notified[-1].waits_until, "en")
    assert words.startswith("Waiting: the partner's hourly limit of email is reached.")
    (logged,) = reached(caplog, limits.PARTNER_MAIL.name)
    assert (logged["partner"], logged["user"]) == (partner, partner_user.id)

    assert await deliver_all(BASE) == 100
    assert len(smtp.envelopes) == 100, f"the server got {len(smtp.envelopes)} this hour"
    assert await deliver_all(next_hour) == 20
    assert len(smtp.envelopes) == 120


# ----- recipients of one problem report ------------------------------------------------------


@pytest.mark.asyncio
async def test_a_report_mails_30_support_contacts_at_once_and_the_rest_an_hour_later(
    smtp, database, partner, partner_user, clock, caplog
):
    record = save(
        database, partner, customer_form("Many BV", "many.example", supports=45), complete=False
    )
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"), Session(database) as session:
        _report, notified = problem_reports.report_problem(
            session, partner_user, record.account_id, "mitel_one", "No sound", "Silent."
        )
    rows = messages(database, limits.PROBLEM_REPORT_KIND)
    waiting = held(rows)
    assert len(rows) == 45
    assert len(waiting) == 15, f"{len(waiting)} of 45 held: a report goes to 30 at once"
    assert {r.held_reason for r in waiting} == {limits.REPORT_RECIPIENTS_LIMIT}
    later = BASE + limits.HOUR
    assert {as_utc(r.held_until) for r in waiting} == {later}
    assert [n.waits_until is not None for n in notified] == [False] * 30 + [True] * 15
    words = waiting_texts.waiting_words(notified[-1].held_reason, later, "en")
    assert words.startswith("Waiting: a report is mailed to at most 30 support contacts an hour.")
    (logged,) = reached(caplog, limits.REPORT_RECIPIENTS_LIMIT)
    assert logged["user"] == partner_user.id

    assert await deliver_all(BASE) == 30
    assert len(smtp.envelopes) == 30, f"the server got {len(smtp.envelopes)} at once"
    assert await deliver_all(later) == 15
    assert len(smtp.envelopes) == 45
