"""State of the Set password page, opened from a one-time link.

A public page: whoever has the link may use it, signed in or not. The link reaches the
page through the backend (cloudlink_app/http): its endpoint keeps the token in an
HttpOnly cookie and sends the browser to this page, whose address holds no token; the
middleware hands the websocket the token's keyed hash (password_links.LINK_HEADER),
which is all this state ever sees of the link. Once the password is set, the browser
goes through the backend again, which clears the cookie, on its way to sign in.
"""

from __future__ import annotations

import logging
from typing import ClassVar
from urllib.parse import urlsplit

import reflex as rx
from reflex.config import get_config

from cloudlink_app import routes
from cloudlink_app.domain import passwords
from cloudlink_app.domain.i18n import N_
from cloudlink_app.services import password_changes, password_hashing, password_links
from cloudlink_app.services.database import get_session
from cloudlink_app.state.password_form import PasswordFormMixin
from cloudlink_app.state.session import SessionState

logger = logging.getLogger("cloudlink_app")


def _set_password(token_hash: object, password: str, confirm: str) -> password_changes.Outcome:
    # In the password workers (password_hashing.in_password_workers): Argon2 is slow on purpose.
    with get_session() as session:
        return password_changes.set_password_with_link(session, token_hash, password, confirm)


def password_set_url() -> str:
    """The backend's endpoint that clears the link cookie and goes on to sign in, at
    the address the pages reach the backend at (Reflex's api_url: in production the
    deploy URL, in `make run` http://localhost:3000)."""
    backend = urlsplit(get_config().api_url)
    return f"{backend.scheme}://{backend.netloc}{routes.AUTH_PASSWORD_SET}"


# The message that says the link is not (or no longer) valid (focus goes there).
LINK_ERROR_ID = "link-error"


class SetPasswordState(PasswordFormMixin, SessionState):
    """Set a password with a one-time link."""

    TITLE_KEY: ClassVar[str] = N_("title.set_password")
    FIELDS: ClassVar[tuple[str, ...]] = (passwords.NEW_PASSWORD, passwords.CONFIRM_PASSWORD)

    # False while the link is not (or no longer) valid: the page says so, with no form.
    link_valid: bool = False
    link_checked: bool = False

    def _link_hash(self) -> str | None:
        """The hash of the link this browser opened, as the middleware put it in the
        websocket's headers; None when it holds none."""
        header = self.router.headers.raw_headers.get(password_links.LINK_HEADER)
        return password_links.hash_from_header(header)

    @rx.event
    def load(self):
        """on_load: check the link; an invalid one shows a message and no form."""
        self._clear_errors()
        self._done = None
        with get_session() as session:
            self.link_valid = password_links.hash_is_live(session, self._link_hash())
        self.link_checked = True
        if not self.link_valid:
            logger.warning("Set password: the link is not valid")
            self._title(error=True)
            self._focus(LINK_ERROR_ID)
            return None
        return self._title()

    @rx.event
    async def set_password(self, form_data: dict):
        """Set the password: the policy, then the link is spent and the user sent to
        sign in. A crafted payload or an invalid link changes nothing."""
        values = self._form_values(form_data)
        if values is None:
            return None
        token_hash = self._link_hash()
        password, confirm = values[passwords.NEW_PASSWORD], values[passwords.CONFIRM_PASSWORD]
        try:
            outcome = await password_hashing.in_password_workers(
                lambda: _set_password(token_hash, password, confirm),
                password_hashing.SIGN_IN_TIMEOUT,
            )
        except TimeoutError:
            return self._refuse("password.timed_out")
        if outcome.invalid_link:
            logger.warning("Set password refused: the link is not valid")
            self._clear_errors()
            self.link_valid = False
            self._title(error=True)
            self._focus(LINK_ERROR_ID)
            return None
        if outcome.problems:
            return self._show_problems(outcome.problems)
        self._clear_errors()
        self.link_valid = False
        self._load_from_server(password_set_url())
        return None
