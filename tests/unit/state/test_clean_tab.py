"""A new user starts from a clean tab: before any event of a tab whose session is not
the one its data belongs to (another user signed in, the session ended), every page's
state is reset (state/clean_tab.FollowSession), so that even the hydrate that sends the
whole state after a reload carries nothing of the previous user."""

from __future__ import annotations

import pytest
from reflex.state import State
from reflex_base.registry import RegistrationContext
from sqlmodel import Session

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.services import sessions
from cloudlink_app.state import clean_tab
from cloudlink_app.state.session import SessionState
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

SECRET = "Bakkerij Geheim"
ANNA = demo_accounts.DEMO_PARTNER_EMAIL
LIAM = "liam.peeters@contoso-comms.example"


async def typed_by_anna(tab: Tab) -> None:
    tab.open_route("/customers/new")
    await tab.customer("load_new_customer")
    await tab.customer("set_customer_name", value=SECRET)
    assert tab.customer_step.customer_name == SECRET


def reconnect_without_following(tab: Tab, cookie: str | None) -> None:
    """The websocket reopens with another cookie; nothing has run yet."""
    headers = {"host": "testserver"}
    value = sessions.session_header(cookie)
    if value is not None:
        headers[sessions.SESSION_HEADER] = value
    tab.set_headers(headers)


@pytest.mark.parametrize("who", ["another user", "nobody"])
async def test_the_hydrate_after_a_change_of_user_sends_nothing_of_the_first(
    database, demo_users, who
):
    tab = Tab(ANNA)
    await typed_by_anna(tab)
    cookie = None
    if who == "another user":
        cookie = Tab(LIAM).cookie
    reconnect_without_following(tab, cookie)
    sent = await tab.send(State, "hydrate")
    assert SECRET not in repr(sent.deltas)
    assert "Anna de Vries" not in repr(sent.deltas)
    assert tab.customer_step.customer_name == ""


async def test_the_control_without_the_middleware_the_old_data_is_sent(
    database, demo_users, monkeypatch
):
    """Shows the test above can fail: without FollowSession the hydrate sends it all."""

    async def nothing(self, app, state, event):
        return None

    monkeypatch.setattr(clean_tab.FollowSession, "preprocess", nothing)
    tab = Tab(ANNA)
    await typed_by_anna(tab)
    reconnect_without_following(tab, Tab(LIAM).cookie)
    sent = await tab.send(State, "hydrate")
    assert SECRET in repr(sent.deltas)


async def test_an_ended_session_resets_the_tab_at_its_next_event(database, demo_users):
    tab = Tab(ANNA)
    await typed_by_anna(tab)
    with Session(database) as session:
        sessions.revoke_session(session, tab.cookie)  # signed out in another tab
    sent = await tab.customer("set_customer_name", value="x")
    assert tab.customer_step.customer_name == ""
    assert SECRET not in repr(sent.deltas)
    assert tab.state(SessionState)._session_id is None


async def test_the_same_session_keeps_the_tab(database, demo_users):
    tab = Tab(ANNA)
    await typed_by_anna(tab)
    reconnect_without_following(tab, tab.cookie)  # a reload
    await tab.send(State, "hydrate")
    assert tab.customer_step.customer_name == SECRET


async def test_the_session_id_is_a_backend_var_and_neither_token_nor_hash(database, demo_users):
    tab = Tab(ANNA)
    sent = await tab.follow_session()
    state = tab.state(SessionState)
    assert isinstance(state._session_id, int)
    assert "_session_id" not in repr(sent.deltas)
    assert "_session_id" not in SessionState.base_vars  # a backend var: never sent


async def test_every_state_of_the_app_is_below_session_state():
    """What the reset reaches: a state outside SessionState would keep its data."""
    ours = {
        registered.states[0]
        for registered in RegistrationContext.get().event_handlers.values()
        if registered.states[0].__module__.startswith("cloudlink_app")
    }
    assert ours and all(issubclass(cls, SessionState) for cls in ours)
