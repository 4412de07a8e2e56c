"""State of the Change password page (/account/password), for a signed-in user of
either role.

The current password is checked, the policy applied, the new hash stored, and every
other session of the user ended (this one stays). Argon2 runs in the password workers, so
other users' events are not held up (password_hashing.in_password_workers).
"""

from __future__ import annotations

import logging
from typing import ClassVar

import reflex as rx

from cloudlink_app.domain import passwords, permissions
from cloudlink_app.domain.i18n import N_, Text
from cloudlink_app.services import password_changes, password_hashing
from cloudlink_app.services.database import get_session
from cloudlink_app.state.password_form import PasswordFormMixin
from cloudlink_app.state.session import SessionState

logger = logging.getLogger("cloudlink_app")

DONE_ID = "password-changed"


def _change_password(
    user_id: int,
    keep_session_id: int | None,
    address: str,
    current: str,
    password: str,
    confirm: str,
) -> password_changes.Outcome:
    # In the password workers (password_hashing.in_password_workers): Argon2 is slow on purpose.
    with get_session() as session:
        return password_changes.change_password(
            session,
            user_id,
            current,
            password,
            confirm,
            keep_session_id=keep_session_id,
            address=address,
        )


class ChangePasswordState(PasswordFormMixin, SessionState):
    """Change one's own password."""

    TITLE_KEY: ClassVar[str] = N_("title.change_password")
    FIELDS: ClassVar[tuple[str, ...]] = (
        passwords.CURRENT_PASSWORD,
        passwords.NEW_PASSWORD,
        passwords.CONFIRM_PASSWORD,
    )

    @rx.event
    def load(self):
        """on_load: signed-in users whose role may change their password."""
        user, away = self._page_user(permissions.CHANGE_OWN_PASSWORD)
        if user is None:
            return away
        self._clear_errors()
        self._done = None
        return self._title()

    @rx.event
    async def change_password(self, form_data: dict):
        """Check the current password, apply the policy, store the new one and end the
        user's other sessions. Refused (nothing written) without a session, for a
        crafted payload or a wrong current password."""
        user = self._signed_in_user()
        if user is None:
            return None
        if not user.may(permissions.CHANGE_OWN_PASSWORD):
            return self._refuse("change_password.not_allowed")
        values = self._form_values(form_data)
        if values is None:
            return None
        # This tab's session (SessionState._session_id, the row _current_user checked)
        # stays signed in.
        keep = self._session_id
        # Wrong current passwords are throttled by the client's address, as sign-ins.
        address = self.router.session.client_ip
        typed = [values[field] for field in self.FIELDS]
        try:
            outcome = await password_hashing.in_password_workers(
                lambda: _change_password(user.id, keep, address, *typed),
                password_hashing.SIGN_IN_TIMEOUT,
            )
        except TimeoutError:
            return self._refuse("password.timed_out")
        if outcome.problems:
            logger.warning("Change password refused: %s", ", ".join(outcome.problems))
            return self._show_problems(outcome.problems)
        if not outcome.done:
            return self._refuse("notice.not_signed_in")
        self._clear_errors()
        self._done = Text("change_password.done")
        self._title()
        self._focus(DONE_ID)
        return None
