"""Problem reports: a customer's problem with a CloudLink application, mailed to the
customer's support contacts.

An account admin reports for their own customer; a partner user for any customer of
their partner (the permission table's OPEN_CUSTOMER: domain/permissions.py). The
report and one outbox message per support contact are written in ONE transaction
(services/outbox.py): either both exist or neither does. The message is worded in the
customer's default language when the app has it (i18n.UI_LANGUAGES), else in English;
what the user typed goes only into the bodies (the subject is made one line by the
outbox), so it can never add a header or a recipient.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from cloudlink_app.domain import limits, permissions
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.limits import Problems
from cloudlink_app.domain.problem_reports import APPLICATIONS, validate
from cloudlink_app.models import (
    AppUser,
    Customer,
    ProblemReport,
    SupportContact,
    utc_now,
    utc_now_or,
)
from cloudlink_app.services import mail_limits, outbox, owned_customers
from cloudlink_app.services.users import CurrentUser

KIND = limits.PROBLEM_REPORT_KIND  # the outbox messages' kind
# At most this many reports per user within REPORT_WINDOW (TooManyReports).
REPORTS_PER_WINDOW = 5
REPORT_WINDOW = datetime.timedelta(minutes=10)
REPORTS_SHOWN = 200  # the most a customer's Problem reports page lists


class TooManyReports(Exception):
    """The user sent REPORTS_PER_WINDOW reports within REPORT_WINDOW: each report mails
    every support contact, so a flood of them is refused until the window has passed."""


class UnusableContacts(ValueError):
    """Support contacts whose stored address cannot be mailed: a draft keeps what was
    typed (services/customers.py), so an address may be invalid. Nothing was stored or
    sent; ``contacts`` says which to correct, as (position from 1, name, address)."""

    def __init__(self, contacts: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(contacts)} support contact(s) without a usable address")
        self.contacts = contacts


class InvalidReport(ValueError):
    """The report has problems (``problems``, by field id): nothing was stored."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(", ".join(p.key for p in problems.values()))
        self.problems = problems


@dataclasses.dataclass(frozen=True)
class Notified:
    """A support contact a report was sent to."""

    name: str
    email: str
    # When a mail limit holds the message (services/mail_limits.py): until when, why.
    waits_until: datetime.datetime | None = None
    held_reason: str = ""


def reportable_customer(session: Session, user: CurrentUser, account_id: object) -> Customer:
    """The customer ``user`` may report a problem for; CustomerNotFound otherwise (none,
    another partner's, one not selected for the user, or another customer of an
    account admin)."""
    if not isinstance(account_id, str) or not account_id:
        raise owned_customers.CustomerNotFound(str(account_id))
    customer = owned_customers.owned_customer(session, user.scope, account_id)
    if not user.may(permissions.OPEN_CUSTOMER, customer.partner_id, customer.id):
        raise owned_customers.CustomerNotFound(account_id)
    return customer


def _message(
    customer: Customer, user: CurrentUser, report: ProblemReport, lang: str
) -> tuple[str, str]:
    subject = t(
        "report_problem.mail_subject", lang, account_id=customer.account_id, summary=report.summary
    )
    text = t(
        "report_problem.mail_body",
        lang,
        account_id=customer.account_id,
        customer_name=customer.name,
        reporter_name=user.display_name,
        reporter_email=user.email,
        application=t(APPLICATIONS[report.application], lang),
        summary=report.summary,
        description=report.description,
    )
    return subject, text


def _recipients(contacts: Sequence[SupportContact]) -> list[tuple[SupportContact, str]]:
    """Each support contact with the address to mail (normalised: a draft may have kept
    it as typed, in capitals); UnusableContacts naming every contact whose address is
    not one email address."""
    found, unusable = [], []
    for position, contact in enumerate(contacts, start=1):
        try:
            found.append((contact, outbox.check_recipient(contact.email)))
        except outbox.InvalidRecipient:
            unusable.append((position, contact.name, contact.email))
    if unusable:
        raise UnusableContacts(unusable)
    return found


def report_problem(
    session: Session,
    user: CurrentUser,
    account_id: str,
    application: str,
    summary: str,
    description: str,
) -> tuple[ProblemReport, list[Notified]]:
    """Store the report and one outbox message per support contact of the customer, in
    one transaction, and commit; the report and the contacts notified. Raises
    CustomerNotFound when ``user`` may not report for that customer, InvalidReport
    when the report has problems, TooManyReports after REPORTS_PER_WINDOW reports
    of the user within REPORT_WINDOW and UnusableContacts when a support contact's
    stored address is not one (nothing stored, nothing sent)."""
    customer = reportable_customer(session, user, account_id)
    problems = validate(application, summary, description)
    if problems:
        raise InvalidReport(problems)
    recent = session.exec(
        select(sa.func.count())
        .select_from(ProblemReport)
        .where(
            ProblemReport.reporter_user_id == user.id,
            ProblemReport.created_at > utc_now() - REPORT_WINDOW,
        )
    ).one()
    if recent >= REPORTS_PER_WINDOW:
        raise TooManyReports()
    assert customer.id is not None  # a stored row
    contacts = session.exec(
        select(SupportContact)
        .where(SupportContact.customer_id == customer.id)
        .order_by(col(SupportContact.position))
    ).all()
    recipients = _recipients(contacts)
    report = ProblemReport(
        customer_id=customer.id,
        account_id=customer.account_id,
        customer_name=customer.name,
        reporter_user_id=user.id,
        application=application,
        summary=summary.strip(),
        description=description.strip(),
    )
    session.add(report)
    lang = outbox.mail_language(customer)
    subject, text = _message(customer, user, report, lang)
    notified = []
    now = utc_now()
    try:
        for index, (contact, address) in enumerate(recipients):
            # REPORT_RECIPIENTS support contacts at once, each next as many an hour later;
            # and the partner's hourly mail budget (mail_limits).
            slot = mail_limits.place(
                session,
                partner_id=customer.partner_id,
                kind=KIND,
                customer_id=customer.id,
                to=address,
                now=now,
                by=user.id,
                not_before=now + (index // limits.REPORT_RECIPIENTS) * limits.HOUR,
                not_before_reason=limits.REPORT_RECIPIENTS_LIMIT,
            )
            outbox.enqueue(
                session,
                to=address,
                subject=subject,
                text=text,
                html=None,
                kind=KIND,
                customer_id=customer.id,
                partner_id=customer.partner_id,
                slot=slot,
                now=now,
            )
            notified.append(
                Notified(
                    contact.name,
                    address,
                    waits_until=slot.at if slot.held else None,
                    held_reason=slot.reason,
                )
            )
        if len(recipients) > limits.REPORT_RECIPIENTS:
            mail_limits.log_reached(
                limits.REPORT_RECIPIENTS_LIMIT,
                limits.REPORT_RECIPIENTS,
                limits.HOUR,
                partner_id=customer.partner_id,
                customer_id=customer.id,
                by=user.id,
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(report)
    return report, notified


# ----- reading and resolving reports ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReportEntry:
    """A report as the customer's Problem reports page shows it."""

    id: int
    application: str
    summary: str
    description: str
    reporter_name: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None
    resolver_name: str


class ReportNotFound(LookupError):
    """No such report of a customer this user may see."""


def reports_of(session: Session, customer: Customer) -> list[ReportEntry]:
    """The reports of ``customer`` (one its caller may see: reportable_customer), open
    ones first, newest first."""
    reporter = aliased(AppUser)
    resolver = aliased(AppUser)
    rows = session.exec(
        select(ProblemReport, reporter.display_name, resolver.display_name)
        .join(reporter, col(reporter.id) == col(ProblemReport.reporter_user_id), isouter=True)
        .join(resolver, col(resolver.id) == col(ProblemReport.resolved_by_user_id), isouter=True)
        .where(ProblemReport.customer_id == customer.id)
        .order_by(
            col(ProblemReport.resolved_at).is_not(None),
            col(ProblemReport.created_at).desc(),
            col(ProblemReport.id).desc(),
        )
        .limit(REPORTS_SHOWN)
    ).all()
    return [
        ReportEntry(
            id=report.id or 0,
            application=report.application,
            summary=report.summary,
            description=report.description,
            reporter_name=reporter_name or "",
            created_at=report.created_at,
            resolved_at=report.resolved_at,
            resolver_name=resolver_name or "",
        )
        for report, reporter_name, resolver_name in rows
    ]


def resolve(
    session: Session,
    user: CurrentUser,
    account_id: object,
    report_id: object,
    now: datetime.datetime | None = None,
) -> bool:
    """Mark the customer's open report ``report_id`` resolved by ``user``, now, and
    commit; False when it was resolved already (by someone else meanwhile). Raises
    CustomerNotFound (the customer) or ReportNotFound (no such report of it)."""
    customer = reportable_customer(session, user, account_id)
    if not isinstance(report_id, int) or isinstance(report_id, bool) or report_id < 1:
        raise ReportNotFound(str(report_id))
    report = session.get(ProblemReport, report_id)
    if report is None or report.customer_id != customer.id:
        raise ReportNotFound(str(report_id))
    table = ProblemReport.__table__  # type: ignore[attr-defined]
    done = session.execute(
        sa.update(table)
        .where(table.c.id == report_id, table.c.resolved_at.is_(None))
        .values(resolved_at=utc_now_or(now), resolved_by_user_id=user.id)
    )
    session.commit()
    return getattr(done, "rowcount", 0) == 1
