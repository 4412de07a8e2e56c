"""State of the Team page (/team, partner admins only): one page of the partner's team,
searchable by name or address (services/team_list.team_page).

Every handler checks that a partner admin is signed in (the permission table's
VIEW_TEAM), and the types and sizes of what it got; the service reads the admin's own
partner's team only.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app.domain import permissions, team
from cloudlink_app.domain.i18n import N_, t
from cloudlink_app.services import team_list, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import PageState
from cloudlink_app.state.session import SessionState
from cloudlink_app.views.dashboard import page_count
from cloudlink_app.views.team import TeamRow, team_row

SEARCH_MAX = 100


class TeamState(PageState, SessionState):
    """The members of the signed-in admin's partner, by name."""

    TITLE_KEY: ClassVar[str] = N_("title.team")

    _found: list[team_list.MemberRow] = []
    search: str = ""
    page: int = 1
    total: int = 0

    @rx.var
    def rows(self) -> list[TeamRow]:
        """The members of the current page as their rows show them, in the UI language."""
        return [team_row(row, self._page_lang) for row in self._found]

    @rx.var(cache=True)
    def pages(self) -> int:
        """How many pages the current search has."""
        return page_count(self.total, team.MEMBERS_PAGE_SIZE)

    @rx.var(cache=True)
    def paging_status(self) -> str:
        """ "Page 1 of 2 (30 members)", in the UI language."""
        key = N_("team.page_one_member") if self.total == 1 else N_("team.page")
        return t(key, self._page_lang, page=self.page, pages=self.pages, total=self.total)

    def _admin(self) -> users.CurrentUser | None:
        user = self._signed_in_user()
        if user is None:
            return None
        if not user.can(permissions.VIEW_TEAM):
            self._refuse("team.not_allowed")
            return None
        return user

    def _load(self, user: users.CurrentUser) -> None:
        with get_session() as session:
            found, self.total = team_list.team_page(session, user, self.search, self.page)
            if not found and self.page > 1:
                self.page = page_count(self.total, team.MEMBERS_PAGE_SIZE)
                found, self.total = team_list.team_page(session, user, self.search, self.page)
        self._found = found

    @rx.event
    def load(self):
        """on_load: partner admins only (anyone else goes to their own start page and
        is sent nothing of the team); the first page of the current search."""
        user, away = self._page_user(permissions.VIEW_TEAM)
        if user is None:
            self._found = []
            self.total = 0
            return away
        self.page = 1
        self._load(user)
        return self._title()

    @rx.event
    def set_search(self, value: str):
        """Search the team by name or email address."""
        if not isinstance(value, str) or len(value) > SEARCH_MAX:
            return self._refuse("notice.too_long", limit=SEARCH_MAX)
        user = self._admin()
        if user is None:
            return None
        self.search = value
        self.page = 1
        self._load(user)
        return None

    @rx.event
    def go_to_page(self, page: int):
        """Open another page of the list."""
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= self.pages:
            return self._refuse("notice.unknown_page")
        user = self._admin()
        if user is None:
            return None
        self.page = page
        self._load(user)
        return None
