"""The event Reflex is processing: its tab's token, its transaction id, its task.

Reflex 0.10.1 keeps the event's context in a context variable
(``reflex_base.event.context.EventContext``) and runs each event in a task named
``reflex_event|<event name>|<token>|<txid>``
(``reflex_base.event.processor.event_processor``). Neither is public API. The app
needs them for three things: reusing one session read within one event
(state/session.py), timing each event in its own task (state/event_log.py), and
limiting what one tab's failing events may write to the log (state/failures.py).
"""

from __future__ import annotations

import asyncio

from reflex_base.event.context import EventContext

# The prefix of the task Reflex's event processor runs each event in
# (EventProcessor._create_event_task).
_TASK_PREFIX = "reflex_event|"


def event_token() -> str | None:
    """The token of the tab whose event is being processed (None: no event)."""
    try:
        return EventContext.get().token or None
    except LookupError:
        return None


def event_transaction() -> str | None:
    """The id Reflex gave the event being processed (None: no event)."""
    try:
        return EventContext.get().txid or None
    except LookupError:
        return None


def is_event_task(task: asyncio.Task | None, event_name: str) -> bool:
    """Whether ``task`` is the one Reflex runs the event ``event_name`` in."""
    return task is not None and task.get_name().startswith(f"{_TASK_PREFIX}{event_name}|")
