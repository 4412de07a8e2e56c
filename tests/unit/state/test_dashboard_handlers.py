"""The Partner dashboard's event handlers refuse crafted events, and no event reaches
another partner's customers (neither the dashboard's nor the Customer step's)."""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import Customer
from cloudlink_app.services import users
from cloudlink_app.state.dashboard import PAGE_SIZE, SEARCH_MAX, DashboardState
from tests.support.builders import valid_form
from tests.support.database import add_partner, add_user, database_rows, demo_partner_id, save
from tests.support.refusals import assert_refused
from tests.support.tabs import Tab, open_customer

pytestmark = pytest.mark.asyncio


def listed(tab: Tab) -> list[str]:
    """Names of the customers the dashboard shows."""
    return [row.name for row in tab.state(DashboardState).rows]


@pytest_asyncio.fixture
async def dashboard(tab, database) -> Tab:
    """The demo partner's dashboard with three customers, opened (its on_load ran)."""
    partner = demo_partner_id(database)
    for name in ("Alpha BV", "Bravo BV", "Charlie BV"):
        save(database, partner, valid_form(name, f"{name.split()[0].lower()}.example"))
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    assert listed(tab) == ["Charlie BV", "Bravo BV", "Alpha BV"]
    return tab


@pytest.fixture
def rival(database) -> str:
    """The account ID of a customer of another partner, Rival Telecom."""
    partner = add_partner(database, "Rival Telecom")
    return save(database, partner, valid_form("Rival Customer BV", "rival.example")).account_id


# ----- paging ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [0, -1, 2, 10**9, True, False, None, "abc", "2", 1.5, [2], {"page": 1}],
    ids=repr,
)
async def test_go_to_page_refuses_a_page_that_does_not_exist(dashboard, database, page):
    await assert_refused(
        dashboard, database, DashboardState, "go_to_page", t("notice.unknown_page"), page=page
    )


async def test_go_to_page_opens_the_next_page(tab, database):
    partner = demo_partner_id(database)
    for number in range(PAGE_SIZE + 1):
        save(database, partner, valid_form(f"Customer {number:02d}", ""), complete=False)
    await tab.send(DashboardState, "load")
    assert len(listed(tab)) == PAGE_SIZE
    await tab.send(DashboardState, "go_to_page", page=2)
    assert tab.notice == ""
    assert listed(tab) == ["Customer 00"]
    await assert_refused(
        tab, database, DashboardState, "go_to_page", t("notice.unknown_page"), page=3
    )


# ----- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["x" * (SEARCH_MAX + 1), "x" * 1_000_000, None, 5, ["Alpha"], {"q": "Alpha"}],
    ids=lambda v: repr(v)[:30],
)
async def test_set_search_refuses_a_search_too_long_or_not_text(dashboard, database, value):
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "set_search",
        t("notice.too_long", limit=SEARCH_MAX),
        value=value,
    )


async def test_set_search_up_to_the_limit_searches(dashboard):
    await dashboard.send(DashboardState, "set_search", value="bravo")
    assert listed(dashboard) == ["Bravo BV"]
    await dashboard.send(DashboardState, "set_search", value="b" * SEARCH_MAX)
    assert dashboard.notice == ""
    assert listed(dashboard) == []


# ----- other partners' customers -----------------------------------------------------


@pytest.mark.parametrize("search", ["", "rival", "Rival Customer", "rival.example", "BV"])
async def test_another_partners_customer_is_never_listed(dashboard, rival, search):
    await dashboard.send(DashboardState, "set_search", value=search)
    assert "Rival Customer BV" not in listed(dashboard)
    assert rival not in [row.account_id for row in dashboard.state(DashboardState).rows]


async def test_another_partners_customer_is_not_found_by_its_account_id(dashboard, rival):
    await dashboard.send(DashboardState, "set_search", value=rival)
    assert listed(dashboard) == []
    assert dashboard.state(DashboardState).total == 0


async def test_another_partners_customer_cannot_be_opened(tab, database, rival):
    rows_before = database_rows(database)
    sent = await open_customer(tab, rival)
    assert sent.redirects == [routes.DASHBOARD]
    state = tab.customer_step
    assert state.loaded == ""
    assert state.customer_name == ""
    assert "Rival" not in repr(sent.deltas)
    assert database_rows(database) == rows_before


@pytest.mark.parametrize(
    "account_id", ["", "new", "k7m4-q2xr", "K7M4Q2XR", "../../etc", "' OR 1=1 --", "Ø" * 9]
)
async def test_an_account_id_that_is_not_one_returns_to_the_dashboard(tab, database, account_id):
    sent = await open_customer(tab, account_id)
    assert sent.redirects == [routes.DASHBOARD]
    assert tab.customer_step.loaded == ""


async def test_a_customer_of_the_partner_opens(tab, database):
    record = save(database, demo_partner_id(database), valid_form("Own Customer BV"))
    sent = await open_customer(tab, record.account_id)
    assert sent.redirects == []
    assert tab.customer_step.loaded == record.account_id
    assert tab.customer_step.customer_name == "Own Customer BV"


# ----- account admins ---------------------------------------------------------------------


async def test_the_dashboard_is_refused_to_an_account_admin(dashboard, database):
    email = "admin@alpha.example"
    add_user(database, email, users.ACCOUNT_ADMIN_ROLE, demo_partner_id(database))
    dashboard.sign_in_as(email)
    sent = await dashboard.send(DashboardState, "load")
    assert sent.redirects == [routes.ACCOUNT]  # their own account page instead
    assert listed(dashboard) == []
    await dashboard.send(DashboardState, "set_search", value="Alpha")
    assert listed(dashboard) == []


async def test_after_a_refused_open_next_saves_only_the_own_customer(tab, database, rival):
    own = save(database, demo_partner_id(database), valid_form("Own Customer BV"))
    await open_customer(tab, own.account_id)
    await tab.customer("set_customer_name", value="Typed BV")
    sent = await open_customer(tab, rival)
    assert sent.redirects == [routes.DASHBOARD]
    assert tab.customer_step.loaded == own.account_id
    await tab.customer("next_step")
    assert tab.notice == ""
    with Session(database) as session:
        names = {c.account_id: (c.name, c.version) for c in session.exec(select(Customer)).all()}
    assert names == {own.account_id: ("Typed BV", 2), rival: ("Rival Customer BV", 1)}
