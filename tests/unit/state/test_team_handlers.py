"""The Team pages' handlers (state/team.py, team_invite.py, team_member.py and the
customers picker) as crafted events: wrong types, huge values, a caller who is no
partner admin, and another partner's user ids and customer account IDs are refused,
and nothing changes; the way through works (an invitation limited to two customers, a
member's role and customers changed, deactivated, reactivated)."""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import permissions, team
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser, OutboxMessage, UserCustomer
from cloudlink_app.state.customer_picker import CUSTOMER_SEARCH_MAX
from cloudlink_app.state.team import SEARCH_MAX, TeamState
from cloudlink_app.state.team_invite import TeamInviteState
from cloudlink_app.state.team_member import TeamMemberState, member_id_of
from tests.support.database import add_partner, add_user, database_rows, make_customer, user_id
from tests.support.refusals import USER_VARS, assert_refused
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
JEROEN = "jeroen.bakker@northwind-telecom.example"
LIAM = "liam.peeters@contoso-comms.example"
COLLEAGUE = "colleague@northwind.example"
UNKNOWN = t("notice.unknown_choice")
NOT_ALLOWED = t("team.not_allowed")
NOT_FOUND = t("team.not_found")
HUGE = "x" * 1_000_000


@pytest.fixture
def customers(database, partner) -> list[str]:
    """Three customers of Northwind (account IDs): Alpha, Bravo and Charlie BV."""
    return [
        make_customer(database, partner, "", name=f"{n} BV") for n in ("Alpha", "Bravo", "Charlie")
    ]


@pytest.fixture
def rival(database) -> tuple[int, str]:
    """Another partner's user (its id) and customer (its account ID)."""
    partner = add_partner(database, "Rival Telecom")
    add_user(database, "rival@rival.example", permissions.PARTNER_ADMIN_ROLE, partner)
    return user_id(database, "rival@rival.example"), make_customer(
        database, partner, "", name="Rival Customer BV"
    )


@pytest_asyncio.fixture
async def invite(tab, database, customers) -> Tab:
    """Anna's tab on "Invite a colleague", "Selected customers" chosen."""
    tab.open_route(routes.TEAM_INVITE)
    sent = await tab.send(TeamInviteState, "load")
    assert sent.redirects == []
    await tab.send(TeamInviteState, "set_customers", value=team.SELECTED_CUSTOMERS)
    assert [o.name for o in tab.state(TeamInviteState).customer_options] == [
        "Alpha BV",
        "Bravo BV",
        "Charlie BV",
    ]
    return tab


async def open_member(tab: Tab, member: int | str) -> object:
    tab.open_route(routes.TEAM_MEMBER, as_path=f"/team/{member}", user_id=str(member))
    return await tab.send(TeamMemberState, "load")


@pytest_asyncio.fixture
async def member(tab, database, partner) -> Tab:
    """Anna's tab on the page of a colleague (a partner user who sees all customers)."""
    add_user(database, COLLEAGUE, permissions.PARTNER_ROLE, partner)
    sent = await open_member(tab, user_id(database, COLLEAGUE))
    assert sent.redirects == [] and tab.state(TeamMemberState).member_email == COLLEAGUE
    return tab


# ----- who may -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "route"),
    [
        (TeamState, routes.TEAM),
        (TeamInviteState, routes.TEAM_INVITE),
        (TeamMemberState, routes.TEAM_MEMBER),
    ],
)
async def test_a_partner_user_is_sent_home_and_sees_nothing_of_the_team(
    database, demo_users, state, route
):
    tab = Tab(JEROEN)
    params = {"user_id": str(demo_users[ANNA])} if state is TeamMemberState else {}
    tab.open_route(route, **params)
    sent = await tab.send(state, "load")
    assert sent.redirects == [routes.DASHBOARD]
    assert "Anna" not in repr(sent.deltas) and "anna." not in repr(sent.deltas)
    assert tab.state(state).is_partner_admin is False


# Every handler a page offers, sent by a partner user (no admin): refused, nothing changed.
NON_ADMIN_CASES = [
    (TeamState, "set_search", {"value": "anna"}),
    (TeamInviteState, "set_member_name", {"value": "Typed"}),
    (TeamInviteState, "set_member_email", {"value": "t@example.com"}),
    (TeamInviteState, "set_member_role", {"value": permissions.PARTNER_ROLE}),
    (TeamInviteState, "leave_field", {"field_id": team.MEMBER_NAME}),
    (TeamInviteState, "set_customers", {"value": team.SELECTED_CUSTOMERS}),
    (TeamInviteState, "search_customers", {"value": "a"}),
    (TeamInviteState, "toggle_customer", {"account_id": "ABC123", "checked": True}),
    (TeamInviteState, "send_invitation", {}),
    (TeamMemberState, "set_customers", {"value": team.ALL_CUSTOMERS}),
    (TeamMemberState, "search_customers", {"value": "a"}),
    (TeamMemberState, "toggle_customer", {"account_id": "ABC123", "checked": True}),
    (TeamMemberState, "save_changes", {}),
    (TeamMemberState, "ask_deactivate", {}),
    (TeamMemberState, "deactivate", {}),
    (TeamMemberState, "reactivate", {}),
    (TeamMemberState, "send_invitation_again", {}),
]


@pytest.mark.parametrize(("state", "handler", "payload"), NON_ADMIN_CASES, ids=repr)
async def test_a_partner_user_cannot_use_any_team_handler(
    database, demo_users, state, handler, payload
):
    tab = Tab(JEROEN)
    await assert_refused(tab, database, state, handler, NOT_ALLOWED, ignore=USER_VARS, **payload)


async def test_go_to_page_of_a_partner_user_is_refused(database, demo_users):
    # Page 1 always exists: past the page check, the role is refused.
    tab = Tab(JEROEN)
    await assert_refused(
        tab, database, TeamState, "go_to_page", NOT_ALLOWED, ignore=USER_VARS, page=1
    )


async def test_a_member_role_change_by_a_partner_user_is_refused(database, demo_users):
    tab = Tab(JEROEN)
    await assert_refused(
        tab,
        database,
        TeamMemberState,
        "set_member_role",
        NOT_ALLOWED,
        ignore=USER_VARS,
        value=permissions.PARTNER_ADMIN_ROLE,
    )


# ----- the list ------------------------------------------------------------------------


async def test_the_team_page_lists_the_partner_s_team_only(tab, database, rival):
    tab.open_route(routes.TEAM)
    sent = await tab.send(TeamState, "load")
    assert sent.redirects == []
    state = tab.state(TeamState)
    assert [(r.name, r.role, r.customers) for r in state.rows] == [
        ("Anna de Vries", "Partner admin", "All customers")
    ]
    assert state.is_partner_admin is True  # the header's Team link
    assert "rival@" not in repr(sent.deltas)
    await tab.send(TeamState, "set_search", value="rival")
    assert state.rows == [] and state.total == 0


@pytest.mark.parametrize("value", [None, 5, ["anna"], "x" * (SEARCH_MAX + 1), HUGE], ids=repr)
async def test_the_team_search_refuses_what_is_not_text_that_fits(tab, database, value):
    await assert_refused(
        tab,
        database,
        TeamState,
        "set_search",
        t("notice.too_long", limit=SEARCH_MAX),
        value=value,
    )


@pytest.mark.parametrize("page", [0, -1, 2, 10**9, True, None, "2", 1.5], ids=repr)
async def test_the_team_refuses_a_page_that_does_not_exist(tab, database, page):
    tab.open_route(routes.TEAM)
    await tab.send(TeamState, "load")
    await assert_refused(
        tab, database, TeamState, "go_to_page", t("notice.unknown_page"), page=page
    )


# ----- inviting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "payload", "notice"),
    [
        ("set_member_name", {"value": 5}, t("notice.not_text")),
        ("set_member_name", {"value": HUGE}, t("notice.too_long", limit=team.MEMBER_NAME_MAX * 2)),
        ("set_member_email", {"value": ["a@b.example"]}, t("notice.not_text")),
        ("set_member_role", {"value": permissions.ACCOUNT_ADMIN_ROLE}, UNKNOWN),
        ("set_member_role", {"value": "operator"}, UNKNOWN),
        ("leave_field", {"field_id": "password"}, t("notice.unknown_field")),
        ("set_customers", {"value": "everything"}, UNKNOWN),
        ("set_customers", {"value": None}, UNKNOWN),
        ("search_customers", {"value": 7}, t("notice.not_text")),
        (
            "search_customers",
            {"value": HUGE},
            t("notice.too_long", limit=CUSTOMER_SEARCH_MAX),
        ),
        ("toggle_customer", {"account_id": 5, "checked": True}, UNKNOWN),
        ("toggle_customer", {"account_id": HUGE, "checked": True}, UNKNOWN),
        ("toggle_customer", {"account_id": "ZZZZZZ", "checked": True}, UNKNOWN),
    ],
    ids=repr,
)
async def test_inviting_refuses_crafted_values(invite, database, handler, payload, notice):
    await assert_refused(invite, database, TeamInviteState, handler, notice, **payload)


async def test_a_checkbox_of_a_customer_that_is_not_offered_is_refused(invite, database, customers):
    """Checked needs a bool; a customer another partner has (or none) is not offered,
    nor found by a search."""
    await assert_refused(
        invite,
        database,
        TeamInviteState,
        "toggle_customer",
        UNKNOWN,
        account_id=customers[0],
        checked="yes",
    )


async def test_another_partner_s_customer_is_never_offered_nor_selected(invite, database, rival):
    _rival_user, rival_customer = rival
    await invite.send(TeamInviteState, "search_customers", value="Rival")
    assert invite.state(TeamInviteState).customer_options == []
    await assert_refused(
        invite,
        database,
        TeamInviteState,
        "toggle_customer",
        UNKNOWN,
        account_id=rival_customer,
        checked=True,
    )


async def type_invitation(tab: Tab, email: str = COLLEAGUE) -> None:
    await tab.send(TeamInviteState, "set_member_name", value="Col League")
    await tab.send(TeamInviteState, "set_member_email", value=email)
    await tab.send(TeamInviteState, "set_member_role", value=permissions.PARTNER_ROLE)


async def test_an_invitation_limited_to_two_customers(invite, database, customers):
    state = invite.state(TeamInviteState)
    await type_invitation(invite)
    await invite.send(TeamInviteState, "toggle_customer", account_id=customers[0], checked=True)
    # A search keeps what was selected.
    await invite.send(TeamInviteState, "search_customers", value="Bravo")
    assert [(o.name, o.checked) for o in state.customer_options] == [
        ("Alpha BV", True),
        ("Bravo BV", False),
    ]
    await invite.send(TeamInviteState, "toggle_customer", account_id=customers[1], checked=True)
    assert state.selected_status == "2 customers selected"
    sent = await invite.send(TeamInviteState, "send_invitation")
    assert invite.notice == "" and state.errors == {}
    assert state.done.startswith(f"The invitation was sent to {COLLEAGUE}")
    assert invite.focused_by(sent) == "invitation-sent"
    with Session(database) as session:
        user = session.exec(select(AppUser).where(AppUser.email == COLLEAGUE)).one()
        assert (user.role, user.all_customers, user.password_hash) == ("partner", False, "")
        selected = session.exec(
            select(UserCustomer.customer_id).where(UserCustomer.user_id == user.id)
        ).all()
        assert len(selected) == 2
        mail = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == COLLEAGUE))
        assert len(mail.all()) == 1
    assert state.invited_url == routes.team_member_url(user.id)
    # The form is empty again, for the next colleague.
    assert (state.member_name, state.customers, state.customer_options) == ("", "", [])


async def test_an_invitation_with_problems_shows_them_and_stores_nothing(invite, database):
    rows = database_rows(database)
    sent = await invite.send(TeamInviteState, "send_invitation")
    state = invite.state(TeamInviteState)
    assert set(state.errors) == {team.MEMBER_NAME, team.MEMBER_EMAIL, team.MEMBER_ROLE}
    assert invite.focused_by(sent) == "error-summary"
    assert invite.title.startswith("Error: ")
    assert database_rows(database) == rows


async def test_an_address_that_is_a_user_elsewhere_is_refused_without_saying_whose(
    invite, database, rival
):
    await type_invitation(invite, email="RIVAL@rival.example")
    rows = database_rows(database)
    await invite.send(TeamInviteState, "send_invitation")
    error = invite.state(TeamInviteState).errors[team.MEMBER_EMAIL]
    assert error == t("team.address_taken") and "Rival" not in error
    assert database_rows(database) == rows


# ----- a member ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "0", "-1", "1e3", "12345678901234", "١٢", "abc", None])
async def test_a_member_id_in_the_url_is_a_positive_number(value):
    assert member_id_of(value) is None


async def test_another_partner_s_member_is_not_shown(tab, database, rival):
    rival_user, _ = rival
    rows = database_rows(database)
    sent = await open_member(tab, rival_user)
    assert sent.redirects == [routes.TEAM]
    assert tab.notice == NOT_FOUND
    assert tab.state(TeamMemberState).loaded == 0
    assert "rival@" not in repr(sent.deltas)
    assert database_rows(database) == rows


@pytest.mark.parametrize("member", ["abc", "0", "99999", "1;drop"], ids=repr)
async def test_a_member_that_does_not_exist_is_not_shown(tab, database, member):
    sent = await open_member(tab, member)
    assert sent.redirects == [routes.TEAM] and tab.notice == NOT_FOUND


async def test_without_a_member_loaded_nothing_is_changed(tab, database, rival):
    """The page of another partner's member was refused: its handlers have no member
    to act on (they take none from the browser)."""
    await open_member(tab, rival[0])
    for handler in ("save_changes", "ask_deactivate", "reactivate", "send_invitation_again"):
        await assert_refused(tab, database, TeamMemberState, handler, NOT_FOUND)


@pytest.mark.parametrize(
    ("handler", "payload"),
    [
        ("set_member_role", {"value": permissions.ACCOUNT_ADMIN_ROLE}),
        ("set_member_role", {"value": ""}),
        ("set_member_role", {"value": 3}),
        ("set_customers", {"value": "some"}),
        ("toggle_customer", {"account_id": "NOPE00", "checked": True}),
        ("toggle_customer", {"account_id": ["A"], "checked": True}),
    ],
    ids=repr,
)
async def test_a_member_page_refuses_crafted_values(member, database, handler, payload):
    await assert_refused(member, database, TeamMemberState, handler, UNKNOWN, **payload)


async def test_deactivate_without_the_question_is_refused(member, database):
    await assert_refused(
        member, database, TeamMemberState, "deactivate", t("team_member.not_confirmed")
    )


async def test_the_last_partner_admin_cannot_be_demoted_nor_deactivate_themselves(tab, database):
    await open_member(tab, user_id(database, ANNA))
    rows = database_rows(database)
    await tab.send(TeamMemberState, "set_member_role", value=permissions.PARTNER_ROLE)
    await tab.send(TeamMemberState, "save_changes")
    assert tab.notice == t("team.last_admin")
    await tab.send(TeamMemberState, "ask_deactivate")
    await tab.send(TeamMemberState, "deactivate")
    assert tab.notice == t("team.not_yourself")
    assert database_rows(database) == rows


async def test_a_member_s_customers_role_and_status_change(member, database, customers):
    state = member.state(TeamMemberState)
    await member.send(TeamMemberState, "set_member_role", value=permissions.PARTNER_ADMIN_ROLE)
    await member.send(TeamMemberState, "set_customers", value=team.SELECTED_CUSTOMERS)
    await member.send(TeamMemberState, "toggle_customer", account_id=customers[2], checked=True)
    await member.send(TeamMemberState, "save_changes")
    assert member.notice == "" and state.done.startswith("The changes")
    assert [o.name for o in state.customer_options if o.checked] == ["Charlie BV"]
    assert [row.what for row in state.history] == [
        "Customers changed to 1 customer",
        "Role changed to Partner admin",
    ]
    await member.send(TeamMemberState, "ask_deactivate")
    assert state.deactivate_question == "Deactivate colleague?"
    await member.send(TeamMemberState, "deactivate")
    assert state.status == team.DEACTIVATED_STATUS and state.deactivate_open is False
    await member.send(TeamMemberState, "reactivate")
    assert state.status == team.INVITED_STATUS
    with Session(database) as session:
        user = session.exec(select(AppUser).where(AppUser.email == COLLEAGUE)).one()
        assert (user.role, user.active, user.all_customers) == ("partner_admin", True, False)
