"""State of the Partner dashboard: counts by status, one page of the partner's
customers, and deleting a draft after a confirmation."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx

from cloudlink_app import settings
from cloudlink_app.domain import permissions, statuses, wizard_path
from cloudlink_app.domain.i18n import N_, Text, render, t
from cloudlink_app.services import (
    customer_list,
    drafts,
    owned_customers,
    users,
)
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import NOTICE_ID, PageState
from cloudlink_app.state.session import SessionState
from cloudlink_app.views.dashboard import (
    PAGE_SIZE,
    DashboardRow,
    dashboard_row,
    delete_button_id,
    page_count,
)

SEARCH_MAX = 100
# The id of the message that says a draft was deleted (focus goes there).
DELETED_MESSAGE_ID = "deleted-message"


class DashboardState(PageState, SessionState):
    """The customers of the signed-in partner, last saved first."""

    TITLE_KEY: ClassVar[str] = N_("title.dashboard")

    # The customers of the current page, as read (``rows`` shows them in the UI
    # language).
    _found: list[customer_list.CustomerListRow] = []
    # Of those customers, by account ID: users who set their password, open problem
    # reports (customers with none are left out).
    _registered: dict[str, int] = {}
    _open_reports: dict[str, int] = {}
    search: str = ""
    page: int = 1
    total: int = 0
    in_progress_count: int = 0
    problem_count: int = 0
    onboarded_count: int = 0
    # Demo mode: the dashboard links to the Outbox page.
    demo_mode: bool = False
    # The draft the confirmation dialog asks about ("" when it is closed).
    delete_account_id: str = ""
    # The name of that draft's customer (``delete_question`` asks about it).
    _delete_name: str = ""
    # "The draft for X was deleted.", until the next change of the list (worded by
    # ``deleted_message``).
    _deleted: Text | None = None

    @rx.var
    def rows(self) -> list[DashboardRow]:
        """The customers of the current page as their rows show them, in the UI language."""
        return [
            dashboard_row(
                row,
                self._page_lang,
                registered=self._registered.get(row.account_id, 0),
                open_reports=self._open_reports.get(row.account_id, 0),
            )
            for row in self._found
        ]

    @rx.var
    def delete_question(self) -> str:
        """The confirmation's question, naming the customer ("" when it is closed)."""
        if not self.delete_account_id:
            return ""
        return t("dashboard.delete.title", self._page_lang, name=self._delete_name)

    @rx.var
    def deleted_message(self) -> str:
        """ "The draft for X was deleted.", in the UI language ("" when none)."""
        return render(self._deleted, self._page_lang)

    @rx.var
    def export_query(self) -> str:
        """The export link's query: the current search and the UI language."""
        return "?" + urlencode({"search": self.search, "lang": self._page_lang})

    @rx.var(cache=True)
    def pages(self) -> int:
        """How many pages the current search has."""
        return page_count(self.total)

    @rx.var(cache=True)
    def paging_status(self) -> str:
        """ "Page 2 of 4 (80 customers)", in the user's language."""
        key = N_("dashboard.page_one_customer") if self.total == 1 else N_("dashboard.page")
        return t(key, self._page_lang, page=self.page, pages=self.pages, total=self.total)

    @rx.var(cache=True)
    def delete_dialog_open(self) -> bool:
        """Whether the confirmation dialog is shown."""
        return self.delete_account_id != ""

    # ----- helpers ---------------------------------------------------------------------

    def _permitted_user(
        self, action: str, refusal_key: str, account_id: str | None = None
    ) -> users.CurrentUser | None:
        """The signed-in user when the permission table lets them do ``action`` (on the
        customer ``account_id``, when given); otherwise the refusal is shown and None
        returned."""
        user = self._signed_in_user()
        if user is None:
            return None
        if account_id is None:
            allowed = user.may(action)
        else:
            with get_session() as session:
                owner = owned_customers.customer_owner(session, user.scope, account_id)
            # A customer the user's partner does not have (deleted meanwhile, another
            # partner's) is asked about as one of the partner's: the service then
            # reports it as not found, to anyone.
            allowed = (
                user.may(action, owner.partner_id, owner.customer_id)
                if owner
                else user.may(action, user.partner_id)
            )
        if not allowed:
            self._refuse(refusal_key)
            return None
        return user

    def _load(self, user: users.CurrentUser, counts: bool = False) -> None:
        """Read the current page (and, when asked, the counts) for the partner."""
        with get_session() as session:
            found, self.total = customer_list.list_customers(
                session, user.scope, self.search, self.page, PAGE_SIZE
            )
            if not found and self.page > 1:
                # The last page emptied (a draft was deleted): show the one before.
                self.page = page_count(self.total)
                found, self.total = customer_list.list_customers(
                    session, user.scope, self.search, self.page, PAGE_SIZE
                )
            shown = [row.account_id for row in found]
            self._registered = customer_list.registered_users(session, user.scope, shown)
            self._open_reports = customer_list.open_reports(session, user.scope, shown)
            if counts:
                by_status = customer_list.status_counts(session, user.scope)
                self.in_progress_count = by_status.in_progress
                self.problem_count = by_status.problems
                self.onboarded_count = by_status.onboarded
        self._found = found

    def _clear_list(self) -> None:
        self._found = []
        self.total = 0
        self.in_progress_count = self.problem_count = self.onboarded_count = 0
        self._close_question()
        self._deleted = None

    def _close_question(self) -> None:
        self.delete_account_id = self._delete_name = ""

    # ----- the list --------------------------------------------------------------------

    @rx.event
    def load(self):
        """on_load: the counts and the first page of the current search."""
        user, away = self._page_user(permissions.VIEW_DASHBOARD)
        if user is None:
            self._clear_list()
            return away
        self.page = 1
        self._close_question()
        self._deleted = None
        self.demo_mode = settings.get().demo_mode
        self._load(user, counts=True)

    @rx.event
    def set_search(self, value: str):
        """Search by customer name, account ID or email domain."""
        if not isinstance(value, str) or len(value) > SEARCH_MAX:
            return self._refuse("notice.too_long", limit=SEARCH_MAX)
        user = self._permitted_user(permissions.VIEW_DASHBOARD, "notice.partners_only_dashboard")
        if user is None:
            return None
        self.search = value
        self.page = 1
        self._deleted = None
        self._load(user)
        return None

    @rx.event
    def go_to_page(self, page: int):
        """Open another page of the list."""
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= self.pages:
            return self._refuse("notice.unknown_page")
        user = self._permitted_user(permissions.VIEW_DASHBOARD, "notice.partners_only_dashboard")
        if user is None:
            return None
        self.page = page
        self._deleted = None
        self._load(user)
        return None

    # ----- deleting a draft ------------------------------------------------------------

    def _listed_row(self, account_id: object) -> customer_list.CustomerListRow | None:
        if not wizard_path.is_account_id(account_id):
            return None
        return next((row for row in self._found if row.account_id == account_id), None)

    @rx.event
    def ask_delete(self, account_id: str):
        """Delete on a row: ask for confirmation, naming the customer."""
        if not self._signed_in():
            return None
        row = self._listed_row(account_id)
        if row is None:
            return self._refuse("notice.draft_not_found")
        if (
            self._permitted_user(
                permissions.DELETE_DRAFT, "notice.partners_only_delete", row.account_id
            )
            is None
        ):
            return None
        if not statuses.is_draft(row.status):
            return self._refuse("notice.not_a_draft")
        self.delete_account_id = row.account_id
        self._delete_name = row.name
        return None

    @rx.event
    def keep_draft(self):
        """Keep draft (or Escape): close the question, back to the row's Delete."""
        return self._keep_draft()

    def _keep_draft(self):
        """Close the question and focus the row's Delete (sign in first when nobody is)."""
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        if not self.delete_account_id:
            return None
        focus_to = delete_button_id(self.delete_account_id)
        self._close_question()
        self._focus(focus_to)
        return None

    @rx.event
    def delete_dialog_changed(self, is_open: bool):
        """The dialog asks to close itself (Escape)."""
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        if is_open is False:
            return self._keep_draft()
        return None

    @rx.event
    def delete_draft(self, account_id: str):
        """Delete draft, in the confirmation: delete the customer and all it has.

        Only the draft the dialog asked about, only a partner user's own customer, and
        only while it is not onboarded; anything else is refused and deletes nothing.
        """
        if not wizard_path.is_account_id(account_id):
            return self._refuse("notice.draft_not_found")
        user = self._permitted_user(
            permissions.DELETE_DRAFT, "notice.partners_only_delete", account_id
        )
        if user is None:
            return None
        if account_id != self.delete_account_id:
            return self._refuse("notice.delete_not_confirmed")
        try:
            with get_session() as session:
                name = drafts.delete_draft(session, user.scope, account_id)
        except (owned_customers.CustomerNotFound, drafts.NotADraft) as error:
            # Changed since the list was read (by someone else): show it as it is now.
            self._close_question()
            self._load(user, counts=True)
            key = (
                "notice.draft_not_found"
                if isinstance(error, owned_customers.CustomerNotFound)
                else "notice.not_a_draft"
            )
            self._refuse(key)
            self._focus(NOTICE_ID)
            return None
        self._close_question()
        self._notice = None
        self._deleted = Text("dashboard.deleted", {"name": name})
        self._load(user, counts=True)
        self._focus(DELETED_MESSAGE_ID)
        return None
