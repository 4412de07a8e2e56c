"""State of "Invite a colleague" (/team/invite, partner admins only): Name, Email
address, Role and Customers, checked as typed by domain/team.validate_invitation, then
"Send invitation" (services/team.invite: the colleague and their one-time link by
email, in this page's language).

Every handler is an event the browser can send with any arguments: each checks the
session and the caller's role, the types and sizes of what it got; the service checks
the role, the customers (the admin's partner's own) and the address again.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import permissions, team
from cloudlink_app.domain.i18n import N_, Text, t
from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.services import database
from cloudlink_app.services import team as team_service
from cloudlink_app.services.database import get_session
from cloudlink_app.state.customer_picker import CustomerPickerMixin
from cloudlink_app.state.page import LiveFormState
from cloudlink_app.state.session import SessionState

DONE_ID = "invitation-sent"
FIELDS = (team.MEMBER_NAME, team.MEMBER_EMAIL, team.MEMBER_ROLE, team.MEMBER_CUSTOMERS)
# The longest value a field accepts from the browser: a little more than the rules
# allow, so that the page can say "too long" instead of refusing what was pasted.
MAX_LENGTH = {
    team.MEMBER_NAME: team.MEMBER_NAME_MAX * 2,
    team.MEMBER_EMAIL: EMAIL_MAX * 2,
}


class TeamInviteState(CustomerPickerMixin, LiveFormState, SessionState):
    """The invitation being typed and, once sent, to whom."""

    TITLE_KEY: ClassVar[str] = N_("title.team_invite")
    MAX_LENGTH: ClassVar[dict[str, int]] = MAX_LENGTH

    member_name: str = ""
    member_email: str = ""
    member_role: str = ""
    # The page of the colleague invited last ("" before).
    invited_url: str = ""

    @rx.var
    def role_options(self) -> list[list[str]]:
        """The roles as [value, name in the UI language]."""
        return [
            [role, t(f"role_name.{role}", self._page_lang)] for role in permissions.PARTNER_ROLES
        ]

    def _clear(self) -> None:
        self.member_name = self.member_email = self.member_role = ""
        self._reset_picker()
        self._errors = {}
        self._summary = {}
        self._touched = []
        self._submitted = False

    @rx.event
    def load(self):
        """on_load: partner admins only; anyone else goes to their own start page."""
        user, away = self._page_user(permissions.MANAGE_TEAM)
        if user is None:
            self._clear()
            return away
        if self._done is not None:
            self._clear()
            self._done = None
            self.invited_url = ""
        return self._title()

    # ----- typing and live validation --------------------------------------------------

    def _may_type(self) -> bool:
        """Typing is for partner admins only (anyone else is refused and changes
        nothing); while the database cannot be reached, as for any form."""
        try:
            return self._team_admin() is not None
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            return self._session_id is not None

    def _field_ids(self) -> set[str]:
        return set(FIELDS)

    def _validate(self) -> dict[str, Text]:
        return team.validate_invitation(
            self.member_name,
            self.member_email,
            self.member_role,
            self.customers,
            self._selection(),
        )

    def _changed(self, field_id: str) -> None:
        # Typing after an invitation was sent starts the next one.
        self._done = None
        super()._changed(field_id)

    def _picker_changed(self) -> None:
        self._changed(team.MEMBER_CUSTOMERS)

    @rx.event
    def set_member_name(self, value: str):
        """The colleague's name typed."""
        self._set_text(team.MEMBER_NAME, value)

    @rx.event
    def set_member_email(self, value: str):
        """The colleague's email address typed."""
        self._set_text(team.MEMBER_EMAIL, value)

    @rx.event
    def set_member_role(self, value: str):
        """Partner admin or Partner user chosen (or none)."""
        self._set_choice(team.MEMBER_ROLE, value, permissions.PARTNER_ROLES)

    # ----- sending -----------------------------------------------------------------------

    @rx.event
    def send_invitation(self):
        """Send invitation: the colleague is added (no password yet) and mailed a
        one-time link. Refused, nothing stored or sent, without a session, for anyone
        but a partner admin, while the form has problems (shown), for an address that
        is a user already, or customers that are not the partner's."""
        user = self._team_admin()
        if user is None:
            return None
        errors = self._validate()
        if errors:
            return self._show_errors(errors)
        try:
            with get_session() as session:
                member_id = team_service.invite(
                    session,
                    user,
                    name=self.member_name,
                    email=self.member_email,
                    role=self.member_role,
                    customers=self.customers,
                    account_ids=self._selection(),
                    lang=self._page_lang,
                )
        except team_service.TeamError as error:
            if error.key == team_service.ADDRESS_TAKEN:
                return self._show_errors({team.MEMBER_EMAIL: Text(error.key)})
            return self._refused_with_notice(error.key)
        email = self.member_email.strip()
        self._clear()
        self._notice = None
        self._done = Text("team_invite.done", {"email": email})
        self.invited_url = routes.team_member_url(member_id)
        self._title()
        self._focus(DONE_ID)
        return None
