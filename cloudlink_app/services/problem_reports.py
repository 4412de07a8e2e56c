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
import unicodedata

from sqlmodel import Session, col, select

from cloudlink_app.domain import permissions
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, N_, UI_LANGUAGES, t
from cloudlink_app.domain.limits import Problem, Problems, problems_found, storable
from cloudlink_app.models import Customer, ProblemReport, SupportContact
from cloudlink_app.services import customers, outbox
from cloudlink_app.services.users import CurrentUser

APPLICATION = "application"
SUMMARY = "summary"
DESCRIPTION = "description"
FIELDS = (APPLICATION, SUMMARY, DESCRIPTION)

SUMMARY_MAX = 120  # the column's size
DESCRIPTION_MAX = 5000
KIND = "problem_report"  # the outbox messages' kind

# The applications a problem can be about, in the order the page lists them, with
# the catalog keys of their names.
APPLICATIONS: dict[str, str] = {
    "mitel_one": N_("application.mitel_one"),
    "mivoice_office_app": N_("application.mivoice_office_app"),
    "cloudlink_gateway": N_("application.cloudlink_gateway"),
    "other": N_("application.other"),
}


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


def _one_line(value: str) -> bool:
    # CR, LF and every other control or line/paragraph separator break a line (or a
    # mail header): none may be in a summary.
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value)


def application_problem(value: object) -> Problem | None:
    """The problem of the chosen application, if any."""
    if value == "" or value is None:
        return Problem("report_problem.application.required")
    if not isinstance(value, str) or value not in APPLICATIONS:
        return Problem("report_problem.application.unknown")
    return None


def summary_problem(value: object) -> Problem | None:
    """The problem of the summary: required, one line, at most SUMMARY_MAX characters."""
    if not isinstance(value, str) or not value.strip():
        return Problem("report_problem.summary.required")
    if len(value.strip()) > SUMMARY_MAX:
        return Problem("report_problem.summary.too_long", {"max": SUMMARY_MAX})
    if not _one_line(value):
        return Problem("report_problem.summary.one_line")
    if not storable(value):
        return Problem("text.unstorable")
    return None


def description_problem(value: object) -> Problem | None:
    """The problem of the description: required, at most DESCRIPTION_MAX characters."""
    if not isinstance(value, str) or not value.strip():
        return Problem("report_problem.description.required")
    if len(value.strip()) > DESCRIPTION_MAX:
        return Problem("report_problem.description.too_long", {"max": DESCRIPTION_MAX})
    if not storable(value):
        return Problem("text.unstorable")
    return None


def validate(application: object, summary: object, description: object) -> Problems:
    """Every problem of a report, by field id, in the page's order."""
    return problems_found(
        {
            APPLICATION: application_problem(application),
            SUMMARY: summary_problem(summary),
            DESCRIPTION: description_problem(description),
        }
    )


def reportable_customer(session: Session, user: CurrentUser, account_id: object) -> Customer:
    """The customer ``user`` may report a problem for; CustomerNotFound otherwise (none,
    another partner's, or another customer of an account admin)."""
    if not isinstance(account_id, str) or not account_id:
        raise customers.CustomerNotFound(str(account_id))
    customer = customers.owned_customer(session, user.partner_id, account_id)
    if not user.may(permissions.OPEN_CUSTOMER, customer.partner_id, customer.id):
        raise customers.CustomerNotFound(account_id)
    return customer


def message_language(customer: Customer) -> str:
    """The language of the customer's messages: its default language when the app has
    it, else English."""
    lang = customer.default_language
    return lang if lang in UI_LANGUAGES else DEFAULT_LANGUAGE


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
    CustomerNotFound when ``user`` may not report for that customer and InvalidReport
    when the report has problems (nothing stored, nothing sent)."""
    customer = reportable_customer(session, user, account_id)
    problems = validate(application, summary, description)
    if problems:
        raise InvalidReport(problems)
    assert customer.id is not None  # a stored row
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
    contacts = session.exec(
        select(SupportContact)
        .where(SupportContact.customer_id == customer.id)
        .order_by(col(SupportContact.position))
    ).all()
    lang = message_language(customer)
    subject, text = _message(customer, user, report, lang)
    notified = []
    try:
        for contact in contacts:
            outbox.enqueue(
                session,
                to=contact.email,
                subject=subject,
                text=text,
                html=None,
                kind=KIND,
                customer_id=customer.id,
            )
            notified.append(Notified(contact.name, contact.email))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(report)
    return report, notified
