"""The Partner dashboard's Status column, where a row opens, and the counts by status
at the top."""

from __future__ import annotations

import pytest
import pytest_asyncio

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.statuses import resume_step, status_kind, status_text
from cloudlink_app.services import users
from cloudlink_app.state.dashboard import DashboardState
from tests.support.builders import valid_form
from tests.support.database import (
    AT_PBX,
    ONBOARDED,
    PROBLEM,
    add_partner,
    add_user,
    advance,
    demo_partner_id,
    save,
)
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

SYNC = {"completed_steps": "customer,gateway", "deployment_type": wizard_path.SMBC}
AT_REVIEW = {
    "completed_steps": "customer,gateway,pbx,connect",
    "deployment_type": wizard_path.APPLIANCE,
}


@pytest.mark.parametrize(
    ("status", "text", "kind", "step"),
    [
        ("next:customer", "Next: Customer", "next", "customer"),
        ("next:gateway", "Next: Gateway", "next", "gateway"),
        ("next:pbx", "Next: PBX", "next", "pbx"),
        ("next:connect", "Next: Connect", "next", "connect"),
        ("next:sync", "Next: Sync", "next", "sync"),
        ("next:review", "Next: Review", "next", "review"),
        ("problem:pbx_unreachable", "Problem: PBX not reachable", "problem", "connect"),
        ("onboarded", "Onboarded", "onboarded", "review"),
        # Never written by the app; shown as the safest thing rather than crashing.
        ("next:nowhere", "Next: Customer", "next", "customer"),
        ("", "Next: Customer", "next", "customer"),
    ],
)
async def test_a_status_reads_as_words_and_opens_its_step(status, text, kind, step):
    assert status_text(status, "en") == text
    assert status_kind(status) == kind
    assert resume_step(status) == step


async def test_every_stored_status_the_wizard_can_reach_has_words():
    for completed in ([], ["customer"], ["customer", "gateway"]):
        for deployment in ("", wizard_path.APPLIANCE, wizard_path.SMBC):
            for skipped in (False, True):
                for onboarded in (False, True):
                    status = wizard_path.status_for(set(completed), deployment, onboarded, skipped)
                    text = status_text(status, "en")
                    assert "." not in text and text.strip(), status


@pytest.fixture
def stages(database) -> dict[str, str]:
    """One customer of the demo partner per kind of status; name -> account ID."""
    partner = demo_partner_id(database)
    result = {}
    for name, values in [
        ("Draft BV", None),
        ("Gateway BV", {}),
        ("Pbx BV", AT_PBX),
        ("Sync BV", SYNC),
        ("Review BV", AT_REVIEW),
        ("Problem BV", PROBLEM),
        ("Onboarded BV", ONBOARDED),
    ]:
        domain = name.split()[0].lower() + ".example"
        record = save(database, partner, valid_form(name, domain), complete=values is not None)
        if values:
            advance(database, record.account_id, values)
        result[name] = record.account_id
    return result


@pytest_asyncio.fixture
async def dashboard(tab, stages) -> Tab:
    """The demo partner's dashboard with those customers, opened."""
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    assert tab.notice == ""
    return tab


async def test_each_row_shows_its_status_and_opens_where_it_stands(dashboard, stages):
    rows = {row.name: row for row in dashboard.state(DashboardState).rows}
    expected = {
        "Draft BV": ("Next: Customer", "next", "customer", True),
        "Gateway BV": ("Next: Gateway", "next", "gateway", True),
        "Pbx BV": ("Next: PBX", "next", "pbx", True),
        "Sync BV": ("Next: Sync", "next", "sync", True),
        "Review BV": ("Next: Review", "next", "review", True),
        "Problem BV": ("Problem: PBX not reachable", "problem", "connect", True),
        "Onboarded BV": ("Onboarded", "onboarded", "review", False),
    }
    for name, (text, kind, step, deletable) in expected.items():
        row = rows[name]
        assert (row.status, row.status_kind, row.deletable) == (text, kind, deletable), name
        assert row.url == routes.step_url(stages[name], step)
        assert row.delete_label == f"Delete draft {name}"


async def test_the_counts_cover_the_partners_customers_whatever_the_search(dashboard, database):
    save(database, add_partner(database, "Rival Telecom"), valid_form("Rival BV", "rival.ex"))
    state = dashboard.state(DashboardState)
    assert (state.in_progress_count, state.problem_count, state.onboarded_count) == (5, 1, 1)
    await dashboard.send(DashboardState, "set_search", value="problem")
    assert [row.name for row in state.rows] == ["Problem BV"]
    assert (state.in_progress_count, state.problem_count, state.onboarded_count) == (5, 1, 1)


async def test_load_reads_the_counts_again(dashboard, database, stages):
    advance(database, stages["Pbx BV"], PROBLEM)
    await dashboard.send(DashboardState, "load")
    state = dashboard.state(DashboardState)
    assert (state.in_progress_count, state.problem_count, state.onboarded_count) == (4, 2, 1)


async def test_an_account_admin_sees_no_counts(dashboard, database):
    email = "admin@draft.example"
    add_user(database, email, users.ACCOUNT_ADMIN_ROLE, demo_partner_id(database))
    dashboard.sign_in_as(email)
    sent = await dashboard.send(DashboardState, "load")
    state = dashboard.state(DashboardState)
    assert sent.redirects == [routes.ACCOUNT]
    assert (state.rows, state.total) == ([], 0)
    assert (state.in_progress_count, state.problem_count, state.onboarded_count) == (0, 0, 0)


async def test_an_account_admin_cannot_search_or_page(dashboard, database):
    email = "admin@draft.example"
    add_user(database, email, users.ACCOUNT_ADMIN_ROLE, demo_partner_id(database))
    dashboard.sign_in_as(email)
    before = [row.name for row in dashboard.state(DashboardState).rows]
    await dashboard.send(DashboardState, "set_search", value="Draft")
    assert dashboard.notice == t("notice.partners_only_dashboard")
    assert dashboard.state(DashboardState).search == ""
    assert [row.name for row in dashboard.state(DashboardState).rows] == before
