"""State of the Report a problem page (/customers/[account_id]/problems/new): an
account admin of the customer, or a user of the customer's partner, tells the
customer's support contacts what went wrong (services/problem_reports.py).

Every handler is an event the browser can send with any arguments: each checks the
session first, the types and sizes of what it got, and (where it reads or writes the
database) the user's right to that customer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import reflex as rx

from cloudlink_app.domain import problem_reports as report_rules
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import N_, Text, t
from cloudlink_app.domain.limits import texts
from cloudlink_app.services import owned_customers, problem_reports
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import LiveFormState
from cloudlink_app.state.session import SessionState, home_url
from cloudlink_app.views import mail_limits

DONE_ID = "report-sent"
CONTACTS_NAMED = 5  # the most support contacts a refusal names (then "...")
FIELDS = report_rules.FIELDS
# The longest value a field accepts from the browser: a little more than the rules
# allow, so that the page can say "too long" instead of refusing what was pasted.
MAX_LENGTH = {
    report_rules.APPLICATION: 40,
    report_rules.SUMMARY: report_rules.SUMMARY_MAX * 2,
    report_rules.DESCRIPTION: report_rules.DESCRIPTION_MAX * 2,
}


class ReportProblemState(LiveFormState, SessionState):
    """The report being typed, its errors and, once sent, who was notified."""

    TITLE_KEY: ClassVar[str] = N_("title.report_problem")
    MAX_LENGTH: ClassVar[dict[str, int]] = MAX_LENGTH

    if TYPE_CHECKING:
        # The route argument of /customers/[account_id]/..., added by Reflex.
        account_id: str

    # The account ID of the customer the page was loaded for ("" when none).
    loaded: str = ""
    customer_name: str = ""
    application: str = ""
    summary: str = ""
    description: str = ""
    # The support contacts the last report was sent to.
    _notified: list[problem_reports.Notified] = []

    @rx.var
    def notified(self) -> list[str]:
        """The support contacts the report was sent to, each with their address, and
        when a mail limit holds theirs back, which and until when."""
        lang = self._page_lang
        shown = []
        for contact in self._notified:
            words = t("report_problem.contact", lang, name=contact.name, email=contact.email)
            if contact.waits_until is not None:
                waiting = mail_limits.waiting_words(contact.held_reason, contact.waits_until, lang)
                words = f"{words}: {waiting}"
            shown.append(words)
        return shown

    @rx.var
    def application_options(self) -> list[list[str]]:
        """The applications as [value, name in the UI language]."""
        return [
            [key, t(label, self._page_lang)] for key, label in report_rules.APPLICATIONS.items()
        ]

    # ----- loading -------------------------------------------------------------------

    def _clear(self, loaded: str = "", customer_name: str = "") -> None:
        self.loaded = loaded
        self.customer_name = customer_name
        self.application = self.summary = self.description = ""
        self._notified = []
        self._errors = {}
        self._summary = {}
        self._touched = []
        self._submitted = False
        self._done = None

    @rx.event
    def load(self):
        """on_load: an account admin of this customer or a user of its partner; anyone
        else is sent home, a tab without a session to sign in and back."""
        user, away = self._page_user()
        if user is None:
            return away
        account_id = self.account_id
        if not wizard_path.is_account_id(account_id):
            return rx.redirect(home_url(user))
        with get_session() as session:
            try:
                customer = problem_reports.reportable_customer(session, user, account_id)
            except owned_customers.CustomerNotFound:
                return rx.redirect(home_url(user))
        if self.loaded != account_id or self._done is not None:
            self._clear(account_id, customer.name)
        self.customer_name = customer.name
        self._notice = None
        return self._title()

    # ----- typing and live validation --------------------------------------------------

    def _field_ids(self) -> set[str]:
        return set(FIELDS)

    def _validate(self) -> dict[str, Text]:
        return texts(report_rules.validate(self.application, self.summary, self.description))

    def _changed(self, field_id: str) -> None:
        # Typing after a report was sent starts the next one.
        if self._done is not None:
            self._done = None
            self._notified = []
        super()._changed(field_id)

    @rx.event
    def set_application(self, value: str):
        """The application chosen (one of the list, or none)."""
        if self._text_ok(value, MAX_LENGTH[report_rules.APPLICATION]) and self._allowed(
            value, report_rules.APPLICATIONS
        ):
            self.application = value
            self._changed(report_rules.APPLICATION)

    @rx.event
    def set_summary(self, value: str):
        """The summary typed."""
        self._set_text(report_rules.SUMMARY, value)

    @rx.event
    def set_description(self, value: str):
        """The description typed."""
        self._set_text(report_rules.DESCRIPTION, value)

    # ----- sending -----------------------------------------------------------------------

    @rx.event
    def send_report(self):
        """Send report (the form's submit): store the report and mail it to the
        customer's support contacts (one transaction). The fields' values are the
        state's, each checked as it was typed and again here. Refused, nothing stored
        or sent, without a session, for a customer the user may not report for, or
        while the report has problems (shown)."""
        user = self._signed_in_user()
        if user is None:
            return None
        for field_id, value in (
            (report_rules.APPLICATION, self.application),
            (report_rules.SUMMARY, self.summary),
            (report_rules.DESCRIPTION, self.description),
        ):
            if not isinstance(value, str) or len(value) > MAX_LENGTH[field_id]:
                return self._refuse("notice.too_long", limit=MAX_LENGTH[field_id])
        try:
            with get_session() as session:
                _report, notified = problem_reports.report_problem(
                    session,
                    user,
                    self.loaded,
                    self.application,
                    self.summary,
                    self.description,
                )
        except owned_customers.CustomerNotFound:
            return self._refused_with_notice("notice.customer_not_found")
        except problem_reports.TooManyReports:
            return self._refused_with_notice(
                "report_problem.too_many",
                count=problem_reports.REPORTS_PER_WINDOW,
                minutes=int(problem_reports.REPORT_WINDOW.total_seconds() // 60),
            )
        except problem_reports.UnusableContacts as unusable:
            # Saved as typed in a draft: say which to correct, on the Customer step.
            shown = unusable.contacts[:CONTACTS_NAMED]
            return self._refused_with_notice(
                "report_problem.contacts_unusable",
                contacts="; ".join(
                    f"{position}. {name or '-'} ({email or '-'})" for position, name, email in shown
                )
                + ("; ..." if len(unusable.contacts) > len(shown) else ""),
            )
        except problem_reports.InvalidReport as invalid:
            return self._show_errors(texts(invalid.problems))
        self._clear(self.loaded, self.customer_name)
        self._notified = list(notified)
        if notified:
            self._done = Text("report_problem.done")
        else:
            self._done = Text("report_problem.done_nobody")
        self._title()
        self._focus(DONE_ID)
        return None
