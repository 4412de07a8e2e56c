"""The signed-in user, shared by every page's state, and the clean tab.

The browser's session cookie never reaches the states: the backend's middleware
(cloudlink_app/http) hands the websocket's session over as a keyed hash in a header,
and the user is looked up from it, freshly, for every check, so a role is never
trusted from the browser or from a stale copy.

Every page's state is a substate of SessionState, and SessionState remembers the
session its data belongs to. Before any event is processed (the hydrate that sends
the whole state after a reload included), ``FollowSession`` compares that with the
websocket's live session: when another user signed in, or the session ended (sign-out
in another tab, expiry, a deactivated user), every page's state is reset first, so
nothing of the previous user is ever sent.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import dataclasses
import json
import logging
import time
from typing import cast

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import BaseState, State, StateUpdate
from reflex.vars import Var
from reflex_base.event import Event
from reflex_base.event.context import EventContext

from cloudlink_app import routes
from cloudlink_app.domain import permissions
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES, LocalParam, Text, render, t
from cloudlink_app.models import AppUser
from cloudlink_app.services import database, sessions, users
from cloudlink_app.services.database import get_session

logger = logging.getLogger("cloudlink_app")
# The longest page-title key load_language keeps (they are "title.<page>").
TITLE_KEY_MAX = 64


@dataclasses.dataclass
class ErrorLink:
    """One line of the error summary: the message (rendered in the page's language by
    the computed var that makes the summary) and the field it is about."""

    field_id: str
    message: str


def render_all(texts: dict[str, Text], lang: str) -> dict[str, str]:
    """Texts kept by key (e.g. field errors by field id), each rendered in ``lang``."""
    return {key: render(text, lang) for key, text in texts.items()}


def set_title(title_key: str, lang: str, error: bool = False):
    """Set the page title in ``lang``; "Error: " first while the page shows errors."""
    title = t(title_key, lang)
    if error:
        title = t("title.error_prefix", lang) + title
    return rx.call_script(f"document.title = {json.dumps(title)}")


def show_language(lang: str, title_key: str = ""):
    """The page in ``lang`` where the states cannot reach it: the html element's
    ``lang`` attribute and, when ``title_key`` is known, the title (its "Error: " /
    "Fout: " prefix kept while the page shows errors)."""
    script = f"document.documentElement.lang = {json.dumps(lang)};"
    if title_key:
        prefixes = sorted({t("title.error_prefix", other) for other in UI_LANGUAGES})
        script += (
            "(function(){var t=document.title;"
            f"var error={json.dumps(prefixes)}.some(function(p){{return t.indexOf(p)===0;}});"
            f"document.title=(error?{json.dumps(t('title.error_prefix', lang))}:'')"
            f"+{json.dumps(t(title_key, lang))};}})();"
        )
    return rx.call_script(script)


def preferred_language(accept_language: str) -> str:
    """The first UI language of an Accept-Language header by q-value ("nl-NL,nl;q=0.9,
    en;q=0.8" -> "nl"; a tie goes to the one listed first); English when none is."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for item in accept_language.split(","):
        tag, _, params = item.partition(";")
        primary = tag.strip().split("-")[0].lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if primary in UI_LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


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
    # The title key of the page the tab is on, to re-title it after a language switch.
    _title_key: str = ""
    # Whether the user has the partner's tools (the dashboard, Save and return): what
    # the page shows or hides; every handler asks the permission table itself.
    is_partner: bool = False
    user_name: str = ""
    # A message about a refused action, shown in an alert region (``notice``): kept as
    # its key and parameters, worded in the language of the moment.
    _notice: Text | None = None

    @rx.var
    def notice(self) -> str:
        """The notice in the UI language ("" when there is none)."""
        return render(self._notice, self.lang)

    def _live_session(self) -> sessions.LiveSession | None:
        """The websocket's session, if it is live: read from the database once per
        event (FollowSession reads it first; the handler's own checks reuse that read,
        see ``_event_session``)."""
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

    async def _follow_session(self) -> None:
        """Before an event: when the websocket's live session is not the one this tab's
        data belongs to (another user signed in, or the session ended), reset every
        page's state, then remember the new session."""
        live = self._live_session()
        session_id = None if live is None else live.id
        user_id = None if live is None else live.user.id
        if session_id == self._session_id:
            if self._user_id != user_id:  # a tab stored before _user_id existed
                self._user_id = user_id
            return
        if self._session_id is not None or session_id is not None:
            logger.info("The tab's session changed: its states are reset")
        # With Redis only the states of the event are loaded: load every page's state,
        # so that the reset reaches them all.
        for state_cls in _substates(type(self)):
            await self.get_state(state_cls)
        # The language belongs to the browser tab, not to the user's data: kept.
        lang, ui_lang, title_key = self.lang, self.ui_lang, self._title_key
        self.reset()  # this state's vars and every substate's, recursively
        self.lang, self.ui_lang, self._title_key = lang, ui_lang, title_key
        self._session_id = session_id
        self._user_id = user_id

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

    def _saved_language(self) -> str | None:
        """The signed-in user's own UI language (None: none saved, nobody signed in,
        or the database cannot be reached now: the page loads all the same)."""
        if self._user_id is None:
            return None
        try:
            with get_session() as session:
                user = session.get(AppUser, self._user_id)
                return None if user is None else user.ui_language
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            logger.warning("The database cannot be reached: the saved language is not read")
            return None

    def _chosen_language(self) -> str:
        """The language of a page that loads: the signed-in user's saved language, else
        the one this browser chose last, else the browser's preferred one (its
        Accept-Language header), else English."""
        for candidate in (self._saved_language(), self.ui_lang):
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
        lang = self._chosen_language()
        if self.lang != lang:
            self.lang = lang
        spread_language(self)
        return show_language(lang, self._title_key)

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
        spread_language(self)
        self._save_language(lang)
        return show_language(lang, self._title_key)

    def _save_language(self, lang: str) -> None:
        """Remember ``lang`` on the signed-in user (nobody signed in: nothing saved; the
        database unreachable: the switch works in this browser all the same)."""
        try:
            live = self._live_session()
            if live is None or live.id != self._session_id:
                return
            with get_session() as session:
                user = session.get(AppUser, live.user.id)
                if user is not None and user.ui_language != lang:
                    user.ui_language = lang
                    session.add(user)
                    session.commit()
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            logger.warning("The database cannot be reached: the language is not saved")

    @rx.event
    def dismiss_notice(self):
        """Hide the notice (without a session it says so instead)."""
        if self._signed_in():
            self._notice = None


# The live session read for the event being processed, so that one event reads it
# once (FollowSession, then the handler's _may_type / _current_user / _validate read it
# again: two or three queries per keystroke before). Keyed by the event's transaction
# id (Reflex's EventContext), the websocket's session hash and the task, and kept for
# EVENT_SESSION_REUSE seconds at most: a later event or another tab never sees it, and
# a background handler (connection_check.py, run on in its event's task) that checks
# the user again after a wait reads the database again.
_EVENT_SESSION: contextvars.ContextVar[tuple[tuple, float, sessions.LiveSession | None] | None] = (
    contextvars.ContextVar("cloudlink_event_session", default=None)
)
EVENT_SESSION_REUSE = 1.0


def _event_key(token_hash: str) -> tuple | None:
    """What identifies one event's read of a session (None: not inside an event, e.g.
    a unit test calling a method directly: no reuse)."""
    try:
        txid = EventContext.get().txid
        task = asyncio.current_task()
    except (LookupError, RuntimeError):
        return None
    if not txid or task is None:
        return None
    return (txid, token_hash, id(task))


# A page state's own copy of SessionState.lang, read by its computed vars that word
# texts (errors, notices, statuses) instead of ``self.lang``. Reflex makes every
# computed var that reads a var of a parent state a dependency of that parent: with
# ``self.lang`` in them, every page state became "potentially dirty" for SessionState,
# and Reflex's Redis state manager loaded (and saved) every page's state for every
# event of any page (typing p95 14.7 -> 17.5 ms, issue 12). The copy is kept equal to
# ``lang`` by spread_language, which FollowSession calls before each event and the
# language handlers after changing it.
PAGE_LANG = "_page_lang"


# The UI language of this worker's newest tabs, by their token: Reflex runs the
# backend exception handler (report_backend_error) in a task of its own, without the
# failed event's states, and its toast is worded in the tab's language from here.
_TAB_LANGUAGES: collections.OrderedDict[str, str] = collections.OrderedDict()
TAB_LANGUAGES_MAX = 10_000


def _remember_tab_language(token: str, lang: str) -> None:
    if not token:
        return
    _TAB_LANGUAGES[token] = lang
    _TAB_LANGUAGES.move_to_end(token)
    if len(_TAB_LANGUAGES) > TAB_LANGUAGES_MAX:
        _TAB_LANGUAGES.popitem(last=False)


def event_tab_language() -> str:
    """The UI language of the tab whose event is being handled (English when there is
    no event or its tab was never seen by this worker)."""
    try:
        token = EventContext.get().token
    except LookupError:
        return DEFAULT_LANGUAGE
    return _TAB_LANGUAGES.get(token, DEFAULT_LANGUAGE)


def spread_language(state: BaseState) -> None:
    """Give every loaded state of the tab that has a PAGE_LANG copy the tab's language
    (assigned only where it differs: an assignment re-words that state's texts), and
    remember it for the tab's error messages (event_tab_language)."""
    root = state._get_root_state()
    session = root.substates.get(SessionState.get_name())
    if not isinstance(session, SessionState):
        return
    lang = session.lang
    with contextlib.suppress(LookupError):  # outside an event: nothing to remember
        _remember_tab_language(EventContext.get().token, lang)
    pending = list(session.substates.values())
    while pending:
        current = pending.pop()
        pending.extend(current.substates.values())
        # Read from the instance's own dict: a state pickled by an older release (a
        # rolling upgrade, another instance on older code) has no copy yet.
        if hasattr(type(current), PAGE_LANG) and vars(current).get(PAGE_LANG) != lang:
            setattr(current, PAGE_LANG, lang)


def _param(value: object) -> str | int | LocalParam:
    """A text's parameter as Text keeps it: numbers stay numbers (for plurals), a time
    stays a time (worded in the language the text is shown in), the rest is text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str) and callable(getattr(value, "format", None)):
        return cast(LocalParam, value)
    return str(value)


def _substates(state_cls: type[BaseState]) -> list[type[BaseState]]:
    """Every substate class below ``state_cls``, depth first."""
    found: list[type[BaseState]] = []
    for substate in state_cls.get_substates():
        found.append(substate)
        found.extend(_substates(substate))
    return found


# The root state's full name: its events (hydrate) send the whole tree.
_ROOT = State.get_full_name()


class FollowSession(Middleware):
    """Reflex middleware (app.add_middleware): before every event that may send the
    tab's state (the root's hydrate and every page state's event), SessionState
    follows the websocket's session (``_follow_session``). Reflex's own internal
    substates (on_load_internal, set_is_hydrated...) send only their own flags, so
    they are left alone (with Redis, loading SessionState for them would load the
    whole tree)."""

    async def preprocess(self, app, state: BaseState, event: Event) -> StateUpdate | None:
        """Reset the tab's states before the event when its session changed; never
        answers the event itself (returns None)."""
        state_name = event.name.rpartition(".")[0]
        session_name = SessionState.get_full_name()
        if state_name != _ROOT and not (
            state_name == session_name or state_name.startswith(session_name + ".")
        ):
            return None
        session_state = await state._get_root_state().get_state(SessionState)
        try:
            await session_state._follow_session()
        except Exception as error:
            # The database cannot be reached: whose session this is cannot be known,
            # so nothing is reset. The root's hydrate would send the whole tree:
            # refused (report_backend_error says why). A page state's event goes on:
            # its handler reads the user from the database first, which fails the
            # same way, and says so (the wizard steps in the page), trusting nothing.
            if state_name == _ROOT or not database.is_unavailable(error):
                raise
        # The event's state (and every other one loaded) words its texts in the tab's
        # language: a state loaded after a language change takes it over here.
        spread_language(session_state)
        return None


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
