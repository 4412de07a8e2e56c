"""State of a customer's Problem reports page (/customers/[account_id]/problems): the
reports, open ones first, each with who reported it and when, and Mark resolved
(services/problem_reports.py). Partner users of the customer's partner and the
customer's account admins see it. Reports are never deleted by the app.

Every handler is an event the browser can send with any arguments: each checks the
session, the types of what it got and the user's right to the customer.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import problem_reports as report_rules
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import N_, Text, t
from cloudlink_app.domain.times import When, format_time
from cloudlink_app.services import owned_customers, problem_reports, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import NOTICE_ID, PageState
from cloudlink_app.state.session import SessionState, home_url


@dataclasses.dataclass
class ReportRow:
    """One report as the page shows it, worded in the UI language."""

    id: int
    summary: str
    application: str
    reported: str  # "Reported by Sanne Bakker, 1 Dec 2026 09:12"
    description: str
    status: str  # "Open" or "Resolved by Anna de Vries, 1 Dec 2026 10:02"
    is_open: bool
    resolve_label: str  # "Mark resolved: No sound"
    element_id: str


class ProblemReportsState(PageState, SessionState):
    """The customer's problem reports."""

    TITLE_KEY: ClassVar[str] = N_("title.problem_reports")

    if TYPE_CHECKING:
        account_id: str  # the route argument, added by Reflex

    loaded: str = ""
    customer_name: str = ""
    report_problem_url: str = ""
    _reports: list[problem_reports.ReportEntry] = []

    @rx.var
    def reports(self) -> list[ReportRow]:
        """The reports, open ones first, in the UI language."""
        lang = self._page_lang
        rows = []
        for entry in self._reports:
            is_open = entry.resolved_at is None
            rows.append(
                ReportRow(
                    id=entry.id,
                    summary=entry.summary,
                    application=t(
                        report_rules.APPLICATIONS.get(entry.application, entry.application),
                        lang,
                    ),
                    reported=t(
                        "problem_reports.reported",
                        lang,
                        name=entry.reporter_name,
                        time=format_time(entry.created_at, lang),
                    ),
                    description=entry.description,
                    status=t("problem_reports.open", lang)
                    if is_open
                    else t(
                        "problem_reports.resolved",
                        lang,
                        name=entry.resolver_name,
                        time=When(entry.resolved_at or entry.created_at),
                    ),
                    is_open=is_open,
                    resolve_label=t("problem_reports.resolve_label", lang, summary=entry.summary),
                    element_id=f"report-{entry.id}",
                )
            )
        return rows

    def _read(self, user: users.CurrentUser, account_id: str) -> bool:
        """Read the customer's reports; False when this user may not see them."""
        with get_session() as session:
            try:
                customer = problem_reports.reportable_customer(session, user, account_id)
                self._reports = problem_reports.reports_of(session, customer)
            except owned_customers.CustomerNotFound:
                return False
        self.loaded = account_id
        self.customer_name = customer.name
        self.report_problem_url = routes.report_problem_url(account_id)
        return True

    @rx.event
    def load(self):
        """on_load: the customer's reports, for a user who may see them; anyone else is
        sent home, a tab without a session to sign in and back."""
        user, away = self._page_user()
        if user is None:
            return away
        account_id = self.account_id
        self._notice = None
        if not wizard_path.is_account_id(account_id) or not self._read(user, account_id):
            self.loaded = ""
            self._reports = []
            return rx.redirect(home_url(user))
        return self._title()

    @rx.event
    def mark_resolved(self, report_id: int):
        """Mark the report resolved by this user, now. Any payload may arrive: it must
        be the id of an open report of the loaded customer, which this user may see."""
        user = self._signed_in_user()
        if user is None:
            return None
        if not isinstance(report_id, int) or isinstance(report_id, bool) or not self.loaded:
            return self._refused_with_notice("problem_reports.not_found")
        with get_session() as session:
            try:
                changed = problem_reports.resolve(session, user, self.loaded, report_id)
            except owned_customers.CustomerNotFound:
                self._reports = []
                return self._refused_with_notice("notice.customer_not_found")
            except problem_reports.ReportNotFound:
                return self._refused_with_notice("problem_reports.not_found")
        self._read(user, self.loaded)
        if changed:
            self._notice = Text("problem_reports.marked")
        else:
            self._notice = Text("problem_reports.already_resolved")
        self._focus(NOTICE_ID)
        return None
