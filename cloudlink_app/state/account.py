"""State of an account admin's page of their own customer account."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import permissions, statuses
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE
from cloudlink_app.services import customers, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import SessionState, home_url


class AccountState(SessionState):
    """The account admin's customer: name, account ID, where the onboarding stands."""

    customer_name: str = ""
    customer_account_id: str = ""
    # Where the onboarding stands, as a stored status ("next:<step>" or "onboarded";
    # "" when unknown): ``status`` words it in the UI language.
    _status: str = ""
    # This state's copy of the UI language, for its computed vars (base.PAGE_LANG).
    _page_lang: str = DEFAULT_LANGUAGE
    continue_url: str = ""

    @rx.var
    def status(self) -> str:
        """Where the onboarding stands, in the UI language ("" when unknown)."""
        return statuses.status_text(self._status, self._page_lang) if self._status else ""

    @rx.event
    def load(self):
        """on_load: account admins only (partners have the dashboard)."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._to_sign_in()
        if not user.may(permissions.VIEW_ACCOUNT_PAGE):
            return rx.redirect(home_url(user))
        with get_session() as session:
            overview = customers.account_overview(session, user.partner_id, user.customer_id)
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
