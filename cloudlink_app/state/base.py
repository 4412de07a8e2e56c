"""The signed-in user, shared by every page's state.

Until sign-in exists the app runs as the seeded demo partner user. The user is
re-read from the database for every check, so a role is never trusted from the
browser or from a stale copy.
"""

from __future__ import annotations

import dataclasses
import json

import reflex as rx
from reflex.vars import Var

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, t
from cloudlink_app.services import users
from cloudlink_app.services.database import get_session


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
    """The user of this browser tab and the UI language."""

    # Backend-only: the browser never receives or sets it.
    _user_email: str = users.DEMO_PARTNER_EMAIL
    lang: str = DEFAULT_LANGUAGE
    is_partner: bool = False
    user_name: str = ""
    # A message about a refused action, shown in an alert region.
    notice: str = ""

    def _current_user(self) -> users.CurrentUser:
        """The signed-in user, freshly read; raises users.NotSignedIn."""
        with get_session() as session:
            user = users.find_user(session, self._user_email)
        if user is None:
            raise users.NotSignedIn()
        self.is_partner = user.is_partner
        self.user_name = user.display_name
        return user

    def _refuse(self, message_key: str, **params: object) -> None:
        """Show why an event was refused; nothing else changes."""
        self.notice = t(message_key, self.lang, **params)

    @rx.event
    def dismiss_notice(self):
        """Hide the notice."""
        self.notice = ""


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
