"""A partner user never reads, changes, deletes or resumes another partner's customer.

Partner A's user (the demo partner, Northwind) sends crafted events naming partner B's
customer by its account ID, through Reflex's own event processing (tests.support.tabs.Tab):
on_load with B's account ID in the route, the buttons after such a load, the
dashboard's Delete with B's account ID, Finish onboarding; and events of a tab that
had B's customer open when its session became A's (a replayed or swapped cookie). Each
one is refused or sent home, sends nothing of B's customer to the browser, and leaves
the database exactly as it was.
"""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import Customer
from cloudlink_app.services import users
from cloudlink_app.state.connect_step import ConnectStepState
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.review_step import ReviewStepState
from cloudlink_app.state.sync_step import SyncStepState
from tests.support.builders import valid_form
from tests.support.database import (
    add_partner,
    add_user,
    customer_row,
    database_rows,
    demo_partner_id,
    make_customer,
    save,
)
from tests.support.fakes import fake_checks
from tests.support.refusals import USER_VARS, assert_refused
from tests.support.tabs import STATES, Tab, open_step

pytestmark = pytest.mark.asyncio

GATEWAY, PBX, CONNECT, SYNC, REVIEW = (
    wizard_path.GATEWAY,
    wizard_path.PBX,
    wizard_path.CONNECT,
    wizard_path.SYNC,
    wizard_path.REVIEW,
)
B_USER = "liam@rival-telecom.example"
B_NAME = "Rival Customer BV"
NOT_FOUND = t("notice.customer_not_found")


@pytest.fixture
def partner_b(database) -> int:
    """Partner B (Rival Telecom) with a partner user of its own."""
    partner = add_partner(database, "Rival Telecom")
    add_user(database, B_USER, users.PARTNER_ROLE, partner)
    return partner


def deployment_for(step: str) -> str:
    return wizard_path.SMBC if step == SYNC else wizard_path.APPLIANCE


def b_customer(database, partner_b: int, step: str) -> str:
    """B's customer with every step before ``step`` done (so that a load of ``step``
    would open it for B's own user); its account ID. On the Customer step it has no
    email domain: its form passes every rule for A as well, so that a save by A would
    get as far as the ownership check."""
    if step == wizard_path.CUSTOMER:
        return save(database, partner_b, valid_form(B_NAME, domain="")).account_id
    through = wizard_path.previous_step(step, deployment_for(step))
    return make_customer(database, partner_b, through, deployment=deployment_for(step), name=B_NAME)


async def open_customer_step(tab: Tab, account_id: str):
    url = routes.step_url(account_id, wizard_path.CUSTOMER)
    tab.open_route(routes.CUSTOMER_STEP, as_path=url, account_id=account_id)
    return await tab.send(CustomerStepState, "load")


def b_row(database, account_id: str) -> tuple:
    row = customer_row(database, account_id)
    return (row.name, row.version, row.status, row.completed_steps, row.partner_id)


async def refused_on_the_customer_step(tab: Tab, database, handler: str) -> None:
    """Save and return is refused outright. Next checks the form first (as for
    anyone: the errors it shows are the form's) and then refuses the save: either
    way nothing is saved and the browser stays."""
    if handler == "save_and_return":
        # The tab's user changed before this event: reading it again is no change.
        await assert_refused(tab, database, CustomerStepState, handler, NOT_FOUND, ignore=USER_VARS)
        return
    rows_before = database_rows(database)
    sent = await tab.customer(handler)
    assert database_rows(database) == rows_before
    assert sent.redirects == []
    assert tab.notice == NOT_FOUND or tab.customer_step.error_summary


# ----- the Customer step ------------------------------------------------------------


async def test_bs_customer_does_not_open_on_the_customer_step(tab, database, partner_b):
    account_id = b_customer(database, partner_b, wizard_path.CUSTOMER)
    rows_before = database_rows(database)
    sent = await open_customer_step(tab, account_id)
    assert sent.redirects == [routes.DASHBOARD]
    state = tab.customer_step
    assert (state.loaded, state.customer_name, state.street_address) == ("", "", "")
    assert "Rival" not in repr(sent.deltas) and "Keizersgracht" not in repr(sent.deltas)
    assert database_rows(database) == rows_before


@pytest.mark.parametrize("handler", ["next_step", "save_and_return"])
async def test_the_buttons_after_a_refused_load_do_not_reach_bs_customer(
    tab, database, partner_b, handler
):
    account_id = b_customer(database, partner_b, wizard_path.CUSTOMER)
    await open_customer_step(tab, account_id)
    await tab.customer("set_customer_name", value="Taken Over BV")
    # Nothing is open: nothing may be saved (neither B's customer nor a new one).
    await refused_on_the_customer_step(tab, database, handler)
    assert b_row(database, account_id)[0] == B_NAME


@pytest.mark.parametrize("handler", ["next_step", "save_and_return"])
async def test_a_refused_load_keeps_the_own_customer_and_saves_only_that(
    tab, database, partner_b, handler
):
    own = make_customer(
        database, demo_partner_id(database), wizard_path.CUSTOMER, name="Own Customer BV"
    )
    other = b_customer(database, partner_b, wizard_path.CUSTOMER)
    await open_customer_step(tab, own)
    await tab.customer("set_customer_name", value="Typed BV")
    sent = await open_customer_step(tab, other)
    assert sent.redirects == [routes.DASHBOARD]
    assert tab.customer_step.loaded == own
    b_before = b_row(database, other)
    await tab.customer(handler)
    assert tab.notice == ""
    assert b_row(database, other) == b_before
    assert customer_row(database, own).name == "Typed BV"


@pytest.mark.parametrize("handler", ["next_step", "save_and_return"])
async def test_bs_open_customer_step_is_not_saved_by_as_session(tab, database, partner_b, handler):
    """B's user had the customer open; the tab's cookie is then A's session: the tab
    is reset before A's first event (state/clean_tab.FollowSession), so A neither sees nor
    saves anything of B's."""
    account_id = b_customer(database, partner_b, wizard_path.CUSTOMER)
    tab.sign_in_as(B_USER)
    sent = await open_customer_step(tab, account_id)
    assert sent.redirects == [] and tab.customer_step.loaded == account_id
    await tab.customer("set_customer_name", value="Taken Over BV")
    tab.sign_in_as(demo_accounts.DEMO_PARTNER_EMAIL)
    with Session(database) as session:
        customers_before = len(session.exec(select(Customer)).all())
    await tab.customer(handler)
    assert tab.customer_step.loaded == "" and tab.customer_step.customer_name == ""
    assert b_row(database, account_id)[0] == B_NAME
    with Session(database) as session:
        assert len(session.exec(select(Customer)).all()) == customers_before


# ----- the later steps --------------------------------------------------------------

# The buttons of each later step (setters only change what the tab shows).
BUTTONS = {
    GATEWAY: ["next_step", "go_back", "save_and_return"],
    PBX: ["next_step", "go_back", "save_and_return"],
    CONNECT: [
        "next_step",
        "go_back",
        "save_and_return",
        "check_connection",
        "continue_without_connection",
    ],
    SYNC: ["next_step", "go_back", "save_and_return", "check_connection", "start_synchronisation"],
    REVIEW: ["next_step", "go_back", "save_and_return", "finish_onboarding"],
}
STEP_BUTTONS = [(step, handler) for step, handlers in BUTTONS.items() for handler in handlers]
TYPING = {
    GATEWAY: ("set_site_name", "Taken over"),
    PBX: ("set_pbx_address", "evil.example"),
    SYNC: ("set_sync_address", "evil.example"),
}


@pytest.mark.parametrize("step", list(BUTTONS))
async def test_bs_customer_does_not_open_on_a_later_step(tab, database, partner_b, step):
    account_id = b_customer(database, partner_b, step)
    rows_before = database_rows(database)
    sent = await open_step(tab, step, account_id)
    assert sent.redirects == [routes.DASHBOARD]
    state = tab.state(STATES[step])
    assert (state.loaded, state.customer_name, state.deployment_type) == ("", "", "")
    assert "Rival" not in repr(sent.deltas)
    assert database_rows(database) == rows_before


@pytest.mark.parametrize(
    ("step", "handler"), STEP_BUTTONS, ids=[f"{s}-{h}" for s, h in STEP_BUTTONS]
)
async def test_the_buttons_after_a_refused_load_are_refused(
    tab, database, monkeypatch, partner_b, step, handler
):
    account_id = b_customer(database, partner_b, step)
    await open_step(tab, step, account_id)
    if step in TYPING:
        setter, value = TYPING[step]
        await tab.send(STATES[step], setter, value=value)
    asked = fake_checks(monkeypatch)
    b_before = b_row(database, account_id)
    await assert_refused(tab, database, STATES[step], handler, NOT_FOUND)
    assert asked == []
    assert b_row(database, account_id) == b_before


@pytest.mark.parametrize(
    ("step", "handler"), STEP_BUTTONS, ids=[f"{s}-{h}" for s, h in STEP_BUTTONS]
)
async def test_bs_open_step_is_not_changed_by_as_session(
    tab, database, monkeypatch, partner_b, step, handler
):
    """B's user had the step open; the tab's cookie is then A's session."""
    account_id = b_customer(database, partner_b, step)
    tab.sign_in_as(B_USER)
    sent = await open_step(tab, step, account_id)
    assert sent.redirects == [] and tab.state(STATES[step]).loaded == account_id
    if step in TYPING:
        setter, value = TYPING[step]
        await tab.send(STATES[step], setter, value=value)
    asked = fake_checks(monkeypatch)
    tab.sign_in_as(demo_accounts.DEMO_PARTNER_EMAIL)
    # A's first event resets the tab (state/clean_tab.FollowSession): B's step is gone.
    await tab.follow_session()
    assert tab.state(STATES[step]).loaded == ""
    b_before = b_row(database, account_id)
    await assert_refused(tab, database, STATES[step], handler, NOT_FOUND, ignore=USER_VARS)
    assert asked == []
    assert b_row(database, account_id) == b_before


async def test_finish_onboarding_of_bs_complete_customer_is_refused(tab, database, partner_b):
    account_id = b_customer(database, partner_b, REVIEW)
    assert b_row(database, account_id)[2] != wizard_path.ONBOARDED
    sent = await open_step(tab, REVIEW, account_id)
    assert sent.redirects == [routes.DASHBOARD]
    assert tab.state(ReviewStepState).sections == []
    await assert_refused(tab, database, ReviewStepState, "finish_onboarding", NOT_FOUND)
    assert b_row(database, account_id)[2] != wizard_path.ONBOARDED


# ----- the dashboard -----------------------------------------------------------------


@pytest_asyncio.fixture
async def dashboard(tab, database, partner_b) -> tuple[Tab, str, str]:
    """A's dashboard open with A's draft listed; (tab, A's draft, B's draft)."""
    own = make_customer(database, demo_partner_id(database), "", name="Own Draft BV")
    other = make_customer(database, partner_b, "", name=B_NAME)
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    assert [row.account_id for row in tab.state(DashboardState).rows] == [own]
    return tab, own, other


def b_exists(database, account_id: str) -> bool:
    with Session(database) as session:
        return (
            session.exec(select(Customer.id).where(Customer.account_id == account_id)).first()
            is not None
        )


async def test_ask_delete_of_bs_draft_is_refused(dashboard, database):
    tab, _, other = dashboard
    await assert_refused(
        tab, database, DashboardState, "ask_delete", t("notice.draft_not_found"), account_id=other
    )
    assert tab.state(DashboardState).delete_account_id == ""
    assert b_exists(database, other)


async def test_delete_draft_of_bs_draft_is_refused(dashboard, database):
    tab, _, other = dashboard
    await assert_refused(
        tab,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=other,
    )
    assert b_exists(database, other)


async def test_delete_draft_of_bs_draft_while_asking_about_the_own_is_refused(dashboard, database):
    tab, own, other = dashboard
    await tab.send(DashboardState, "ask_delete", account_id=own)
    assert tab.state(DashboardState).delete_account_id == own
    await assert_refused(
        tab,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=other,
    )
    assert b_exists(database, other) and b_exists(database, own)


async def test_bs_draft_asked_in_bs_tab_is_not_deleted_by_as_session(tab, database, partner_b):
    """B's user asked to delete B's draft; the tab's cookie is then A's session."""
    other = make_customer(database, partner_b, "", name=B_NAME)
    tab.sign_in_as(B_USER)
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    await tab.send(DashboardState, "ask_delete", account_id=other)
    assert tab.state(DashboardState).delete_account_id == other
    tab.sign_in_as(demo_accounts.DEMO_PARTNER_EMAIL)
    await tab.follow_session()  # A's first event resets the tab: B's question is gone
    assert tab.state(DashboardState).delete_account_id == ""
    rows_before = database_rows(database)
    await tab.send(DashboardState, "delete_draft", account_id=other)
    assert tab.notice == t("notice.delete_not_confirmed")
    assert database_rows(database) == rows_before
    # B's list went with the reset: B's draft is no longer shown.
    assert [row.name for row in tab.state(DashboardState).rows] == []


async def test_the_dashboard_list_cannot_be_set_from_the_browser(dashboard, database):
    tab, _, other = dashboard
    for var_name in ("rows", "delete_account_id", "total"):
        with pytest.raises(AttributeError):
            await tab.send(DashboardState, "setvar", var_name=var_name, value=other)
    assert tab.state(DashboardState).delete_account_id == ""
    await assert_refused(
        tab,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=other,
    )


async def test_searching_for_bs_account_id_or_name_finds_nothing(dashboard):
    tab, _, other = dashboard
    for search in (other, B_NAME, "Rival"):
        await tab.send(DashboardState, "set_search", value=search)
        assert tab.state(DashboardState).rows == []
        assert tab.state(DashboardState).total == 0


async def test_a_connect_check_of_bs_customer_is_never_made(tab, database, monkeypatch, partner_b):
    account_id = b_customer(database, partner_b, CONNECT)
    asked = fake_checks(monkeypatch)
    await open_step(tab, CONNECT, account_id)
    await tab.send(ConnectStepState, "check_connection")
    account_id_sync = b_customer(database, partner_b, SYNC)
    await open_step(tab, SYNC, account_id_sync)
    await tab.send(SyncStepState, "set_sync_address", value="smbc.acme.example")
    await tab.send(SyncStepState, "set_sync_port", value="4443")
    await tab.send(SyncStepState, "check_connection")
    assert asked == []
