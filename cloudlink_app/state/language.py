"""The tab's UI language where SessionState cannot carry it alone: the browser's
Accept-Language, and the page states' own copies of the language.

Why copies: a page state's computed vars word texts (errors, notices, statuses) in the
UI language. Reflex makes every computed var that reads a var of a parent state a
dependency of that parent: with ``SessionState.lang`` in them, every page state became
"potentially dirty" for SessionState, and Reflex's Redis state manager loaded (and
saved) every page's state for every event of any page (typing p95 14.7 -> 17.5 ms,
issue 12). So each page state keeps its own copy (``PAGE_LANG``), kept equal to
``lang`` by ``spread_language``, which FollowSession calls before each event and the
language handlers after changing it.
"""

from __future__ import annotations

from reflex.state import BaseState

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES

# The name of a page state's copy of the UI language (state/page.PageState declares it).
PAGE_LANG = "_page_lang"


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


def spread_language(session: BaseState, lang: str) -> None:
    """Give every loaded state below ``session`` (the tab's SessionState) that has a
    PAGE_LANG copy the language ``lang`` (assigned only where it differs: an
    assignment re-words that state's texts)."""
    pending = list(session.substates.values())
    while pending:
        current = pending.pop()
        pending.extend(current.substates.values())
        # Read from the instance's own dict: a state pickled by an older release (a
        # rolling upgrade, another instance on older code) has no copy yet.
        if hasattr(type(current), PAGE_LANG) and vars(current).get(PAGE_LANG) != lang:
            setattr(current, PAGE_LANG, lang)
