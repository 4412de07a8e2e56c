"""What every text the browser sends may contain, decided once, at the boundary.

``CleanText`` is Reflex middleware (app.add_middleware): before any event is handled,
every string of its payload (through lists and dicts) loses the characters no text of
the app may hold (domain/limits.clean_text: control characters but tab and line breaks,
and lone surrogates). So no handler, and no query, ever meets a NUL (which PostgreSQL
refuses in any text and SQLite's search index cannot quote) or a text without a UTF-8
form; the handlers' own checks (types, sizes, choices) then see what will be stored.
Only pasted or crafted input has such characters: they are dropped, not refused, so a
pasted value with a stray control character still arrives.
"""

from __future__ import annotations

import logging

from reflex.event import Event
from reflex.middleware import Middleware
from reflex.state import BaseState, StateUpdate

from cloudlink_app.domain.limits import clean_payload

logger = logging.getLogger("cloudlink_app")


class CleanText(Middleware):
    """Reflex middleware: the event's payload cleaned in place before it is handled.
    Never answers the event itself (returns None)."""

    async def preprocess(self, app, state: BaseState, event: Event) -> StateUpdate | None:
        """Clean ``event``'s payload (the dict the handler receives) in place."""
        cleaned = clean_payload(event.payload)
        if cleaned != event.payload and isinstance(cleaned, dict):
            logger.info("Characters that no text may hold were dropped from an event")
            event.payload.clear()
            event.payload.update(cleaned)
        return None
