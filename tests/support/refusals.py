"""`assert_refused`: an event was refused, so nothing changed but the notice.

A refused event shows why in the notice and changes nothing else: not the state's vars
(backend ones too), not what the browser is sent (no other var, no redirect, no script
but the one that moves the focus to the notice), not the database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from reflex.state import State
from reflex_base.event import Event

from tests.support.database import database_rows
from tests.support.tabs import Sent, Tab

# Who is signed in: the user is read fresh from the database by the handlers, and that
# refresh is not a change (pass ``ignore=USER_VARS`` where a handler reads the user).
USER_VARS = frozenset({"is_partner", "user_name"})


def _focuses_the_notice(event: Event) -> bool:
    """Whether the event is the script that moves the focus to the notice
    (state.browser.focus_element(NOTICE_ID)), which a refusal may send."""
    return event.name == "_call_script" and 'getElementById("notice")' in event.payload.get(
        "javascript_code", ""
    )


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
    assert sent.changed <= {"notice", *ignore}
    others = [event for event in sent.frontend_events if not _focuses_the_notice(event)]
    assert others == [], "a refusal redirected or ran a script"
    assert database_rows(engine) == rows_before
    return sent
