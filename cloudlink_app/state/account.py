"""State of an account admin's page of their own customer account."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import permissions, statuses
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import customers, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import SessionState, home_url


class AccountState(SessionState):
    """The account admin's customer: name, account ID, where the onboarding stands."""

    customer_name: str = ""
    customer_account_id: str = ""
    status: str = ""
    continue_url: str = ""

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
            self.status = self.continue_url = ""
            return self._refuse("notice.customer_not_found")
        self.customer_name = overview.name
        self.customer_account_id = overview.account_id
        self.status = (
            t("status.onboarded", self.lang)
            if statuses.status_kind(overview.status) == statuses.ONBOARDED
            else t("status.next", self.lang, step=t(f"step.{overview.continue_step}", self.lang))
        )
        self.continue_url = routes.step_url(overview.account_id, overview.continue_step)
        return None
