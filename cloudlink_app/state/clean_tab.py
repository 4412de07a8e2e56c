"""A new user starts from a clean tab.

Every page's state is a substate of SessionState, and SessionState remembers the
session its data belongs to. Before any event is processed (the hydrate that sends the
whole state after a reload included), ``FollowSession`` compares that with the
websocket's live session: when another user signed in, or the session ended (sign-out
in another tab, expiry, a deactivated user), every page's state is reset first, so
nothing of the previous user is ever sent or saved.
"""

from __future__ import annotations

import logging

from reflex.event import Event
from reflex.middleware import Middleware
from reflex.state import BaseState, State, StateUpdate

from cloudlink_app.services import database, sessions
from cloudlink_app.state.language import spread_language
from cloudlink_app.state.session import SessionState

logger = logging.getLogger("cloudlink_app")

# The root state's full name: its events (hydrate) send the whole tree.
_ROOT = State.get_full_name()


def _substates(state_cls: type[BaseState]) -> list[type[BaseState]]:
    """Every substate class below ``state_cls``, depth first."""
    found: list[type[BaseState]] = []
    for substate in state_cls.get_substates():
        found.append(substate)
        found.extend(_substates(substate))
    return found


async def follow_session(tab: SessionState) -> None:
    """When the websocket's live session is not the one ``tab``'s data belongs to
    (another user signed in, or the session ended), reset every page's state, then
    remember the new session."""
    live = tab._live_session()
    session_id = None if live is None else live.id
    user_id = None if live is None else live.user.id
    if session_id == tab._session_id:
        if tab._user_id != user_id:  # a tab stored before _user_id existed
            tab._user_id = user_id
        return
    if tab._session_id is not None:
        # Which way it changed, by row ids only (a tab's first event, from no session
        # to one, is not worth a line): a reset on a reconnect shows here as a session
        # header missing or unknown; the fault tests print these logs when they fail.
        header = tab.router.headers.raw_headers.get(sessions.SESSION_HEADER)
        logger.info(
            "The tab's session changed (session %s -> %s, session header %s): its states are reset",
            tab._session_id,
            session_id,
            "missing" if sessions.hash_from_header(header) is None else "present",
        )
    # With Redis only the states of the event are loaded: load every page's state,
    # so that the reset reaches them all.
    for state_cls in _substates(type(tab)):
        await tab.get_state(state_cls)
    # The language belongs to the browser tab, not to the user's data: kept.
    lang, ui_lang, title_key = tab.lang, tab.ui_lang, tab._title_key
    tab.reset()  # this state's vars and every substate's, recursively
    tab.lang, tab.ui_lang, tab._title_key = lang, ui_lang, title_key
    tab._session_id = session_id
    tab._user_id = user_id


class FollowSession(Middleware):
    """Reflex middleware (app.add_middleware): before every event that may send the
    tab's state (the root's hydrate and every page state's event), SessionState
    follows the websocket's session (``follow_session``). Reflex's own internal
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
        tab = await state.get_state(SessionState)
        if state_name == _ROOT and tab.load_url:
            # The root's hydrate is a page loaded anew: the load the server asked for
            # (SessionState._load_from_server) is done. Kept, the new page would load
            # it again, and again.
            tab.load_url = ""
        try:
            await follow_session(tab)
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
        spread_language(tab, tab.lang)
        return None
