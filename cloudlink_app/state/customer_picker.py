"""The "Customers" choice of the Team pages ("Invite a colleague" and a member's page):
"All customers", or "Selected customers" with a search box and a checkbox per customer
of the partner, labelled by its name. What is selected is kept across searches.

A mixin of the two page states (components/customer_picker.py shows it). Every handler
is an event the browser can send with any arguments: each checks that a partner admin
is signed in, the types and sizes of what it got, and that a customer ticked is one the
page offered (the partner's own: services/team_list.customer_choices finds them within
the admin's partner). The services check the selection again when it is saved.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app.domain import permissions, team
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import team_list, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import FormState
from cloudlink_app.views.team import CustomerOption, customer_option

# The longest search the picker accepts.
CUSTOMER_SEARCH_MAX = 100
# The picker's search box (focus goes there when "Selected customers" is chosen).
CUSTOMER_SEARCH_ID = "customer-search"


class CustomerPickerMixin(FormState, mixin=True):
    """All customers, or the customers selected (kept across searches)."""

    CUSTOMER_CHOICES: ClassVar[tuple[str, ...]] = team.CUSTOMER_CHOICES

    # team.ALL_CUSTOMERS or team.SELECTED_CUSTOMERS ("" before a choice).
    customers: str = ""
    customer_search: str = ""
    # The customers the last search found, and those selected: (account ID, name).
    _offered: list[tuple[str, str]] = []
    _selected: dict[str, str] = {}

    @rx.var
    def customer_options(self) -> list[CustomerOption]:
        """The selected customers first (by name), then the others the search found."""
        chosen = sorted(self._selected.items(), key=lambda item: item[1].lower())
        others = [(a, n) for a, n in self._offered if a not in self._selected]
        return [customer_option(a, n, True) for a, n in chosen] + [
            customer_option(a, n, False) for a, n in others
        ]

    @rx.var
    def selected_status(self) -> str:
        """ "2 customers selected", in the UI language."""
        count = len(self._selected)
        if count == 1:
            return t("team.picker.selected_one", self._page_lang)
        return t("team.picker.selected", self._page_lang, count=count)

    # ----- helpers ---------------------------------------------------------------------

    def _team_admin(self) -> users.CurrentUser | None:
        """The signed-in user when they may manage the team; otherwise the refusal is
        shown and None returned."""
        user = self._signed_in_user()
        if user is None:
            return None
        if not user.can(permissions.MANAGE_TEAM):
            self._refuse("team.not_allowed")
            return None
        return user

    def _reset_picker(self, customers: str = "", selected: dict[str, str] | None = None) -> None:
        self.customers = customers
        self.customer_search = ""
        self._offered = []
        self._selected = dict(selected or {})

    def _offer(self, user: users.CurrentUser) -> None:
        """The customers the current search finds."""
        with get_session() as session:
            self._offered = team_list.customer_choices(session, user, self.customer_search)

    def _selection(self) -> list[str]:
        """The account IDs selected, for the services (none with "All customers")."""
        return list(self._selected) if self.customers == team.SELECTED_CUSTOMERS else []

    def _picker_changed(self) -> None:
        """Hook: the choice or the selection changed."""
        self._notice = None

    # ----- events ----------------------------------------------------------------------

    @rx.event
    def set_customers(self, value: str):
        """ "All customers" or "Selected customers" chosen; the latter lists the
        partner's first customers to choose from."""
        if not isinstance(value, str) or value not in self.CUSTOMER_CHOICES:
            return self._refuse("notice.unknown_choice")
        user = self._team_admin()
        if user is None:
            return None
        if value == team.SELECTED_CUSTOMERS and not self._offered:
            self._offer(user)
        self.customers = value
        self._picker_changed()
        return None

    @rx.event
    def search_customers(self, value: str):
        """Search the partner's customers by name or account ID."""
        if not self._fits(value, CUSTOMER_SEARCH_MAX):
            return None
        user = self._team_admin()
        if user is None:
            return None
        self.customer_search = value
        self._offer(user)
        return None

    @rx.event
    def toggle_customer(self, account_id: str, checked: bool):
        """A customer's checkbox ticked or cleared: only a customer the page offered
        (or one selected), at most domain.team.SELECTION_MAX of them."""
        if not isinstance(checked, bool) or not isinstance(account_id, str):
            return self._refuse("notice.unknown_choice")
        if self._team_admin() is None:
            return None
        offered = dict(self._offered)
        if account_id not in offered and account_id not in self._selected:
            return self._refuse("notice.unknown_choice")
        if checked == (account_id in self._selected):
            return None
        if checked:
            if len(self._selected) >= team.SELECTION_MAX:
                return self._refuse(f"{team.MEMBER_CUSTOMERS}.too_many", max=team.SELECTION_MAX)
            self._selected = {**self._selected, account_id: offered[account_id]}
        else:
            self._selected = {a: n for a, n in self._selected.items() if a != account_id}
        self._picker_changed()
        return None
