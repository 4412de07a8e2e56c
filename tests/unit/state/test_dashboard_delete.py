"""Deleting a draft from the Partner dashboard: the question names the customer, the
answer deletes it, and every crafted event is refused without deleting anything."""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import Customer
from cloudlink_app.services import users
from cloudlink_app.services.drafts import delete_draft
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.state.dashboard import PAGE_SIZE, DashboardState, delete_button_id
from tests.support.builders import valid_form
from tests.support.database import (
    ONBOARDED,
    PROBLEM,
    add_partner,
    add_user,
    advance,
    count,
    database_rows,
    demo_partner_id,
    save,
)
from tests.support.refusals import USER_VARS, assert_refused
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

NOT_ACCOUNT_IDS = [
    None,
    5,
    True,
    1.5,
    ["ABCD-EFGH"],
    {"account_id": "ABCD-EFGH"},
    "",
    "k7m4-q2xr",
    "K7M4Q2XR",
    "K7M4-Q2XR ",
    "' OR 1=1 --",
    "Ø" * 9,
    "A" * 1_000_000,
]


def dashboard_state(tab: Tab) -> DashboardState:
    """The tab's dashboard state."""
    return tab.state(DashboardState)


def listed(tab: Tab) -> list[str]:
    """Names of the customers the dashboard shows."""
    return [row.name for row in dashboard_state(tab).rows]


def snapshot(tab: Tab) -> dict:
    """The dashboard's vars, without those about the caller (freshly read by every
    check: not something a handler changes)."""
    return {k: v for k, v in tab.snapshot(DashboardState).items() if k not in USER_VARS}


@pytest.fixture
def drafts(database) -> dict[str, str]:
    """The demo partner's customers: two drafts (one with a problem) and one onboarded,
    saved in that order; name -> account ID."""
    partner = demo_partner_id(database)
    saved = {}
    for name, values in [
        ("Bakkerij Jansen", {}),
        ("Problem BV", PROBLEM),
        ("Onboarded BV", ONBOARDED),
    ]:
        domain = name.split()[0].lower() + ".example"
        saved[name] = save(database, partner, valid_form(name, domain)).account_id
        if values:
            advance(database, saved[name], values)
    return saved


@pytest_asyncio.fixture
async def dashboard(tab, drafts) -> Tab:
    """The demo partner's dashboard with those customers, opened (its on_load ran)."""
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    assert listed(tab) == ["Onboarded BV", "Problem BV", "Bakkerij Jansen"]
    return tab


@pytest.fixture
def rival(database) -> str:
    """The account ID of a draft of another partner, Rival Telecom."""
    partner = add_partner(database, "Rival Telecom")
    return save(
        database, partner, valid_form("Rival Customer BV", "rival.example"), complete=False
    ).account_id


def exists(engine, account_id: str) -> bool:
    with Session(engine) as session:
        return (
            session.exec(select(Customer.id).where(Customer.account_id == account_id)).first()
            is not None
        )


# ----- the way a person does it ------------------------------------------------------------


async def test_delete_asks_naming_the_draft_then_deletes_it(dashboard, database, drafts):
    jansen = drafts["Bakkerij Jansen"]
    await dashboard.send(DashboardState, "ask_delete", account_id=jansen)
    state = dashboard_state(dashboard)
    assert dashboard.notice == ""
    assert state.delete_dialog_open
    assert state.delete_question == "Delete the draft for Bakkerij Jansen?"
    assert exists(database, jansen)

    sent = await dashboard.send(DashboardState, "delete_draft", account_id=jansen)
    assert dashboard.notice == ""
    assert not state.delete_dialog_open
    assert state.deleted_message == "The draft for Bakkerij Jansen was deleted."
    assert dashboard.focused_by(sent) == "deleted-message"
    assert listed(dashboard) == ["Onboarded BV", "Problem BV"]
    assert (state.in_progress_count, state.problem_count, state.onboarded_count) == (0, 1, 1)
    assert state.total == 2
    assert not exists(database, jansen)


async def test_a_draft_with_a_problem_can_be_deleted(dashboard, database, drafts):
    problem = drafts["Problem BV"]
    await dashboard.send(DashboardState, "ask_delete", account_id=problem)
    await dashboard.send(DashboardState, "delete_draft", account_id=problem)
    assert dashboard.notice == ""
    assert not exists(database, problem)


async def test_keep_draft_closes_the_question_and_keeps_it(dashboard, database, drafts):
    jansen = drafts["Bakkerij Jansen"]
    await dashboard.send(DashboardState, "ask_delete", account_id=jansen)
    rows_before = database_rows(database)
    sent = await dashboard.send(DashboardState, "keep_draft")
    assert not dashboard_state(dashboard).delete_dialog_open
    assert dashboard.focused_by(sent) == delete_button_id(jansen)
    assert database_rows(database) == rows_before
    # The question is closed: its answer no longer deletes.
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=jansen,
    )


async def test_escape_closes_the_question(dashboard, drafts):
    await dashboard.send(DashboardState, "ask_delete", account_id=drafts["Bakkerij Jansen"])
    await dashboard.send(DashboardState, "delete_dialog_changed", is_open=True)
    assert dashboard_state(dashboard).delete_dialog_open
    await dashboard.send(DashboardState, "delete_dialog_changed", is_open=False)
    assert not dashboard_state(dashboard).delete_dialog_open


@pytest.mark.parametrize("is_open", [False, True, None, "false", 0, [], "x" * 100_000])
async def test_a_closed_question_stays_closed_and_unchanged(dashboard, database, is_open):
    before = snapshot(dashboard)
    rows_before = database_rows(database)
    sent = await dashboard.send(DashboardState, "delete_dialog_changed", is_open=is_open)
    assert snapshot(dashboard) == before
    assert sent.changed <= {"notice"}
    assert database_rows(database) == rows_before
    sent = await dashboard.send(DashboardState, "keep_draft")
    assert snapshot(dashboard) == before
    assert sent.frontend_events == []


@pytest.mark.parametrize("is_open", [None, "false", 0, [], {"open": False}])
async def test_only_a_real_false_closes_the_question(dashboard, drafts, is_open):
    await dashboard.send(DashboardState, "ask_delete", account_id=drafts["Bakkerij Jansen"])
    await dashboard.send(DashboardState, "delete_dialog_changed", is_open=is_open)
    assert dashboard_state(dashboard).delete_dialog_open


async def test_deleting_the_only_row_of_the_last_page_shows_the_page_before(tab, database):
    partner = demo_partner_id(database)
    for number in range(PAGE_SIZE + 1):
        save(database, partner, valid_form(f"Customer {number:02d}", ""), complete=False)
    await tab.send(DashboardState, "load")
    await tab.send(DashboardState, "go_to_page", page=2)
    [last] = dashboard_state(tab).rows
    await tab.send(DashboardState, "ask_delete", account_id=last.account_id)
    await tab.send(DashboardState, "delete_draft", account_id=last.account_id)
    state = dashboard_state(tab)
    assert tab.notice == ""
    assert (state.page, state.pages, state.total, len(state.rows)) == (1, 1, PAGE_SIZE, PAGE_SIZE)


# ----- crafted events -------------------------------------------------------------------


@pytest.mark.parametrize("account_id", NOT_ACCOUNT_IDS, ids=lambda v: repr(v)[:20])
@pytest.mark.parametrize("handler", ["ask_delete", "delete_draft"])
async def test_an_account_id_that_is_not_one_is_refused(dashboard, database, handler, account_id):
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        handler,
        t("notice.draft_not_found"),
        account_id=account_id,
    )


@pytest.mark.parametrize("account_id", NOT_ACCOUNT_IDS, ids=lambda v: repr(v)[:20])
async def test_an_open_question_ignores_a_crafted_answer(dashboard, database, drafts, account_id):
    await dashboard.send(DashboardState, "ask_delete", account_id=drafts["Bakkerij Jansen"])
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.draft_not_found"),
        account_id=account_id,
    )
    assert dashboard_state(dashboard).delete_dialog_open


async def test_a_draft_cannot_be_deleted_without_the_question(dashboard, database, drafts):
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=drafts["Bakkerij Jansen"],
    )


async def test_the_answer_deletes_only_the_draft_asked_about(dashboard, database, drafts):
    await dashboard.send(DashboardState, "ask_delete", account_id=drafts["Bakkerij Jansen"])
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=drafts["Problem BV"],
    )
    assert exists(database, drafts["Bakkerij Jansen"])


async def test_an_onboarded_customer_is_not_asked_about(dashboard, database, drafts):
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "ask_delete",
        t("notice.not_a_draft"),
        account_id=drafts["Onboarded BV"],
    )


async def test_an_onboarded_customer_is_not_deleted(dashboard, database, drafts):
    onboarded = drafts["Onboarded BV"]
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=onboarded,
    )
    # Even with the question open on it (which the page never does), the server refuses.
    dashboard_state(dashboard).delete_account_id = onboarded
    rows_before = database_rows(database)
    await dashboard.send(DashboardState, "delete_draft", account_id=onboarded)
    assert dashboard.notice == t("notice.not_a_draft")
    assert database_rows(database) == rows_before
    assert not dashboard_state(dashboard).delete_dialog_open


async def test_another_partners_draft_is_not_asked_about(dashboard, database, rival):
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "ask_delete",
        t("notice.draft_not_found"),
        account_id=rival,
    )


async def test_another_partners_draft_is_not_deleted(dashboard, database, rival):
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.delete_not_confirmed"),
        account_id=rival,
    )
    dashboard_state(dashboard).delete_account_id = rival
    rows_before = database_rows(database)
    sent = await dashboard.send(DashboardState, "delete_draft", account_id=rival)
    assert dashboard.notice == t("notice.draft_not_found")
    assert database_rows(database) == rows_before
    assert "Rival" not in repr(sent.deltas)
    assert exists(database, rival)


async def test_a_draft_onboarded_meanwhile_is_kept_and_shown_as_it_is(dashboard, database, drafts):
    jansen = drafts["Bakkerij Jansen"]
    await dashboard.send(DashboardState, "ask_delete", account_id=jansen)
    advance(database, jansen, ONBOARDED)  # someone else finishes it
    rows_before = database_rows(database)
    sent = await dashboard.send(DashboardState, "delete_draft", account_id=jansen)
    state = dashboard_state(dashboard)
    assert dashboard.notice == t("notice.not_a_draft")
    assert dashboard.focused_by(sent) == "notice"
    assert database_rows(database) == rows_before
    assert not state.delete_dialog_open
    row = next(row for row in state.rows if row.account_id == jansen)
    assert (row.status, row.deletable) == ("Onboarded", False)
    assert state.onboarded_count == 2


async def test_a_draft_deleted_meanwhile_is_reported_and_leaves_the_list(
    dashboard, database, drafts
):
    jansen = drafts["Bakkerij Jansen"]
    await dashboard.send(DashboardState, "ask_delete", account_id=jansen)
    with Session(database) as session:
        delete_draft(session, CustomerScope(demo_partner_id(database)), jansen)
    await dashboard.send(DashboardState, "delete_draft", account_id=jansen)
    assert dashboard.notice == t("notice.draft_not_found")
    assert "Bakkerij Jansen" not in listed(dashboard)


async def test_an_account_admin_cannot_ask_or_delete(dashboard, database, drafts):
    jansen = drafts["Bakkerij Jansen"]
    with Session(database) as session:
        customer_id = session.exec(select(Customer.id).where(Customer.account_id == jansen)).one()
    # An account admin of that very customer, in a tab that still shows the list.
    email = "admin@bakkerij.example"
    add_user(database, email, users.ACCOUNT_ADMIN_ROLE, demo_partner_id(database), customer_id)
    await dashboard.send(DashboardState, "ask_delete", account_id=jansen)
    dashboard.sign_in_as(email)
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.partners_only_delete"),
        ignore=USER_VARS,
        account_id=jansen,
    )
    await dashboard.send(DashboardState, "keep_draft")
    # The tab was reset for the new user (state/clean_tab.FollowSession): the list it asks
    # from is empty, so the draft is not even found.
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "ask_delete",
        t("notice.draft_not_found"),
        account_id=jansen,
    )
    assert exists(database, jansen)


async def test_a_signed_out_user_cannot_ask_or_delete(dashboard, database, drafts):
    jansen = drafts["Bakkerij Jansen"]
    await dashboard.send(DashboardState, "ask_delete", account_id=jansen)
    dashboard.sign_out()
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "delete_draft",
        t("notice.not_signed_in"),
        ignore=USER_VARS,
        account_id=jansen,
    )
    await dashboard.send(DashboardState, "keep_draft")
    await assert_refused(
        dashboard,
        database,
        DashboardState,
        "ask_delete",
        t("notice.not_signed_in"),
        account_id=jansen,
    )
    assert count(database, Customer) == 3
