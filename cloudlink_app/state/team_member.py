"""State of a member's page (/team/[user_id], partner admins only): their role and
customers ("Save changes"), "Deactivate" (asks first), "Reactivate", "Send invitation
again" while invited, and their history (services/team.py, services/team_list.py).

The member is the one the page was loaded for (``loaded``, read from the route by the
on_load and found within the admin's own partner): no handler takes a member id from
the browser. Every handler checks the session and the caller's role, and the types
and sizes of what it got; the services check the role, the member and the customers
again, and refuse the change that would leave the partner without an active partner
admin. A refusal shows the service's reason in the notice and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import permissions, team
from cloudlink_app.domain.i18n import N_, Text, t
from cloudlink_app.domain.limits import texts
from cloudlink_app.services import team as team_service
from cloudlink_app.services import team_list, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.customer_picker import CustomerPickerMixin
from cloudlink_app.state.page import PageState, Stopped
from cloudlink_app.state.session import SessionState
from cloudlink_app.views.team import HistoryRow, history_row

DONE_ID = "member-done"
DEACTIVATE_ID = "deactivate"
# A member id in the URL: digits, at most this many.
MEMBER_ID_DIGITS = 12


def member_id_of(value: object) -> int | None:
    """The member id in a URL's ``user_id``, or None for anything but a positive number."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > MEMBER_ID_DIGITS or int(value) < 1:
        return None
    return int(value)


class TeamMemberState(CustomerPickerMixin, PageState, SessionState):
    """One member of the admin's partner: what they may see, their status, their history."""

    TITLE_KEY: ClassVar[str] = N_("title.team_member")

    if TYPE_CHECKING:
        # The route argument of /team/[user_id], added by Reflex.
        user_id: str

    # The member the page was loaded for (0: none).
    loaded: int = 0
    member_name: str = ""
    member_email: str = ""
    member_role: str = ""
    is_self: bool = False
    # domain.team's status of the member.
    status: str = ""
    _history: list[team_list.EventRow] = []
    # Whether the confirmation "Deactivate X?" is open.
    deactivate_open: bool = False

    @rx.var
    def status_text(self) -> str:
        """Invited, Active or Deactivated, in the UI language."""
        return t(f"team_status.{self.status}", self._page_lang) if self.status else ""

    @rx.var
    def history(self) -> list[HistoryRow]:
        """The member's history, newest first, in the UI language."""
        return [history_row(i, e, self._page_lang) for i, e in enumerate(self._history)]

    @rx.var
    def role_options(self) -> list[list[str]]:
        """The roles as [value, name in the UI language]."""
        return [
            [role, t(f"role_name.{role}", self._page_lang)] for role in permissions.PARTNER_ROLES
        ]

    @rx.var
    def deactivate_question(self) -> str:
        """ "Deactivate X?" ("" when the confirmation is closed)."""
        if not self.deactivate_open:
            return ""
        return t("team_member.deactivate.title", self._page_lang, name=self.member_name)

    # ----- loading -------------------------------------------------------------------

    def _clear(self) -> None:
        self.loaded = 0
        self.member_name = self.member_email = self.member_role = self.status = ""
        self.is_self = False
        self._history = []
        self.deactivate_open = False
        self._reset_picker()
        self._clear_errors()
        self._done = None

    def _show(self, user: users.CurrentUser, member_id: int) -> None:
        """Read the member (TeamError when they are not of the admin's team)."""
        with get_session() as session:
            member = team_list.member(session, user, member_id)
            names = dict(team_list.customer_names(session, user, member.account_ids))
        row = member.row
        self.loaded = row.id
        self.member_name = row.name
        self.member_email = row.email
        self.member_role = row.role
        self.status = row.status
        self.is_self = row.id == user.id
        self._history = member.history
        self._reset_picker(
            team.ALL_CUSTOMERS if row.all_customers else team.SELECTED_CUSTOMERS, names
        )

    @rx.event
    def load(self):
        """on_load: partner admins only (anyone else goes to their own start page); a
        member of another partner, or no member at all, is not shown: the Team page
        opens instead and says so."""
        user, away = self._page_user(permissions.MANAGE_TEAM)
        if user is None:
            self._clear()
            return away
        member_id = member_id_of(self.user_id)
        self._clear()
        try:
            if member_id is None:
                raise team_service.TeamError(team_service.NOT_FOUND)
            self._show(user, member_id)
        except team_service.TeamError as error:
            self._refuse(error.key)
            return rx.redirect(routes.TEAM)
        self._notice = None
        return self._title()

    def _member_admin(self) -> users.CurrentUser | None:
        """The signed-in partner admin, when the page shows a member (else the refusal)."""
        user = self._team_admin()
        if user is None:
            return None
        if not self.loaded:
            self._refuse(team_service.NOT_FOUND)
            return None
        return user

    def _done_with(self, user: users.CurrentUser, key: str, **params: object) -> None:
        """A change made: the member read again, the confirmation shown and focused."""
        self._show(user, self.loaded)
        self._clear_errors()
        self._title()
        self._notice = None
        self._done = Text(key, {name: str(value) for name, value in params.items()})
        self._focus(DONE_ID)

    def _refused_by(self, error: team_service.TeamError) -> Stopped:
        return self._refused_with_notice(error.key)

    # ----- role and customers ----------------------------------------------------------

    @rx.event
    def set_member_role(self, value: str):
        """Partner admin or Partner user chosen (saved with Save changes)."""
        if not self._allowed(value, permissions.PARTNER_ROLES) or not value:
            return self._refuse("notice.unknown_choice")
        if self._member_admin() is None:
            return None
        self.member_role = value
        self._done = None
        self._notice = None
        return None

    def _picker_changed(self) -> None:
        self._done = None
        self._notice = None

    @rx.event
    def save_changes(self):
        """Save changes: the role and the customers as chosen. The last active partner
        admin stays one (the service decides, under a lock of the partner's row)."""
        user = self._member_admin()
        if user is None:
            return None
        problems = team.access_problems(self.member_role, self.customers, self._selection())
        if problems:
            return self._show_errors(texts(problems))
        try:
            with get_session() as session:
                team_service.change_access(
                    session,
                    user,
                    self.loaded,
                    role=self.member_role,
                    customers=self.customers,
                    account_ids=self._selection(),
                )
            self._done_with(user, N_("team_member.saved"), name=self.member_name)
        except team_service.TeamError as error:
            return self._refused_by(error)
        return None

    # ----- deactivating ----------------------------------------------------------------

    @rx.event
    def ask_deactivate(self):
        """Deactivate: ask first, naming the member."""
        if self._member_admin() is None:
            return None
        if self.status == team.DEACTIVATED_STATUS:
            return self._refuse("team_member.already_deactivated")
        self.deactivate_open = True
        return None

    def _keep_member(self):
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        if self.deactivate_open:
            self.deactivate_open = False
            self._focus(DEACTIVATE_ID)
        return None

    @rx.event
    def deactivate_dialog_changed(self, is_open: bool):
        """The dialog asks to close itself (Escape)."""
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        if is_open is False:
            return self._keep_member()
        return None

    @rx.event
    def deactivate(self):
        """Deactivate, in the confirmation: every session of the member ends at its next
        event and their unused links are spent. Only after the question was asked."""
        user = self._member_admin()
        if user is None:
            return None
        if not self.deactivate_open:
            return self._refuse("team_member.not_confirmed")
        self.deactivate_open = False
        try:
            with get_session() as session:
                team_service.deactivate(session, user, self.loaded)
            self._done_with(user, N_("team_member.deactivated"), name=self.member_name)
        except team_service.TeamError as error:
            return self._refused_by(error)
        return None

    @rx.event
    def reactivate(self):
        """Reactivate: the member may sign in again."""
        user = self._member_admin()
        if user is None:
            return None
        try:
            with get_session() as session:
                team_service.reactivate(session, user, self.loaded)
            self._done_with(user, N_("team_member.reactivated"), name=self.member_name)
        except team_service.TeamError as error:
            return self._refused_by(error)
        return None

    @rx.event
    def send_invitation_again(self):
        """Send invitation again (while invited): a new link, the earlier one spent."""
        user = self._member_admin()
        if user is None:
            return None
        try:
            with get_session() as session:
                email = team_service.send_again(session, user, self.loaded, self._page_lang)
            self._done_with(user, N_("team_member.sent_again"), email=email)
        except team_service.TeamError as error:
            return self._refused_by(error)
        return None
