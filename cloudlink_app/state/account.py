"""State of an account admin's page of their own customer account."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import Customer
from cloudlink_app.services import users
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
        if not user.may("view_account_page"):
            return rx.redirect(home_url(user))
        customer = None
        if user.customer_id is not None:
            with get_session() as session:
                customer = session.get(Customer, user.customer_id)
        if customer is None or customer.partner_id != user.partner_id:
            # No customer (yet): say so here. Sign-in would send them back to this
            # page, for ever.
            self.customer_name = self.customer_account_id = ""
            self.status = self.continue_url = ""
            return self._refuse("notice.customer_not_found")
        completed = wizard_path.parse_completed(customer.completed_steps)
        step = wizard_path.first_incomplete_step(completed, customer.deployment_type)
        self.customer_name = customer.name
        self.customer_account_id = customer.account_id
        kind = wizard_path.status_kind(customer.status)
        self.status = (t("status.onboarded", self.lang) if kind == "onboarded"
                       else t("status.next", self.lang,
                              step=t(f"step.{step or wizard_path.REVIEW}", self.lang)))
        self.continue_url = routes.step_url(customer.account_id, step or wizard_path.REVIEW)
        return None
