"""State of the Report a problem page (/customers/[account_id]/problems/new): an
account admin of the customer, or a user of the customer's partner, tells the
customer's support contacts what went wrong (services/problem_reports.py).

Every handler is an event the browser can send with any arguments: each checks the
session first, the types and sizes of what it got, and (where it reads or writes the
database) the user's right to that customer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from cloudlink_app.components.error_summary import SUMMARY_ID
from cloudlink_app.domain import problem_reports as report_rules
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, N_, Text, render, t
from cloudlink_app.domain.limits import Problems, texts
from cloudlink_app.services import owned_customers, problem_reports, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import (
    ErrorLink,
    SessionState,
    focus_element,
    home_url,
    render_all,
    set_title,
)

TITLE_KEY = N_("title.report_problem")
DONE_ID = "report-sent"
FIELDS = report_rules.FIELDS
# The longest value a field accepts from the browser: a little more than the rules
# allow, so that the page can say "too long" instead of refusing what was pasted.
MAX_LENGTH = {
    report_rules.APPLICATION: 40,
    report_rules.SUMMARY: report_rules.SUMMARY_MAX * 2,
    report_rules.DESCRIPTION: report_rules.DESCRIPTION_MAX * 2,
}


class ReportProblemState(SessionState):
    """The report being typed, its errors and, once sent, who was notified."""

    if TYPE_CHECKING:
        # The route argument of /customers/[account_id]/..., added by Reflex.
        account_id: str

    # The account ID of the customer the page was loaded for ("" when none).
    loaded: str = ""
    # This state's copy of the UI language, for its computed vars (base.PAGE_LANG).
    _page_lang: str = DEFAULT_LANGUAGE
    customer_name: str = ""
    application: str = ""
    summary: str = ""
    description: str = ""
    # The support contacts the last report was sent to, as [name, address].
    _notified: list[list[str]] = []
    # The errors beside the fields (left ones, or all after Send report) and the
    # error summary's (after Send report), by field id, as keys and parameters.
    _errors: dict[str, Text] = {}
    _summary_errors: dict[str, Text] = {}
    _touched: list[str] = []
    _submitted: bool = False
    # The confirmation after a report was sent (None: none), worded by ``done``.
    _done: Text | None = None

    @rx.var
    def errors(self) -> dict[str, str]:
        """The errors beside the fields, in the UI language, by field id."""
        return render_all(self._errors, self._page_lang)

    @rx.var
    def error_summary(self) -> list[ErrorLink]:
        """The error summary's lines, in the UI language."""
        return [
            ErrorLink(k, v) for k, v in render_all(self._summary_errors, self._page_lang).items()
        ]

    @rx.var
    def done(self) -> str:
        """The confirmation after a report was sent, in the UI language ("" when none)."""
        return render(self._done, self._page_lang)

    @rx.var
    def notified(self) -> list[str]:
        """The support contacts the report was sent to, each with their address."""
        return [
            t("report_problem.contact", self._page_lang, name=name, email=email)
            for name, email in self._notified
        ]

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
        self._summary_errors = {}
        self._touched = []
        self._submitted = False
        self._done = None

    @rx.event
    def load(self):
        """on_load: an account admin of this customer or a user of its partner; anyone
        else is sent home, a tab without a session to sign in and back."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._to_sign_in()
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
        return set_title(TITLE_KEY, self.lang)

    # ----- typing and live validation --------------------------------------------------

    def _may_change(self, value: object, field_id: str) -> bool:
        if not self._may_type():
            return False
        if not isinstance(value, str):
            self._refuse("notice.not_text")
            return False
        if len(value) > MAX_LENGTH[field_id]:
            self._refuse("notice.too_long", limit=MAX_LENGTH[field_id])
            return False
        return True

    def _visible(self, problems: Problems) -> dict[str, Text]:
        found = texts(problems)
        if self._submitted:
            return found
        return {field: text for field, text in found.items() if field in self._touched}

    def _revalidate(self) -> None:
        self._errors = self._visible(
            report_rules.validate(self.application, self.summary, self.description)
        )

    def _changed(self, field_id: str) -> None:
        self._notice = None
        if self._done is not None:
            self._done = None
            self._notified = []
        if field_id in self._errors or self._submitted:
            self._revalidate()

    @rx.event
    def set_application(self, value: str):
        """The application chosen (one of the list, or none)."""
        if not self._may_change(value, report_rules.APPLICATION):
            return
        if value and value not in report_rules.APPLICATIONS:
            self._refuse("notice.unknown_choice")
            return
        self.application = value
        self._changed(report_rules.APPLICATION)

    @rx.event
    def set_summary(self, value: str):
        """The summary typed."""
        if not self._may_change(value, report_rules.SUMMARY):
            return
        self.summary = value
        self._changed(report_rules.SUMMARY)

    @rx.event
    def set_description(self, value: str):
        """The description typed."""
        if not self._may_change(value, report_rules.DESCRIPTION):
            return
        self.description = value
        self._changed(report_rules.DESCRIPTION)

    @rx.event
    def leave_field(self, field_id: str):
        """The user left a field: from now on it shows its errors."""
        if not self._may_type():
            return
        if not isinstance(field_id, str) or field_id not in FIELDS:
            self._refuse("notice.unknown_field")
            return
        if field_id not in self._touched:
            self._touched.append(field_id)
        self._revalidate()

    # ----- sending -----------------------------------------------------------------------

    @rx.event
    def send_report(self):
        """Send report (the form's submit): store the report and mail it to the
        customer's support contacts (one transaction). The fields' values are the
        state's, each checked as it was typed and again here. Refused, nothing stored
        or sent, without a session, for a customer the user may not report for, or
        while the report has problems (shown)."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._refuse("notice.not_signed_in")
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
            self._refuse("notice.customer_not_found")
            return focus_element("notice")
        except problem_reports.TooManyReports:
            self._refuse(
                "report_problem.too_many",
                count=problem_reports.REPORTS_PER_WINDOW,
                minutes=int(problem_reports.REPORT_WINDOW.total_seconds() // 60),
            )
            return focus_element("notice")
        except problem_reports.InvalidReport as invalid:
            self._submitted = True
            self._errors = texts(invalid.problems)
            self._summary_errors = dict(self._errors)
            self._done = None
            return [set_title(TITLE_KEY, self.lang, error=True), focus_element(SUMMARY_ID)]
        self._clear(self.loaded, self.customer_name)
        self._notified = [[contact.name, contact.email] for contact in notified]
        if notified:
            self._done = Text("report_problem.done")
        else:
            self._done = Text("report_problem.done_nobody")
        return [set_title(TITLE_KEY, self.lang), focus_element(DONE_ID)]
