"""No handler meets a character that no text may hold: the CleanText middleware
(state/clean_text.py) drops them from every event's payload before it is handled
(the rule: domain/limits.clean_text, tests/unit/domain/test_clean_text.py)."""

from __future__ import annotations

import pytest

from cloudlink_app import routes
from cloudlink_app.state.dashboard import DashboardState
from tests.support.builders import valid_form
from tests.support.database import demo_partner_id, save

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("search", ["\u202e\x00", "\x00", "Bakkerij\x00 Jansen", "\ud800x"])
async def test_a_search_with_a_nul_or_a_lone_surrogate_searches_without_it(tab, database, search):
    # The crafted event of the issue: SQLite's search index failed on the NUL
    # ("unterminated string") and the page showed "unexpected error".
    save(database, demo_partner_id(database), valid_form("Bakkerij Jansen", ""), complete=False)
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    await tab.send(DashboardState, "set_search", value=search)
    state = tab.state(DashboardState)
    assert "\x00" not in state.search and "\ud800" not in state.search
    assert tab.notice == ""
    if search == "Bakkerij\x00 Jansen":
        assert [row.name for row in state.rows] == ["Bakkerij Jansen"]


async def test_typed_text_keeps_tabs_and_line_breaks_and_loses_control_characters(
    new_customer,
):
    await new_customer.customer("set_customer_name", value="Acme\x1b[31m BV\x7f\x85")
    assert new_customer.customer_step.customer_name == "Acme[31m BV"


async def test_a_rows_text_is_cleaned_too(new_customer):
    row = new_customer.customer_step.admin_contacts[0]
    await new_customer.customer("set_admin_first_name", row_id=row.id, value="An\x00na")
    assert new_customer.customer_step.admin_contacts[0].first_name == "Anna"
