"""The signed-in user and the UI language of a browser tab: SessionState, the parent of
every page's state.

The browser's session cookie never reaches the states: the backend's middleware
(cloudlink_app/http) hands the websocket's session over as a keyed hash in a header,
and the user is looked up from it, freshly, for every check, so a role is never
trusted from the browser or from a stale copy. SessionState remembers the session its
data belongs to; state/clean_tab.py resets the tab when that is no longer the live one.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from typing import cast

import reflex as rx
from reflex.event import EventHandler, EventSpec
from reflex.state import BaseState

from cloudlink_app import routes
from cloudlink_app.domain import permissions
from cloudlink_app.domain.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    SHOWN_LANGUAGE_KEY,
    UI_LANGUAGES,
    LocalParam,
    Text,
    render,
    t,
)
from cloudlink_app.reflex_internals.events import event_transaction
from cloudlink_app.services import database, sessions, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.language import preferred_language, spread_language

logger = logging.getLogger("cloudlink_app")
# The longest page-title key load_language keeps (they are "title.<page>").
TITLE_KEY_MAX = 64
# What show_failure may say, by reason: the database cannot be reached (it works again
# once it is back), or anything else (logged with its stack trace).
FAILURE_UNAVAILABLE = "unavailable"
FAILURE_UNEXPECTED = "unexpected"
FAILURES = {
    FAILURE_UNAVAILABLE: database.UNAVAILABLE_MESSAGE,
    FAILURE_UNEXPECTED: N_("notice.unexpected_error"),
}


class SessionState(rx.State):
    """The signed-in user of this browser tab and the UI language.

    The browser holds only its session token, in an HttpOnly cookie the states never
    see; the user, their role and their partner are looked up on the server for every
    check from the hash the middleware put in the websocket's headers, so nothing the
    browser sends can change who it is.
    """

    # The user_session row whose user this tab's data belongs to (None: nobody's).
    # Backend-only; a row id, not the token nor its hash.
    _session_id: int | None = None
    # That session's user (app_user id), kept with it for the operators' event log
    # (state/event_log.py), so logging needs no lookup of its own. Backend-only.
    _user_id: int | None = None
    # The UI language of the tab (i18n.UI_LANGUAGES): chosen on every page load
    # (load_language), changed by the language switch (set_language).
    lang: str = DEFAULT_LANGUAGE
    # The language this browser chose last, kept in its local storage, so a reload and
    # the next visit keep it.
    ui_lang: str = rx.LocalStorage("", name="ui_lang", sync=True)
    # The language this browser showed last (any page, any way it was chosen), which
    # the page itself keeps in local storage (components/page_effects.jsx) and the
    # first script of every page reads to paint in it (components/first_paint.py).
    # Read here only, never written: a page chosen by it paints with no flash.
    shown_lang: str = rx.LocalStorage("", name=SHOWN_LANGUAGE_KEY)
    # The title key of the page the tab is on, to re-title it after a language switch.
    _title_key: str = ""
    # Whether the user has the partner's tools (the dashboard, Save and return): what
    # the page shows or hides; every handler asks the permission table itself.
    is_partner: bool = False
    # Whether the user runs the partner's team (the header's "Team" link).
    is_partner_admin: bool = False
    user_name: str = ""
    # A message about a refused action, shown in an alert region (``notice``): kept as
    # its key and parameters, worded in the language of the moment.
    _notice: Text | None = None
    # Why the last event failed on the server (report_backend_error asks show_failure
    # to say it), shown in an alert region until the next page or dismissed.
    _failure: Text | None = None
    # The page title starts with "Error: " while the page shows errors (PageState._title).
    title_error: bool = False
    # The element the page moves focus to (components/page_effects.py): a new request
    # each time ``_focus`` is asked, even for the same element.
    focus_target: str = ""
    focus_request: int = 0
    # A URL the page loads anew from the server, in place of itself (_load_from_server).
    load_url: str = ""

    @rx.var
    def notice(self) -> str:
        """The notice in the UI language ("" when there is none)."""
        return render(self._notice, self.lang)

    @rx.var
    def failure(self) -> str:
        """Why the last event failed, in the UI language ("" when none)."""
        return render(self._failure, self.lang)

    @rx.var
    def page_title(self) -> str:
        """The page's title in the UI language, "Error: " first while it shows errors
        ("" before a page has loaded: the prerendered title stays)."""
        if not self._title_key:
            return ""
        title = t(self._title_key, self.lang)
        return t("title.error_prefix", self.lang) + title if self.title_error else title

    def _focus(self, element_id: str) -> None:
        """Move the page's focus to ``element_id`` once it is there (and no dialog is in
        the way)."""
        tab = self._tab()
        tab.focus_target = element_id
        tab.focus_request += 1

    def _load_from_server(self, url: str) -> None:
        """Have the page load ``url`` anew from the server, in place of itself in the
        tab's history: for an endpoint of the backend, which rx.redirect would not ask
        (it navigates inside the app when the URL is on the page's own host)."""
        self._tab().load_url = url

    def _tab(self) -> SessionState:
        """The tab's SessionState itself (``self`` may be a page state below it): its own
        vars are set on it, not through a page state."""
        state: BaseState = self
        while type(state) is not SessionState and state.parent_state is not None:
            state = state.parent_state
        return cast(SessionState, state)

    def _live_session(self) -> sessions.LiveSession | None:
        """The websocket's session, if it is live: read from the database once per
        event (FollowSession reads it first; the handler's own checks reuse that read,
        see ``_EVENT_SESSION``)."""
        token_hash = sessions.hash_from_header(
            self.router.headers.raw_headers.get(sessions.SESSION_HEADER)
        )
        if token_hash is None:
            return None
        key = _event_key(token_hash)
        cached = _EVENT_SESSION.get()
        now = time.monotonic()
        if (
            key is not None
            and cached is not None
            and cached[0] == key
            and now - cached[1] <= EVENT_SESSION_REUSE
        ):
            return cached[2]
        with get_session() as session:
            live = sessions.live_session(session, token_hash)
        if key is not None:
            _EVENT_SESSION.set((key, now, live))
        return live

    def _current_user(self) -> users.CurrentUser:
        """The signed-in user, freshly read; raises users.NotSignedIn. Only the user of
        the session this tab's data belongs to (FollowSession made it so before the
        event): data of one session is never used under another."""
        live = self._live_session()
        user = live.user if live is not None and live.id == self._session_id else None
        self._show_user(user)
        if user is None:
            raise users.NotSignedIn()
        return user

    def _show_user(self, user: users.CurrentUser | None) -> None:
        # Assigned only when different: every event reads the user, and an assignment
        # sends the value to the browser again.
        is_partner = user is not None and user.may(permissions.VIEW_DASHBOARD)
        is_partner_admin = user is not None and user.can(permissions.VIEW_TEAM)
        user_name = "" if user is None else user.display_name
        if self.is_partner != is_partner:
            self.is_partner = is_partner
        if self.is_partner_admin != is_partner_admin:
            self.is_partner_admin = is_partner_admin
        if self.user_name != user_name:
            self.user_name = user_name

    def _to_sign_in(self):
        """Send the browser to sign in, then back to the page it asked for."""
        url = self.router.url
        target = url.path + (f"?{url.query}" if url.query else "")
        logger.warning("Not signed in: %s sent to sign in", target)
        return rx.redirect(routes.sign_in_url(target))

    def _signed_in_user(self) -> users.CurrentUser | None:
        """The signed-in user; None when nobody is, the refusal then shown (and logged).

        Every event that reads or changes anything checks this (or reads the user)
        first: a tab whose session ended changes nothing, not even what it shows."""
        try:
            return self._current_user()
        except users.NotSignedIn:
            self._refuse("notice.not_signed_in")
            return None

    def _signed_in(self) -> bool:
        """Whether someone is signed in; if not, the refusal is shown (_signed_in_user)."""
        return self._signed_in_user() is not None

    def _may_type(self) -> bool:
        """Whether this tab may change what it holds for the user typing (a value, a
        row, a field left): when someone is signed in, as _signed_in; while the
        database cannot be reached, when the tab belonged to a session when it was
        last checked. Typing changes only the tab's own state (nothing is read or
        saved; every save checks the user first), so an outage loses nothing typed;
        FollowSession checks the session again on the first event after it."""
        try:
            return self._signed_in()
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            return self._session_id is not None

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
        self._notice = Text(message_key, {name: _param(value) for name, value in params.items()})

    # ----- the UI language -----------------------------------------------------------

    def _saved_language(self) -> str | None:
        """The signed-in user's own UI language (None: none saved, nobody signed in,
        or the database cannot be reached now: the page loads all the same)."""
        if self._user_id is None:
            return None
        try:
            with get_session() as session:
                return users.ui_language_of(session, self._user_id)
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            logger.warning("The database cannot be reached: the saved language is not read")
            return None

    def _chosen_language(self) -> str:
        """The language of a page that loads: the signed-in user's saved language, else
        the one this browser showed last, else the one it chose last, else the
        browser's preferred one (its Accept-Language header), else English. The same
        rule as the script that paints the page before its state arrives
        (components/first_paint.py), which cannot know the saved language."""
        for candidate in (self._saved_language(), self.shown_lang, self.ui_lang):
            if candidate in UI_LANGUAGES:
                return str(candidate)
        return preferred_language(self.router.headers.accept_language)

    @rx.event
    def load_language(self, title_key: str):
        """First thing of every page's on_load: the tab's language chosen (see
        _chosen_language), the html ``lang`` and the title in it. Public: a tab
        without a session (the sign-in page) has a language too."""
        # A crafted event may send anything: only a page title of the catalogs is kept.
        if (
            isinstance(title_key, str)
            and len(title_key) <= TITLE_KEY_MAX
            and title_key.startswith("title.")
            and t(title_key) != title_key
        ):
            self._title_key = title_key
        # A page starts without errors (its own on_load, next, may show some).
        self.title_error = False
        self._failure = None
        lang = self._chosen_language()
        # The browser's stored languages come with the hydrate as the browser (or a
        # crafted event) sends them: anything but a UI language is not kept.
        for stored in ("shown_lang", "ui_lang"):
            if getattr(self, stored) not in ("", *UI_LANGUAGES):
                setattr(self, stored, "")
        if self.lang != lang:
            self.lang = lang
        spread_language(self, lang)

    @rx.event
    def set_language(self, lang: str):
        """The language switch: the page re-worded in place (only ``lang`` changes, so
        nothing typed is lost), remembered by the browser and, for a signed-in user,
        on the user. Anything but a UI language is refused."""
        if not isinstance(lang, str) or lang not in UI_LANGUAGES:
            self._refuse("notice.unknown_choice")
            return None
        self.lang = lang
        self.ui_lang = lang
        spread_language(self, lang)
        self._save_language(lang)
        return None

    def _save_language(self, lang: str) -> None:
        """Remember ``lang`` on the signed-in user (nobody signed in: nothing saved; the
        database unreachable: the switch works in this browser all the same)."""
        try:
            live = self._live_session()
            if live is None or live.id != self._session_id:
                return
            with get_session() as session:
                users.save_ui_language(session, live.user.id, lang)
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            logger.warning("The database cannot be reached: the language is not saved")

    @rx.event
    def dismiss_notice(self):
        """Hide the notice (without a session it says so instead)."""
        if self._signed_in():
            self._notice = None

    @rx.event
    def show_failure(self, reason: str):
        """Say why an event failed on the server: what report_backend_error (the app's
        backend exception handler, which runs without the tab's states) asks for, in
        the tab's language. Any other reason is refused. Public: the failure may be the
        database, so nothing is read here."""
        if not isinstance(reason, str) or reason not in FAILURES:
            self._refuse("notice.unknown_choice")
            return
        self._failure = Text(FAILURES[reason])

    @rx.event
    def dismiss_failure(self):
        """Hide the failure message."""
        self._failure = None


# The live session read for the event being processed, so that one event reads it
# once (FollowSession, then the handler's _may_type / _current_user / _validate read it
# again: two or three queries per keystroke before). Keyed by the event's transaction
# id, the websocket's session hash and the task, and kept for EVENT_SESSION_REUSE
# seconds at most: a later event or another tab never sees it, and a background
# handler (connection_check.py, run on in its event's task) that checks the user again
# after a wait reads the database again.
_EVENT_SESSION: contextvars.ContextVar[tuple[tuple, float, sessions.LiveSession | None] | None] = (
    contextvars.ContextVar("cloudlink_event_session", default=None)
)
EVENT_SESSION_REUSE = 1.0


def _event_key(token_hash: str) -> tuple | None:
    """What identifies one event's read of a session (None: not inside an event, e.g.
    a unit test calling a method directly: no reuse)."""
    txid = event_transaction()
    try:
        task = asyncio.current_task()
    except RuntimeError:
        return None
    if txid is None or task is None:
        return None
    return (txid, token_hash, id(task))


def _param(value: object) -> str | int | LocalParam:
    """A text's parameter as Text keeps it: numbers stay numbers (for plurals), a time
    stays a time (worded in the language the text is shown in), the rest is text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str) and callable(getattr(value, "format", None)):
        return cast(LocalParam, value)
    return str(value)


def home_url(user: users.CurrentUser) -> str:
    """Where a user starts: on the dashboard when they may see it (partner users), else
    on their account page (account admins)."""
    return routes.DASHBOARD if user.may(permissions.VIEW_DASHBOARD) else routes.ACCOUNT


def root_state(state: BaseState) -> BaseState:
    """The root of ``state``'s tree (the tab's whole state)."""
    while state.parent_state is not None:
        state = state.parent_state
    return state


def failure_event(reason: str) -> EventSpec:
    """The event that has a tab say why its last event failed (SessionState.show_failure),
    for the app's backend exception handler."""
    handler = cast(EventHandler, SessionState.show_failure)  # an EventHandler at run time
    return handler(reason)
