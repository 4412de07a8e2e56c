"""The clean tab with Redis: Reflex's Redis state manager loads only the states an
event needs, so resetting the tab for a new session must load every page's state
first (state/clean_tab.follow_session), or an unloaded one would keep the
previous user's data."""

from __future__ import annotations

import importlib
import uuid

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex_base.event import Event
from reflex_base.event.context import EventContext

from cloudlink_app.state.clean_tab import FollowSession
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.session import SessionState
from tests.support.postgres import REDIS_URL

SECRET = "Bakkerij Geheim"
importlib.import_module("cloudlink_app.cloudlink_app")  # registers the states


async def _nothing(*args, **kwargs) -> None:
    return None


@pytest.mark.asyncio
async def test_a_new_session_resets_states_the_event_did_not_load():
    token = f"cloudlink-test-{uuid.uuid4().hex}"
    manager = StateManagerRedis(redis=Redis.from_url(REDIS_URL))
    context = EventContext(
        token=token,
        state_manager=manager,
        enqueue_impl=_nothing,
        emit_delta_impl=_nothing,
        emit_event_impl=_nothing,
        router_data={},
    )
    try:
        with context:
            # A tab of an earlier session with a typed, unsaved name.
            async with manager.modify_state(
                BaseStateToken(ident=token, cls=CustomerStepState)
            ) as root:
                root.router_data = root._update_router_vars({"token": token}, {})
                (await root.get_state(CustomerStepState)).customer_name = SECRET
                (await root.get_state(SessionState))._session_id = 424242
            # An event of the dashboard, now without that session.
            async with manager.modify_state(
                BaseStateToken(ident=token, cls=DashboardState)
            ) as root:
                # (The page states' texts are computed from SessionState.lang, so Reflex
                # loads every page state with SessionState; the reset must reach them
                # whether an event loaded them or FollowSession had to.)
                event = Event(name=f"{DashboardState.get_full_name()}.load")
                await FollowSession().preprocess(None, root, event)
            root = await manager.get_state(BaseStateToken(ident=token, cls=CustomerStepState))
            assert (await root.get_state(CustomerStepState)).customer_name == ""
            assert (await root.get_state(SessionState))._session_id is None
    finally:
        keys = [key async for key in manager.redis.scan_iter(match=f"{token}*")]
        if keys:
            await manager.redis.delete(*keys)
        await manager.close()
