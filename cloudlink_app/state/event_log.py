"""The operators' event log: one line per event the backend handles.

Every event a browser sends over the websocket (Reflex's own, such as the hydrate after
a page load, included) and every event those chain on the backend is logged once, when
it is done, on the logger ``cloudlink_app.events`` at INFO (written by
cloudlink_app/logs.py), with these fields and nothing else:

event        the handler's state and name: the last part of Reflex's full state name
             (``reflex___state____state.cloudlink_app___state___customer_step____
             customer_step_state``) and the handler, e.g.
             ``customer_step_state.set_customer_name``, ``state.hydrate``,
             ``on_load_internal_state.on_load_internal``
user         the signed-in user's id (app_user.id) this tab's data belongs to, or none
customer     the account ID of the customer the tab has open, ``new`` for one not saved
             yet, or none
duration_ms  the time the backend spent on it: from when Reflex hands the event with
             the tab's (loaded and locked) state to the middleware, to when the event's
             task ended, after its last update was sent (a background event: its whole
             run)
outcome      ok, error (the handler raised; the app logs the error itself) or cancelled
             (Reflex dropped it: superseded by a newer page load, or the tab went away)

Never a payload value, a name, an email, an address, a token or an IP address: the user
and the customer are ids the server itself stored in the tab's state.

How: ``EventLog`` is Reflex middleware (app.add_middleware). Reflex 0.10 calls
middleware ``preprocess`` only (``postprocess`` is never called), in the event's own
asyncio task (named ``reflex_event|<event name>|...`` by Reflex's event processor),
after the state is loaded and before the handler runs. ``preprocess`` notes the time
and adds a done callback to that task, which writes the line when the task ends:
successfully, by an exception, or cancelled. The user id is SessionState._user_id,
which FollowSession keeps with the session id, so no lookup is made for logging; the
customer is the ``loaded`` account ID of a wizard step's state (the Account page's
customer on that page). Only states already loaded for the event are read: with
Redis, Reflex's internal events (on_load_internal, set_is_hydrated...) load none of
the app's states, so their lines say user=none customer=none; the page's own
on_load event, logged next, has them.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterator

from reflex import constants
from reflex.event import Event
from reflex.middleware import Middleware
from reflex.state import BaseState, StateUpdate

from cloudlink_app.domain import wizard_path
from cloudlink_app.reflex_internals.events import is_event_task
from cloudlink_app.state.account import AccountState
from cloudlink_app.state.session import SessionState, root_state
from cloudlink_app.state.wizard_step import NEW, WizardStepMixin

logger = logging.getLogger("cloudlink_app.events")

# What an event name may show in a line (Reflex's names are snake case and dots).
_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")


def short_name(event_name: str) -> str:
    """``<state>.<handler>`` of a full event name: the state's own name without its
    module prefix (what follows the last ``____``)."""
    state_path, _, handler = event_name.rpartition(".")
    state = state_path.rpartition(".")[2].rpartition("____")[2]
    name = f"{state}.{handler}" if state else handler
    return _UNSAFE.sub("_", name)[:200]


def _loaded_states(state: BaseState) -> Iterator[BaseState]:
    """``state`` and every substate already loaded below it (none is loaded here)."""
    yield state
    for substate in list(state.substates.values()):
        yield from _loaded_states(substate)


def _loaded_state(root: BaseState, full_name: str) -> BaseState | None:
    """The state named ``full_name`` if it is loaded in ``root``'s tree, else None."""
    names = full_name.split(".")
    if names[0] != root.get_name():
        return None
    state: BaseState | None = root
    for name in names[1:]:
        state = state.substates.get(name) if state is not None else None
    return state


def _customer_of(state: BaseState) -> str | None:
    """The account ID of the customer a state holds (NEW for an unsaved one)."""
    if isinstance(state, WizardStepMixin):
        value: object = state.loaded
    elif isinstance(state, AccountState):
        value = state.customer_account_id
    else:
        return None
    if value == NEW or wizard_path.is_account_id(value):
        return str(value)
    return None


def user_id(root: BaseState) -> int | None:
    """The user the tab's data belongs to, if SessionState is loaded."""
    session = root.substates.get(SessionState.get_name())
    value = getattr(session, "_user_id", None) if session is not None else None
    return value if isinstance(value, int) else None


def customer_id(root: BaseState, event_name: str) -> str | None:
    """The customer the tab has open: the one the event's own state holds; for other
    events (the hydrate, Reflex's own), the page's customer when a loaded state holds
    it (the route's account ID alone is what the browser sent, so it is not taken)."""
    state = _loaded_state(root, event_name.rpartition(".")[0])
    if state is not None and (held := _customer_of(state)) is not None:
        return held
    # The page's route arguments and query, as Reflex keeps them (router.page.params).
    query = root.router_data.get(constants.RouteVar.QUERY)
    page_customer = query.get("account_id") if isinstance(query, dict) else None
    if not wizard_path.is_account_id(page_customer):
        return None
    for loaded in _loaded_states(root):
        if _customer_of(loaded) == page_customer:
            return page_customer
    return None


def write_line(root: BaseState, event: Event, started: float, task: asyncio.Task) -> None:
    """Log the finished event (the done callback of its task)."""
    duration_ms = (time.perf_counter() - started) * 1000
    if task.cancelled():
        outcome = "cancelled"
    else:
        outcome = "ok" if task.exception() is None else "error"
    try:
        fields = {
            "event": short_name(event.name),
            "user": user_id(root),
            "customer": customer_id(root, event.name),
            "duration_ms": round(duration_ms, 1),
            "outcome": outcome,
        }
    except Exception as error:  # never breaks the event; said without the state's values
        logger.error("The event log could not read the tab's state (%s)", type(error).__name__)
        return
    logger.info("event handled", extra={"fields": fields})


class EventLog(Middleware):
    """Reflex middleware (add it first): times each event in its own task and logs
    it when the task is done (``write_line``). Never answers an event (returns None)."""

    async def preprocess(self, app, state: BaseState, event: Event) -> StateUpdate | None:
        """Start timing ``event`` and have its line written when its task ends."""
        task = asyncio.current_task()
        # Only in the task Reflex runs this event in: a caller running middleware in a
        # task of its own (a test driving states directly) would log at its end.
        if task is None or not is_event_task(task, event.name):
            return None
        if not logger.isEnabledFor(logging.INFO):
            return None
        started = time.perf_counter()
        root = root_state(state)
        task.add_done_callback(lambda done: write_line(root, event, started, done))
        return None
