"""The page's title, its html ``lang``, focus and a page load from the server, bound to
SessionState.

A React component of our own (page_effects.jsx, beside this module) applies them when
they change, so that no handler ever sends a script to the browser: Reflex runs such
scripts with ``eval``, which the Content-Security-Policy forbids (http/headers.py).
Handlers set ``SessionState.title_error`` (PageState._title) and ask for focus with
``SessionState._focus``; the error summary's links call the same focusing function.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app.reflex_internals.frontend import call_imported
from cloudlink_app.state.session import SessionState

_MODULE = rx.asset("page_effects.jsx", shared=True).importable_path


class PageEffects(rx.Component):
    """<PageEffects title lang focusTarget focusRequest loadUrl hydrated user/>:
    renders nothing."""

    library = _MODULE
    tag = "PageEffects"

    title: Var[str]
    lang: Var[str]
    focus_target: Var[str]
    focus_request: Var[int]
    load_url: Var[str]
    hydrated: Var[bool]
    user: Var[str]


def page_effects():
    """The tab's title, language and focus requests, applied to the page."""
    return PageEffects.create(
        title=SessionState.page_title,
        # Only once the tab's state is there: before, <html lang> is the one the first
        # script chose (first_paint.py), which the state's default must not undo.
        lang=rx.cond(rx.State.is_hydrated, SessionState.lang, ""),
        focus_target=SessionState.focus_target,
        focus_request=SessionState.focus_request,
        load_url=SessionState.load_url,
        # A reconnect hydrates the same page again: what the user typed on it is given
        # again (page_effects.jsx, replayTyped), for the same user only.
        hydrated=rx.State.is_hydrated,
        user=SessionState.user_name,
    )


def focus_field(element_id: Var | str):
    """An event (in the page, no round trip) that scrolls to an element and focuses
    it: the error summary's links (a plain #anchor does not move focus in the app)."""
    return call_imported(_MODULE, "focusElement", element_id, True)
