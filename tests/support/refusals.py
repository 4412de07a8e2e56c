"""`assert_refused`: an event was refused, so nothing changed but the notice.

A refused event shows why in the notice and changes nothing else: not the state's vars
(backend ones too), not what the browser is sent (no other var, no redirect, no script
but the one that moves the focus to the notice), not the database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from reflex.state import State

from cloudlink_app.state.page import NOTICE_ID
from cloudlink_app.state.session import SessionState
from tests.support.database import database_rows
from tests.support.tabs import Sent, Tab

# Who is signed in: the user is read fresh from the database by the handlers, and that
# refresh is not a change (pass ``ignore=USER_VARS`` where a handler reads the user).
USER_VARS = frozenset({"is_partner", "is_partner_admin", "user_name"})


# A refusal may move the focus to the notice (PageState._refused_with_notice): a new
# focus request for it, nothing else.
FOCUS_VARS = frozenset({"focus_target", "focus_request"})


async def assert_refused(
    tab: Tab,
    engine: sa.engine.Engine,
    state_cls: type[State],
    handler: str,
    notice: str,
    *,
    ignore: frozenset[str] = frozenset(),
    **payload: Any,
) -> Sent:
    """Send the event ``handler`` of ``state_cls`` with ``payload``; it must show
    ``notice`` and change nothing else: the state's vars but those in ``ignore``, what
    the browser is sent, and the database. Returns what was sent."""
    before = tab.snapshot(state_cls)
    rows_before = database_rows(engine)
    sent = await tab.send(state_cls, handler, **payload)
    assert tab.notice == notice
    after = tab.snapshot(state_cls)
    for name in ignore:
        before.pop(name, None), after.pop(name, None)
    assert after == before
    assert sent.changed <= {"notice", *FOCUS_VARS, *ignore}
    if sent.changed & FOCUS_VARS:
        assert tab.state(SessionState).focus_target == NOTICE_ID
    assert sent.frontend_events == [], "a refusal redirected or ran a script"
    assert database_rows(engine) == rows_before
    return sent
