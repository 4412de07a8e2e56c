"""State of the sign-in page.

The form itself is posted by the browser to the backend (POST /auth/sign-in,
cloudlink_app/http), which sets the HttpOnly session cookie; no event handler here
ever sees a password or a token. A refused sign-in comes back as ?error=... and this
state shows why.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import N_, Text, render, t
from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.services import sso, users
from cloudlink_app.state.page import PageState
from cloudlink_app.state.session import SessionState, home_url

# Why the sign-in was refused, shown at the top of the form (focus goes there).
ERROR_ID = "sign-in-error"


@dataclasses.dataclass
class DemoAccount:
    """A demo user listed on the sign-in page in demo mode (its role's name; in the
    state's backend list, the role's key)."""

    email: str
    name: str
    role: str


class SignInState(PageState, SessionState):
    """Sign in with an email address and a password."""

    TITLE_KEY: ClassVar[str] = N_("title.sign_in")

    # Why the sign-in was refused (None: it was not), worded by ``error``.
    _error: Text | None = None
    # The page to go to after signing in (a path of this app), sent with the form.
    next_path: str = ""
    demo_mode: bool = False
    demo_password: str = ""
    # The demo users listed, each with its role's key (``demo_accounts`` words them).
    _demo_accounts: list[DemoAccount] = []
    # "Your password is set" after the Set password page (/sign-in?password=set).
    password_set: bool = False
    # The email typed is of a domain a partner's single sign-on covers: the link
    # "Continue with single sign-on" (GET /auth/sso/start with ``sso_query``) takes the
    # place of the password. A link, not the form: the redirect to the provider's
    # origin would break the page's CSP form-action.
    sso_covered: bool = False
    sso_query: str = ""

    @rx.event
    async def email_changed(self, value: str):
        """The email field lost focus: whether its domain signs in with single sign-on
        (all that this answer tells about the address)."""
        self.sso_covered = False
        self.sso_query = ""
        if not isinstance(value, str) or len(value) > EMAIL_MAX or "@" not in value:
            return
        email = value.strip()
        if await asyncio.to_thread(sso.covered, email):
            self.sso_covered = True
            query = {"email": email, **({"next": self.next_path} if self.next_path else {})}
            self.sso_query = "?" + urlencode(query)

    @rx.var
    def error(self) -> str:
        """Why the sign-in was refused, in the UI language ("" when it was not)."""
        return render(self._error, self._page_lang)

    @rx.var
    def demo_accounts(self) -> list[DemoAccount]:
        """The demo users listed in demo mode, their roles in the UI language."""
        return [
            DemoAccount(a.email, a.name, t(f"role_name.{a.role}", self._page_lang))
            for a in self._demo_accounts
        ]

    @rx.event
    def load(self):
        """on_load: someone signed in already goes on; a refused sign-in shows why (the
        backend sent the browser back with ?error=...); demo mode lists the demo users."""
        self._error = None
        self.sso_covered = False
        self.sso_query = ""
        query = self.router.url.query_parameters
        self.password_set = query.get(routes.PASSWORD_SET_QUERY) == "set"
        self.next_path = routes.safe_next(query.get("next")) or ""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            user = None
        if user is not None:
            return rx.redirect(self.next_path or home_url(user))
        self.demo_mode = settings.get().demo_mode
        if self.demo_mode:
            self.demo_password = demo_accounts.DEMO_PASSWORD
            self._demo_accounts = [
                DemoAccount(a.email, a.display_name, a.role) for a in demo_accounts.DEMO_ACCOUNTS
            ]
        else:
            self.demo_password = ""
            self._demo_accounts = []
        error = query.get(routes.SIGN_IN_ERROR_QUERY)
        if error in routes.SIGN_IN_ERRORS:
            # Only the known reasons: the query is the browser's to write.
            self._error = Text(f"sign_in.{error}")
            self._title(error=True)
            self._focus(ERROR_ID)
            return None
        return self._title()
