"""State of an account admin's page of their own customer account."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import permissions, statuses
from cloudlink_app.domain.i18n import N_
from cloudlink_app.services import account_overview
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import PageState
from cloudlink_app.state.session import SessionState


class AccountState(PageState, SessionState):
    """The account admin's customer: name, account ID, where the onboarding stands."""

    TITLE_KEY: ClassVar[str] = N_("title.account")

    customer_name: str = ""
    customer_account_id: str = ""
    # Where the onboarding stands, as a stored status ("next:<step>" or "onboarded";
    # "" when unknown): ``status`` words it in the UI language.
    _status: str = ""
    continue_url: str = ""

    @rx.var
    def status(self) -> str:
        """Where the onboarding stands, in the UI language ("" when unknown)."""
        return statuses.status_text(self._status, self._page_lang) if self._status else ""

    @rx.event
    def load(self):
        """on_load: account admins only (partners have the dashboard)."""
        user, away = self._page_user(permissions.VIEW_ACCOUNT_PAGE)
        if user is None:
            return away
        with get_session() as session:
            overview = account_overview.account_overview(session, user.partner_id, user.customer_id)
        if overview is None:
            # No customer (yet): say so here. Sign-in would send them back to this
            # page, for ever.
            self.customer_name = self.customer_account_id = ""
            self._status = self.continue_url = ""
            return self._refuse("notice.customer_not_found")
        self.customer_name = overview.name
        self.customer_account_id = overview.account_id
        self._status = (
            overview.status
            if statuses.status_kind(overview.status) == statuses.ONBOARDED
            else f"next:{overview.continue_step}"
        )
        self.continue_url = routes.step_url(overview.account_id, overview.continue_step)
        return None
