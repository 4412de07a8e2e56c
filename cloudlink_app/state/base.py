"""The signed-in user, shared by every page's state.

Until sign-in exists the app runs as the seeded demo partner user. The user is
re-read from the database for every check, so a role is never trusted from the
browser or from a stale copy.
"""

from __future__ import annotations

import dataclasses
import json
import logging

import reflex as rx
from reflex.vars import Var

from cloudlink_app import routes
from cloudlink_app.domain import permissions
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, t
from cloudlink_app.services import auth, users
from cloudlink_app.services.database import get_session

logger = logging.getLogger("cloudlink_app")


@dataclasses.dataclass
class ErrorLink:
    """One line of the error summary: the message and the field it is about."""

    field_id: str
    message: str


def set_title(title_key: str, lang: str, error: bool = False):
    """Set the page title; "Error: " first while the page shows errors."""
    title = t(title_key, lang)
    if error:
        title = t("title.error_prefix", lang) + title
    return rx.call_script(f"document.title = {json.dumps(title)}")


class SessionState(rx.State):
    """The signed-in user of this browser tab and the UI language.

    The browser holds only its session token (a cookie); the user, their role and
    their partner are looked up from it on the server for every check, so nothing the
    browser sends can change who it is.
    """

    session_token: str = rx.Cookie(
        "",
        name="cloudlink_session",
        path="/",
        same_site="strict",
        max_age=int(auth.SESSION_LIFETIME.total_seconds()),
    )
    lang: str = DEFAULT_LANGUAGE
    # Whether the user has the partner's tools (the dashboard, Save and return): what
    # the page shows or hides; every handler asks the permission table itself.
    is_partner: bool = False
    user_name: str = ""
    # A message about a refused action, shown in an alert region.
    notice: str = ""

    def _current_user(self) -> users.CurrentUser:
        """The signed-in user, freshly read; raises users.NotSignedIn."""
        with get_session() as session:
            user = auth.user_for_token(session, self.session_token)
        self._show_user(user)
        if user is None:
            raise users.NotSignedIn()
        return user

    def _show_user(self, user: users.CurrentUser | None) -> None:
        # Assigned only when different: every event reads the user, and an assignment
        # sends the value to the browser again.
        is_partner = user is not None and user.may(permissions.VIEW_DASHBOARD)
        user_name = "" if user is None else user.display_name
        if self.is_partner != is_partner:
            self.is_partner = is_partner
        if self.user_name != user_name:
            self.user_name = user_name

    def _to_sign_in(self):
        """Send the browser to sign in, then back to the page it asked for."""
        url = self.router.url
        target = url.path + (f"?{url.query}" if url.query else "")
        logger.warning("Not signed in: %s sent to sign in", target)
        return rx.redirect(routes.sign_in_url(target))

    def _signed_in(self) -> bool:
        """Whether someone is signed in; if not, the refusal is shown (and logged).

        Every event that reads or changes anything checks this (or reads the user)
        first: a tab whose session ended changes nothing, not even what it shows."""
        try:
            self._current_user()
        except users.NotSignedIn:
            self._refuse("notice.not_signed_in")
            return False
        return True

    def _sign_in_first(self):
        """None while someone is signed in; otherwise the redirect to sign in (and
        back), for events that leave the page or close a dialog."""
        try:
            self._current_user()
        except users.NotSignedIn:
            return self._to_sign_in()
        return None

    def _home(self):
        """Redirect to where the signed-in user starts (sign in when nobody is)."""
        try:
            return rx.redirect(home_url(self._current_user()))
        except users.NotSignedIn:
            return rx.redirect(routes.SIGN_IN)

    def _refuse(self, message_key: str, **params: object) -> None:
        """Show why an event was refused (and log it); nothing else changes."""
        logger.warning("Refused: %s", message_key)
        self.notice = t(message_key, self.lang, **params)

    @rx.event
    def dismiss_notice(self):
        """Hide the notice (without a session it says so instead)."""
        if self._signed_in():
            self.notice = ""

    @rx.event
    def sign_out(self):
        """Sign out: end the session on the server and forget everything in this tab.

        The tab's state is dropped with its sessionStorage (a new Reflex session
        starts), so the back button finds nothing private to show.
        """
        with get_session() as session:
            if not auth.revoke_session(session, self.session_token):
                logger.warning("Not signed in: sign-out without a live session")
        self.session_token = ""
        return [
            rx.remove_cookie("cloudlink_session", {"path": "/"}),
            rx.call_script(
                "window.sessionStorage.clear();"
                f"window.location.replace({json.dumps(routes.SIGN_IN)});"
            ),
        ]


def home_url(user: users.CurrentUser) -> str:
    """Where a user starts: on the dashboard when they may see it (partner users), else
    on their account page (account admins)."""
    return routes.DASHBOARD if user.may(permissions.VIEW_DASHBOARD) else routes.ACCOUNT


def focus_element(element_id: str | Var, scroll: bool = False):
    """Focus an element once React has rendered it (it may be new in this update).

    ``element_id`` is a Python string (from a handler) or a string Var (in a page);
    ``scroll`` centres it first, for links that jump down the page.
    """
    target = element_id.to_string() if isinstance(element_id, Var) else json.dumps(element_id)
    scroll_js = "e.scrollIntoView({block:'center'});" if scroll else ""
    return rx.call_script(
        "(function f(n){const e=document.getElementById(" + target + ");"
        "if(e){" + scroll_js + "e.focus();}"
        "else if(n>0){setTimeout(function(){f(n-1)},20);}})(50)"
    )
