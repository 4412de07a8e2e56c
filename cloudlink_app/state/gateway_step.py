"""State of the Gateway step (its form comes with the whole wizard)."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.services import customers, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import SessionState


class GatewayStepState(SessionState):
    """Which customer the Gateway step is for."""

    customer_name: str = ""
    customer_url: str = ""

    @rx.event
    def load(self):
        """on_load: only the partner's customers, and only once the Customer step is done."""
        account_id = self.account_id
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._refuse("notice.not_signed_in")
        if not wizard_path.is_account_id(account_id):
            return rx.redirect(routes.DASHBOARD)
        with get_session() as session:
            customer_id = customers.customer_id_of(session, user.partner_id, account_id)
            if customer_id is None or not user.may_edit(customer_id):
                return rx.redirect(routes.DASHBOARD)
            record = customers.load_customer(session, user.partner_id, account_id)
        self.customer_url = routes.step_url(account_id, wizard_path.CUSTOMER)
        if not wizard_path.can_open_step(wizard_path.GATEWAY, record.completed):
            return rx.redirect(self.customer_url)
        self.customer_name = record.form.customer_name
        return None
