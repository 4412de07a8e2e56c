"""State of the Partner dashboard: one page of the partner's customers."""

from __future__ import annotations

import dataclasses

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import customers, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import SessionState

PAGE_SIZE = 25
SEARCH_MAX = 100


@dataclasses.dataclass
class DashboardRow:
    """One customer as the dashboard lists it."""

    account_id: str
    name: str
    status: str
    status_kind: str  # "next" or "onboarded"
    last_saved: str
    url: str


def status_of(row: customers.CustomerListRow, lang: str) -> tuple[str, str]:
    """The dashboard's status text and kind for a customer."""
    step = wizard_path.first_incomplete_step(row.completed)
    if row.onboarded or step is None:
        return t("status.onboarded", lang), "onboarded"
    return t("status.next", lang, step=t(f"step.{step}", lang)), "next"


class DashboardState(SessionState):
    """The customers of the signed-in partner, newest first."""

    rows: list[DashboardRow] = []
    search: str = ""
    page: int = 1
    total: int = 0

    @rx.var(cache=True)
    def pages(self) -> int:
        """How many pages the current search has."""
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var(cache=True)
    def paging_status(self) -> str:
        """ "Page 2 of 4 (80 customers)", in the user's language."""
        return t("dashboard.page", self.lang, page=self.page, pages=self.pages,
                 total=self.total)

    def _load(self):
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._refuse("notice.not_signed_in")
        if not user.is_partner:
            self.rows = []
            return self._refuse("notice.partners_only_dashboard")
        with get_session() as session:
            found, self.total = customers.list_customers(
                session, user.partner_id, self.search, self.page, PAGE_SIZE
            )
        self.rows = []
        for row in found:
            status, kind = status_of(row, self.lang)
            step = wizard_path.first_incomplete_step(row.completed) or wizard_path.CUSTOMER
            if step not in (wizard_path.CUSTOMER, wizard_path.GATEWAY):
                step = wizard_path.GATEWAY  # later steps arrive with their pages
            self.rows.append(
                DashboardRow(
                    account_id=row.account_id,
                    name=row.name,
                    status=status,
                    status_kind=kind,
                    last_saved=row.updated_at.strftime("%d %b %Y %H:%M"),
                    url=routes.step_url(row.account_id, step),
                )
            )
        return None

    @rx.event
    def load(self):
        """on_load: the first page of the current search."""
        self.page = 1
        return self._load()

    @rx.event
    def set_search(self, value: str):
        """Search by customer name, account ID or email domain."""
        if not isinstance(value, str) or len(value) > SEARCH_MAX:
            return self._refuse("notice.too_long", limit=SEARCH_MAX)
        self.search = value
        self.page = 1
        return self._load()

    @rx.event
    def go_to_page(self, page: int):
        """Open another page of the list."""
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= self.pages:
            return self._refuse("notice.unknown_page")
        self.page = page
        return self._load()
