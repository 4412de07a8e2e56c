"""An account admin works on their own customer only, with no Save and return and no
dashboard.

The account admin (of one customer of the demo partner) opens and sends events
themself, through Reflex's own event processing (tests.support.tabs.Tab): Save and return
on every step of their own customer is refused; the dashboard sends them to their
account page and its events are refused; another customer of the same partner does not
open on any step; the account page shows their own customer only.
"""

from __future__ import annotations

import pytest
import pytest_asyncio

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import users
from cloudlink_app.state.account import AccountState
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.dashboard import DashboardState
from tests.support.database import (
    add_partner,
    add_user,
    customer_row,
    database_rows,
    demo_partner_id,
    make_customer,
)
from tests.support.refusals import assert_refused
from tests.support.tabs import STATES, Tab, open_step

pytestmark = pytest.mark.asyncio

CUSTOMER, GATEWAY, PBX, CONNECT, SYNC, REVIEW = (
    wizard_path.CUSTOMER,
    wizard_path.GATEWAY,
    wizard_path.PBX,
    wizard_path.CONNECT,
    wizard_path.SYNC,
    wizard_path.REVIEW,
)
ADMIN = "sanne@bakkerij.example"
OWN = "Bakkerij Eigen BV"
OTHER = "Andere Klant BV"
PARTNERS_ONLY = t("notice.partners_only")
# What each step's Save and return would store when something was typed.
TYPING = {
    CUSTOMER: ("set_city", "Utrecht"),
    GATEWAY: ("set_site_name", "Typed site"),
    PBX: ("set_pbx_port", "4000"),
    SYNC: ("set_sync_port", "4444"),
}
STEPS = [CUSTOMER, GATEWAY, PBX, CONNECT, SYNC, REVIEW]


def deployment_for(step: str) -> str:
    return wizard_path.SMBC if step == SYNC else wizard_path.APPLIANCE


def customer_at(database, step: str, name: str = OWN) -> str:
    """A customer of the demo partner that opens at ``step``; its account ID."""
    deployment = deployment_for(step)
    through = CUSTOMER if step == CUSTOMER else wizard_path.previous_step(step, deployment)
    return make_customer(
        database, demo_partner_id(database), through, deployment=deployment, name=name
    )


def admin_of(database, account_id: str | None) -> str:
    """An account admin of this customer (of none: None); returns the email."""
    customer_id = None if account_id is None else customer_row(database, account_id).id
    add_user(database, ADMIN, users.ACCOUNT_ADMIN_ROLE, demo_partner_id(database), customer_id)
    return ADMIN


async def open_as_admin(tab: Tab, step: str, account_id: str):
    """Open ``step`` of the customer in the tab (its on_load)."""
    if step == CUSTOMER:
        url = routes.step_url(account_id, CUSTOMER)
        tab.open_route(routes.CUSTOMER_STEP, as_path=url, account_id=account_id)
        return await tab.send(CustomerStepState, "load")
    return await open_step(tab, step, account_id)


def state_of(step: str):
    return CustomerStepState if step == CUSTOMER else STATES[step]


@pytest.fixture
def admin_tab(database) -> Tab:
    """A tab of nobody yet (each test signs in its account admin)."""
    return Tab(None)


# ----- Save and return ----------------------------------------------------------------


SAVE_AND_RETURN = [(step, False) for step in STEPS] + [(step, True) for step in TYPING]


@pytest.mark.parametrize(
    ("step", "typed"),
    SAVE_AND_RETURN,
    ids=[f"{s}-{'typed' if d else 'clean'}" for s, d in SAVE_AND_RETURN],
)
async def test_save_and_return_on_the_own_customer_is_refused(admin_tab, database, step, typed):
    account_id = customer_at(database, step)
    admin_tab.sign_in_as(admin_of(database, account_id))
    sent = await open_as_admin(admin_tab, step, account_id)
    assert sent.redirects == []
    assert admin_tab.state(state_of(step)).loaded == account_id
    assert admin_tab.state(state_of(step)).is_partner is False  # no button on the page
    if typed:
        setter, value = TYPING[step]
        await admin_tab.send(state_of(step), setter, value=value)
        assert admin_tab.state(state_of(step)).dirty is True
    version = customer_row(database, account_id).version
    await assert_refused(admin_tab, database, state_of(step), "save_and_return", PARTNERS_ONLY)
    assert customer_row(database, account_id).version == version


@pytest.mark.parametrize("step", [GATEWAY, PBX])
async def test_next_on_the_own_customer_is_taken(admin_tab, database, step):
    """The control: the account admin may edit their own customer."""
    account_id = customer_at(database, step)
    admin_tab.sign_in_as(admin_of(database, account_id))
    await open_as_admin(admin_tab, step, account_id)
    if step == GATEWAY:
        await admin_tab.send(STATES[step], "set_site_name", value="Head office")
        await admin_tab.send(STATES[step], "set_deployment_type", value=wizard_path.APPLIANCE)
        await admin_tab.send(STATES[step], "set_mac_address", value="02:00:00:00:AA:01")
    else:
        await admin_tab.send(STATES[step], "set_pbx_type", value="mivoice_business")
        await admin_tab.send(STATES[step], "set_pbx_address", value="pbx.acme.example")
    sent = await admin_tab.send(STATES[step], "next_step")
    assert admin_tab.notice == ""
    assert admin_tab.state(STATES[step]).errors == {}
    assert sent.redirects == [
        routes.step_url(account_id, wizard_path.next_step(step, wizard_path.APPLIANCE))
    ]


async def test_cancel_returns_the_account_admin_to_the_account_page(admin_tab, database):
    account_id = customer_at(database, PBX)
    admin_tab.sign_in_as(admin_of(database, account_id))
    await open_as_admin(admin_tab, PBX, account_id)
    sent = await admin_tab.send(STATES[PBX], "cancel")
    assert sent.redirects == [routes.ACCOUNT]


async def test_finish_onboarding_of_the_own_customer_returns_to_the_account_page(
    admin_tab, database
):
    account_id = customer_at(database, REVIEW)
    admin_tab.sign_in_as(admin_of(database, account_id))
    await open_as_admin(admin_tab, REVIEW, account_id)
    sent = await admin_tab.send(STATES[REVIEW], "finish_onboarding")
    assert admin_tab.notice == ""
    assert sent.redirects == [routes.ACCOUNT]
    assert customer_row(database, account_id).status == wizard_path.ONBOARDED


# ----- the dashboard ------------------------------------------------------------------


@pytest_asyncio.fixture
async def admins_dashboard(admin_tab, database) -> tuple[Tab, str, str]:
    """The account admin's tab after opening "/"; (tab, own draft, another draft)."""
    own = customer_at(database, CUSTOMER)
    other = customer_at(database, CUSTOMER, name=OTHER)
    admin_tab.sign_in_as(admin_of(database, own))
    admin_tab.open_route(routes.DASHBOARD)
    sent = await admin_tab.send(DashboardState, "load")
    assert sent.redirects == [routes.ACCOUNT]
    return admin_tab, own, other


async def test_the_dashboard_sends_the_account_admin_to_their_account(admins_dashboard):
    tab, _, _ = admins_dashboard
    state = tab.state(DashboardState)
    assert (state.rows, state.total, state.in_progress_count) == ([], 0, 0)


async def test_the_dashboards_search_and_paging_are_refused(admins_dashboard, database):
    tab, _, _ = admins_dashboard
    for handler, payload in (
        ("set_search", {"value": "Bakkerij"}),
        ("set_search", {"value": ""}),
        ("go_to_page", {"page": 1}),
    ):
        await assert_refused(
            tab, database, DashboardState, handler, t("notice.partners_only_dashboard"), **payload
        )
        assert tab.state(DashboardState).rows == []


@pytest.mark.parametrize("whose", ["own", "other"])
async def test_deleting_a_draft_is_refused(admins_dashboard, database, whose):
    tab, own, other = admins_dashboard
    account_id = own if whose == "own" else other
    # Nothing is listed for them: Delete cannot even ask.
    await assert_refused(
        tab,
        database,
        DashboardState,
        "ask_delete",
        t("notice.draft_not_found"),
        account_id=account_id,
    )
    await assert_refused(
        tab,
        database,
        DashboardState,
        "delete_draft",
        t("notice.partners_only_delete"),
        account_id=account_id,
    )
    assert customer_row(database, account_id).name in (OWN, OTHER)


# ----- another account ----------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
async def test_another_customer_of_the_same_partner_does_not_open(admin_tab, database, step):
    own = customer_at(database, step)
    other = customer_at(database, step, name=OTHER)
    admin_tab.sign_in_as(admin_of(database, own))
    rows_before = database_rows(database)
    sent = await open_as_admin(admin_tab, step, other)
    assert sent.redirects == [routes.ACCOUNT]
    state = admin_tab.state(state_of(step))
    assert (state.loaded, state.customer_name) == ("", "")
    assert OTHER not in repr(sent.deltas)
    assert database_rows(database) == rows_before


async def test_another_partners_customer_does_not_open(admin_tab, database):
    other = make_customer(database, add_partner(database, "Rival Telecom"), GATEWAY, name=OTHER)
    admin_tab.sign_in_as(admin_of(database, customer_at(database, GATEWAY)))
    sent = await open_as_admin(admin_tab, PBX, other)
    assert sent.redirects == [routes.ACCOUNT]
    assert OTHER not in repr(sent.deltas)


async def test_a_new_customer_cannot_be_started(admin_tab, database):
    admin_tab.sign_in_as(admin_of(database, customer_at(database, GATEWAY)))
    admin_tab.open_route(routes.NEW_CUSTOMER)
    sent = await admin_tab.send(CustomerStepState, "load_new_customer")
    assert sent.redirects == [routes.ACCOUNT]
    assert admin_tab.customer_step.loaded == ""


# ----- the account page -----------------------------------------------------------------


async def open_account(tab: Tab):
    tab.open_route(routes.ACCOUNT)
    return await tab.send(AccountState, "load")


async def test_the_account_page_shows_the_own_customer_only(admin_tab, database):
    other = customer_at(database, PBX, name=OTHER)
    own = customer_at(database, PBX)
    admin_tab.sign_in_as(admin_of(database, own))
    sent = await open_account(admin_tab)
    assert sent.redirects == []
    state = admin_tab.state(AccountState)
    assert (state.customer_name, state.customer_account_id) == (OWN, own)
    assert state.continue_url == routes.step_url(own, PBX)
    assert state.status == t("status.next", step=t("step.pbx"))
    assert OTHER not in repr(sent.deltas) and other not in repr(sent.deltas)


async def test_a_partner_user_is_sent_to_the_dashboard(tab, database):
    customer_at(database, PBX)
    sent = await open_account(tab)
    assert sent.redirects == [routes.DASHBOARD]
    assert tab.state(AccountState).customer_name == ""


async def test_an_account_admin_without_a_customer_stays_on_the_account_page(admin_tab, database):
    """Sign-in sends an account admin to /account: sending them back to sign in would
    go round for ever."""
    admin_tab.sign_in_as(admin_of(database, None))
    sent = await open_account(admin_tab)
    assert sent.redirects == []
    assert admin_tab.notice == t("notice.customer_not_found")
    assert admin_tab.state(AccountState).customer_name == ""


async def test_an_account_admin_linked_to_another_partners_customer_sees_nothing(
    admin_tab, database
):
    """Inconsistent data (the customer belongs to another partner): nothing shown."""
    other = make_customer(database, add_partner(database, "Rival Telecom"), GATEWAY, name=OTHER)
    admin_tab.sign_in_as(admin_of(database, other))
    sent = await open_account(admin_tab)
    assert admin_tab.notice == t("notice.customer_not_found")
    assert admin_tab.state(AccountState).customer_name == ""
    assert OTHER not in repr(sent.deltas)
