"""A browser tab: send events to the app's states the way Reflex does for a browser,
and look at what changed.

A `Tab` is one browser tab: a real root `reflex.state.State` with all its substates.
`Tab.send` looks the handler up by its event name in Reflex's registry (as the event
processor does, so only real event handlers can be reached), then runs it through
`reflex_base.event.processor.base_state_processor.process_event` after the app's
middleware (``app._preprocess``, as the event processor runs it): the payload is
transformed by the handler's type hints exactly as for a browser event, the handler
runs, and the delta and frontend events it produces are collected. A background
handler (`@rx.event(background=True)`) runs as `BaseStateEventProcessor._execute_event`
runs it: on a `StateProxy` of the state, with no root state (the lock is not held),
its `async with self` blocks taking the tab's tree from the tab's state manager.

Opening a page (`open_customer`, `open_step`) sets the route and runs its on_load
event; `type_form` types a whole Customer step, event by event.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import urllib.parse
import uuid
from typing import Any

from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.istate.proxy import StateProxy
from reflex.model import get_engine
from reflex.state import State
from reflex_base.event import Event
from reflex_base.event.context import EventContext
from reflex_base.event.processor.base_state_processor import process_event
from reflex_base.registry import RegistrationContext
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.models import AppUser
from cloudlink_app.services import sessions
from cloudlink_app.state import clean_tab
from cloudlink_app.state.connect_step import ConnectStepState
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.gateway_step import GatewayStepState
from cloudlink_app.state.pbx_step import PbxStepState
from cloudlink_app.state.review_step import ReviewStepState
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.sync_step import SyncStepState

# The app module registers the pages, their states and the route argument `account_id`.
_APP = importlib.import_module("cloudlink_app.cloudlink_app").app

# Vars a handler does not own: the notice (the one thing a refusal changes: its Text,
# shown by the computed var ``notice``) and the focus request that moves the page to it,
# and what Reflex itself keeps about the route and hydration.
_NOT_COMPARED = frozenset(
    {
        "notice",
        "_notice",
        "focus_target",
        "focus_request",
        "router_data",
        "is_hydrated",
        "_reflex_internal_links",
    }
)
_VAR_SUFFIX = "_rx_state_"

# The steps after the Customer step: their states and routes, by step key.
STATES = {
    wizard_path.GATEWAY: GatewayStepState,
    wizard_path.PBX: PbxStepState,
    wizard_path.CONNECT: ConnectStepState,
    wizard_path.SYNC: SyncStepState,
    wizard_path.REVIEW: ReviewStepState,
}
ROUTES = {
    wizard_path.GATEWAY: routes.GATEWAY_STEP,
    wizard_path.PBX: routes.PBX_STEP,
    wizard_path.CONNECT: routes.CONNECT_STEP,
    wizard_path.SYNC: routes.SYNC_STEP,
    wizard_path.REVIEW: routes.REVIEW_STEP,
}


@dataclasses.dataclass
class Sent:
    """What one event produced: the deltas sent to the browser and its events."""

    deltas: list[dict[str, dict[str, Any]]]
    frontend_events: list[Event]
    queued_events: list[Event]

    @property
    def changed(self) -> set[str]:
        """Names of the vars the browser was sent, over all states."""
        return {
            name.removesuffix(_VAR_SUFFIX)
            for delta in self.deltas
            for values in delta.values()
            for name in values
        }

    @property
    def redirects(self) -> list[str]:
        """Paths the browser was sent to."""
        return [
            event.payload["path"] for event in self.frontend_events if event.name == "_redirect"
        ]


class Tab:
    """One browser tab: its own client token and state tree."""

    def __init__(self, email: str | None = demo_accounts.DEMO_PARTNER_EMAIL) -> None:
        """A new tab, signed in as ``email`` (the demo partner user), or as nobody."""
        self.token = uuid.uuid4().hex
        self.root = State(_reflex_internal_init=True)
        # The event context needs a state manager; process_event itself never uses it.
        self._manager = StateManagerMemory()
        # The session cookie the tab's browser holds (None: none).
        self.cookie: str | None = None
        if email is not None:
            self.sign_in_as(email)

    def state(self, state_cls: type[State]) -> Any:
        """The tab's instance of a state class."""
        return self.root.get_substate(state_cls.get_full_name().split(".")[1:])

    def open_route(self, route: str, as_path: str | None = None, **params: str) -> None:
        """Set the page the tab is on, as the event processor does from router data.

        ``params`` are the route's arguments and query parameters; ``as_path`` is the
        URL as the browser shows it (``router.url``, with its query string), the route
        itself when not given."""
        router_data = {
            "pathname": route,
            "query": params,
            "token": self.token,
            "asPath": as_path or route,
        }
        self.root.router_data = self.root._update_router_vars(router_data, self.root.router_data)
        self.root._clean()

    async def send(self, state_cls: type[State], handler_name: str, **payload: Any) -> Sent:
        """Process the event `handler_name` of `state_cls` with `payload`, as sent by
        a browser. Raises KeyError when no such event handler is registered."""
        event_name = f"{state_cls.get_full_name()}.{handler_name}"
        registered = RegistrationContext.get().event_handlers[event_name]
        sent = Sent([], [], [])

        async def emit_delta(token: str, delta) -> None:
            sent.deltas.append(copy.deepcopy(dict(delta)))

        async def emit_event(token: str, *events: Event) -> None:
            sent.frontend_events.extend(events)

        async def enqueue(token: str, *events: Event) -> None:
            sent.queued_events.extend(events)

        context = EventContext(
            token=self.token,
            state_manager=self._manager,
            enqueue_impl=enqueue,
            emit_delta_impl=emit_delta,
            emit_event_impl=emit_event,
            router_data=self.root.router_data,
        )
        with context:
            # As the event processor does before any handler (the background ones too):
            # the app's middleware (FollowSession) sees the event with the root state.
            await _APP._preprocess(self.root, Event(name=event_name, payload=payload))
            state = self.state(registered.states[0])
            if not registered.handler.is_background:
                await process_event(
                    handler=registered.handler,
                    payload=payload,
                    state=state,
                    root_state=self.root,
                )
                return sent
            # The proxy's `async with self` locks and reads the tree through the
            # state manager: it must hold this tab's tree under the tab's token.
            await self._manager.set_state(BaseStateToken(ident=self.token, cls=State), self.root)
            try:
                await process_event(
                    handler=registered.handler,
                    payload=payload,
                    state=StateProxy(state),
                    root_state=None,
                )
            finally:
                await self._manager.close()  # its token-expiry task
        return sent

    async def customer(self, handler_name: str, **payload: Any) -> Sent:
        """Send an event to the Customer step's state."""
        return await self.send(CustomerStepState, handler_name, **payload)

    @property
    def customer_step(self) -> CustomerStepState:
        """The tab's Customer step state."""
        return self.state(CustomerStepState)

    @property
    def notice(self) -> str:
        """The notice the tab shows."""
        return self.state(SessionState).notice

    def sign_in_as(self, email: str) -> str:
        """Sign in as `email`: a real server-side session, and the tab's websocket
        headers as the backend's middleware leaves them for a browser with that
        session's cookie (cloudlink_app/http: the token's hash, never the token).
        Returns the token (the cookie's value)."""
        with Session(get_engine()) as session:
            user_id = session.exec(select(AppUser.id).where(AppUser.email == email)).one()
            token = sessions.create_session(session, user_id)
        self.connect(token)
        return token

    def connect(self, cookie: str | None) -> None:
        """The tab's websocket (re)opens with the session cookie ``cookie`` (None: no
        cookie): its headers become what the middleware makes of that request."""
        self.cookie = cookie
        headers = {"host": "testserver", "origin": "http://testserver"}
        value = sessions.session_header(cookie)
        if value is not None:
            headers[sessions.SESSION_HEADER] = value
        self.set_headers(headers)
        # A new cookie comes with a page load, whose hydrate is the new websocket's first
        # event: FollowSession resets the tab then, before anything else happens.
        _finish_now(clean_tab.follow_session(self.state(SessionState)))
        self.root._clean()

    def set_headers(self, headers: dict[str, str]) -> None:
        """The headers Reflex saw on the tab's websocket (crafted ones too)."""
        router_data = {**self.root.router_data, "headers": dict(headers)}
        self.root.router_data = self.root._update_router_vars(router_data, self.root.router_data)
        # Connection data, not a change the handler made.
        self.root._clean()

    def sign_out(self) -> None:
        """The tab's websocket without a session cookie (the browser's cookie cleared)."""
        self.connect(None)

    async def follow_session(self) -> Sent:
        """What the tab's next event does first (state/clean_tab.FollowSession): reset every
        page's state when the websocket's session is not the one the data belongs to.
        Sent as the reconnect's hydrate event, with what it produced."""
        return await self.send(State, "hydrate")

    @property
    def title(self) -> str:
        """The page title the tab shows (SessionState.page_title, which the page applies)."""
        return self.state(SessionState).page_title

    def focused_by(self, sent: Sent) -> str | None:
        """The element ``sent`` (what one event produced) moved the focus to; None when
        it asked for no focus."""
        if "focus_request" not in sent.changed:
            return None
        return self.state(SessionState).focus_target

    def stored(self) -> bytes:
        """What the state manager stores of the tab (on disk or in Redis): every state
        of its tree, pickled as Reflex pickles each (BaseState._serialize)."""

        def tree(state: Any):
            yield state
            for substate in state.substates.values():
                yield from tree(substate)

        return b"".join(state._serialize() for state in tree(self.root))

    def snapshot(self, state_cls: type[State]) -> dict[str, Any]:
        """Every var (backend ones too) of the state, except the notice and routing."""
        state = self.state(state_cls)
        return {
            name: copy.deepcopy(state.get_value(name))
            for name in state_cls.get_fields()
            if name not in _NOT_COMPARED and not name.startswith("rx_router")
        }


def _finish_now(coroutine) -> None:
    """Run a coroutine that never waits (a Tab's whole tree is in memory, so getting a
    substate returns at once) from synchronous code."""
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()
    raise RuntimeError("the coroutine waited")


async def type_form(tab: Tab, form: forms.CustomerForm) -> None:
    """Type a whole form into a freshly loaded Customer step, event by event.

    The loaded step has one admin contact row and two support contact rows (Maintainer,
    Onsite Admin); rows are added as the form needs more.
    """
    for name in forms.SCALAR_FIELDS:
        await tab.customer(f"set_{name}", value=getattr(form, name))
    for row in form.email_domains:
        await tab.customer("add_email_domain")
        row_id = tab.customer_step.email_domains[-1].id
        await tab.customer("set_email_domain", row_id=row_id, value=row.value)
    for index, row in enumerate(form.admin_contacts):
        if index >= len(tab.customer_step.admin_contacts):
            await tab.customer("add_admin_contact")
        row_id = tab.customer_step.admin_contacts[index].id
        await tab.customer("set_admin_first_name", row_id=row_id, value=row.first_name)
        await tab.customer("set_admin_last_name", row_id=row_id, value=row.last_name)
        await tab.customer("set_admin_email", row_id=row_id, value=row.email)
    for index, row in enumerate(form.support_contacts):
        if index >= len(tab.customer_step.support_contacts):
            await tab.customer("add_support_contact")
        row_id = tab.customer_step.support_contacts[index].id
        await tab.customer("set_support_role", row_id=row_id, value=row.role)
        await tab.customer("set_support_name", row_id=row_id, value=row.name)
        await tab.customer("set_support_email", row_id=row_id, value=row.email)
    assert tab.notice == "", f"typing the form was refused: {tab.notice}"


async def open_customer(tab: Tab, account_id: str) -> Sent:
    """Open /customers/{account_id}/customer in the tab (its on_load event)."""
    tab.open_route(routes.CUSTOMER_STEP, account_id=account_id)
    return await tab.customer("load")


async def open_step(tab: Tab, step: str, account_id: str, **query: str) -> Sent:
    """Open /customers/{account_id}/{step}?{query} in the tab (its on_load event)."""
    url = routes.step_url(account_id, step)
    if query:
        url += "?" + urllib.parse.urlencode(query)
    tab.open_route(ROUTES[step], as_path=url, account_id=account_id, **query)
    return await tab.send(STATES[step], "load")
