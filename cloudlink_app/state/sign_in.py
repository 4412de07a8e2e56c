"""State of the sign-in page."""

from __future__ import annotations

import dataclasses

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import auth, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import (
    SessionState,
    focus_element,
    home_url,
    logger,
    set_title,
)


@dataclasses.dataclass
class DemoAccount:
    """A demo user listed on the sign-in page in demo mode."""

    email: str
    name: str
    role: str


class SignInState(SessionState):
    """Sign in with an email address and a password."""

    error: str = ""
    demo_mode: bool = False
    demo_password: str = ""
    demo_accounts: list[DemoAccount] = []

    @rx.event
    def load(self):
        """on_load: someone signed in already goes on; demo mode lists the demo users."""
        self.error = ""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            user = None
        if user is not None:
            return rx.redirect(self._target(user))
        self.demo_mode = auth.demo_mode()
        if self.demo_mode:
            self.demo_password = demo_accounts.DEMO_PASSWORD
            self.demo_accounts = [
                DemoAccount(a.email, a.display_name, t(f"role_name.{a.role}", self.lang))
                for a in demo_accounts.DEMO_ACCOUNTS
            ]
        else:
            self.demo_password = ""
            self.demo_accounts = []
        return set_title("title.sign_in", self.lang)

    def _target(self, user: users.CurrentUser) -> str:
        next_path = routes.safe_next(self.router.url.query_parameters.get("next"))
        return next_path or home_url(user)

    @rx.event
    def sign_in(self, form_data: dict):
        """Sign in: one message for a wrong email or password, another when slowed down."""
        if not isinstance(form_data, dict):
            return self._fail("sign_in.failed")
        email, password = form_data.get("email"), form_data.get("password")
        with get_session() as session:
            result = auth.sign_in(session, email, password, self.router.session.client_ip)
        if result.throttled:
            return self._fail("sign_in.throttled")
        if result.token is None or result.user is None:
            return self._fail("sign_in.failed")
        self.session_token = result.token
        self.error = ""
        # A notice from before (e.g. "Your session has ended") is no longer true.
        self.notice = ""
        self._show_user(result.user)
        return rx.redirect(self._target(result.user))

    def _fail(self, message_key: str):
        # Never what was typed: a password typed into the email field is common.
        logger.warning("Sign-in refused: %s", message_key)
        self.error = t(message_key, self.lang)
        return [set_title("title.sign_in", self.lang, error=True), focus_element("sign-in-error")]
