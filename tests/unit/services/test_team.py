"""The partner's team in the services (services/team.py, services/owned_customers.py):
what a limited partner user reaches, and what a partner admin may change.

Every refusal changes nothing; a member or customer of another partner is refused
like one that does not exist.
"""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.domain import permissions
from cloudlink_app.domain import team as team_rules
from cloudlink_app.models import AppUser, OutboxMessage, PasswordToken, TeamEvent, UserSession
from cloudlink_app.services import (
    accounts,
    customer_list,
    drafts,
    owned_customers,
    sessions,
    team,
    team_list,
    users,
)
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import add_user, database_rows, make_customer, save

ADMIN = "anna.devries@northwind-telecom.example"


def current(session: Session, email: str) -> users.CurrentUser:
    found = users.find_user(session, email)
    assert found is not None
    return found


@pytest.fixture
def admin(database, session) -> users.CurrentUser:
    """Anna, the demo partner's admin."""
    return current(session, ADMIN)


@pytest.fixture
def three(database, partner) -> list[str]:
    """Three customers of the demo partner (account IDs), A, B and C BV."""
    return [make_customer(database, partner, "", name=f"{n} BV") for n in "ABC"]


def invite(session, admin, email="colleague@northwind.example", **values) -> int:
    fields = {
        "name": "Col League",
        "email": email,
        "role": permissions.PARTNER_ROLE,
        "customers": team_rules.ALL_CUSTOMERS,
        "account_ids": [],
        "lang": "en",
    } | values
    return team.invite(session, admin, **fields)


# ----------------------------------------------------------------- the customers in reach


def test_a_limited_user_reaches_only_their_selected_customers(database, session, admin, three):
    member_id = invite(
        session, admin, customers=team_rules.SELECTED_CUSTOMERS, account_ids=three[:2]
    )
    limited = current(session, "colleague@northwind.example")
    assert limited.scope == CustomerScope(admin.partner_id, member_id)
    rows, total = customer_list.list_customers(session, limited.scope)
    assert sorted(row.name for row in rows) == ["A BV", "B BV"] and total == 2
    assert customer_list.status_counts(session, limited.scope).total == 2
    rows, _ = customer_list.list_customers(session, limited.scope, "c bv")
    assert rows == []
    with pytest.raises(owned_customers.CustomerNotFound):
        owned_customers.owned_customer(session, limited.scope, three[2])
    with pytest.raises(owned_customers.CustomerNotFound):
        drafts.delete_draft(session, limited.scope, three[2])
    # Everyone else still sees all three.
    assert customer_list.status_counts(session, admin.scope).total == 3


def test_a_customer_a_limited_user_creates_joins_their_selection(database, session, admin, three):
    invite(session, admin, customers=team_rules.SELECTED_CUSTOMERS, account_ids=[three[0]])
    limited = current(session, "colleague@northwind.example")
    with Session(database, expire_on_commit=False) as other:
        from cloudlink_app.services import customers

        made = customers.save_customer(
            other,
            scope=limited.scope,
            account_id=None,
            expected_version=None,
            form=valid_form("New Limited BV", "new-limited.example"),
            complete=False,
        )
    rows, _ = customer_list.list_customers(session, limited.scope)
    assert made.account_id in [row.account_id for row in rows]
    assert len(rows) == 2


def test_deleting_a_selected_draft_removes_it_from_the_selection(database, session, admin, three):
    invite(session, admin, customers=team_rules.SELECTED_CUSTOMERS, account_ids=three[:1])
    drafts.delete_draft(session, admin.scope, three[0])
    limited = current(session, "colleague@northwind.example")
    assert customer_list.list_customers(session, limited.scope) == ([], 0)


# ------------------------------------------------------------------------------ inviting


def test_an_invitation_makes_an_invited_member_with_a_mailed_link(database, session, admin):
    member_id = invite(session, admin, role=permissions.PARTNER_ADMIN_ROLE, lang="nl")
    user = session.get(AppUser, member_id)
    assert user is not None
    assert (user.role, user.active, user.password_hash, user.partner_id) == (
        permissions.PARTNER_ADMIN_ROLE,
        True,
        "",
        admin.partner_id,
    )
    (mail,) = session.exec(select(OutboxMessage)).all()
    assert mail.to_address == "colleague@northwind.example"
    assert (
        "Anna de Vries" in mail.body_text and "uitgenodigd" in mail.body_text
    )  # Dutch: the admin's
    link = session.get(PasswordToken, mail.password_token_id)
    assert link is not None and link.used_at is None
    assert link.expires_at - link.created_at == datetime.timedelta(days=7)
    shown = team_list.member(session, admin, member_id)
    assert shown.row.status == team_rules.INVITED_STATUS
    assert [(e.actor, e.action) for e in shown.history] == [("Anna de Vries", team_rules.INVITED)]


@pytest.mark.parametrize("email", ["ANNA.DEVRIES@northwind-telecom.example", "rival@rival.example"])
def test_an_address_that_is_a_user_already_is_refused(
    database, session, admin, other_partner, email
):
    add_user(database, "rival@rival.example", permissions.PARTNER_ROLE, other_partner)
    before = database_rows(database)
    with pytest.raises(team.TeamError) as refused:
        invite(session, admin, email=email)
    assert refused.value.key == team.ADDRESS_TAKEN
    assert database_rows(database) == before


@pytest.mark.parametrize(
    "values",
    [
        {"name": ""},
        {"name": None},
        {"email": "not an address"},
        {"email": ["x@y.example"]},
        {"role": permissions.ACCOUNT_ADMIN_ROLE},
        {"role": "owner"},
        {"customers": "some"},
        {"customers": team_rules.SELECTED_CUSTOMERS, "account_ids": "ABCD-EFGH"},
        {"customers": team_rules.SELECTED_CUSTOMERS, "account_ids": [1, 2]},
        {
            "customers": team_rules.SELECTED_CUSTOMERS,
            "account_ids": [f"X{n}" for n in range(team_rules.SELECTION_MAX + 1)],
        },
    ],
)
def test_crafted_invitations_are_refused(database, session, admin, values):
    before = database_rows(database)
    with pytest.raises(team.TeamError):
        invite(session, admin, **values)
    assert database_rows(database) == before


def test_another_partners_customers_cannot_be_selected(database, session, admin, other_partner):
    theirs = save(database, other_partner, valid_form("Rival Customer BV", "rival-c.example"))
    before = database_rows(database)
    with pytest.raises(team.TeamError) as refused:
        invite(
            session,
            admin,
            customers=team_rules.SELECTED_CUSTOMERS,
            account_ids=[theirs.account_id],
        )
    assert refused.value.key == team.UNKNOWN_CUSTOMERS
    assert database_rows(database) == before


def test_only_partner_admins_manage_the_team(database, session, admin):
    invite(session, admin)
    colleague = current(session, "colleague@northwind.example")
    before = database_rows(database)
    with pytest.raises(team.TeamError) as refused:
        invite(session, colleague, email="third@northwind.example")
    assert refused.value.key == team.NOT_ALLOWED
    with pytest.raises(team.TeamError):
        team.deactivate(session, colleague, admin.id)
    with pytest.raises(team.TeamError):
        team_list.team_page(session, colleague)
    assert database_rows(database) == before


# ------------------------------------------------------------------------------ changing


def test_the_last_active_partner_admin_stays_one(database, session, admin):
    before = database_rows(database)
    with pytest.raises(team.TeamError) as refused:
        team.change_access(
            session,
            admin,
            admin.id,
            role=permissions.PARTNER_ROLE,
            customers=team_rules.ALL_CUSTOMERS,
            account_ids=[],
        )
    assert refused.value.key == team.LAST_ADMIN
    assert database_rows(database) == before
    # With a second admin, the first may step down.
    second = invite(session, admin, role=permissions.PARTNER_ADMIN_ROLE)
    team.change_access(
        session,
        admin,
        admin.id,
        role=permissions.PARTNER_ROLE,
        customers=team_rules.ALL_CUSTOMERS,
        account_ids=[],
    )
    assert session.get(AppUser, admin.id).role == permissions.PARTNER_ROLE
    # ... and then the second is the last one.
    second_admin = current(session, "colleague@northwind.example")
    with pytest.raises(team.TeamError) as refused:
        team.change_access(
            session,
            second_admin,
            second,
            role=permissions.PARTNER_ROLE,
            customers=team_rules.ALL_CUSTOMERS,
            account_ids=[],
        )
    assert refused.value.key == team.LAST_ADMIN


def test_changing_role_and_customers_is_recorded(database, session, admin, three):
    member_id = invite(session, admin)
    team.change_access(
        session,
        admin,
        member_id,
        role=permissions.PARTNER_ADMIN_ROLE,
        customers=team_rules.SELECTED_CUSTOMERS,
        account_ids=three[1:],
    )
    shown = team_list.member(session, admin, member_id)
    assert shown.row.role == permissions.PARTNER_ADMIN_ROLE
    assert (shown.row.all_customers, shown.row.selected) == (False, 2)
    assert sorted(shown.account_ids) == sorted(three[1:])
    assert [(e.action, e.detail) for e in shown.history][:2] == [
        (team_rules.CUSTOMERS_CHANGED, "2"),
        (team_rules.ROLE_CHANGED, permissions.PARTNER_ADMIN_ROLE),
    ]


def test_deactivating_ends_sessions_and_spends_links(database, session, admin):
    member_id = invite(session, admin)
    token = sessions.create_session(session, member_id)
    assert sessions.user_for_token(session, token) is not None
    team.deactivate(session, admin, member_id)
    assert sessions.user_for_token(session, token) is None
    assert (
        session.exec(
            select(PasswordToken).where(
                PasswordToken.user_id == member_id, PasswordToken.used_at.is_(None)
            )
        ).all()
        == []
    )
    shown = team_list.member(session, admin, member_id)
    assert shown.row.status == team_rules.DEACTIVATED_STATUS
    with pytest.raises(team.TeamError) as refused:
        team.send_again(session, admin, member_id, "en")
    assert refused.value.key == team.NOT_INVITED
    team.reactivate(session, admin, member_id)
    assert team_list.member(session, admin, member_id).row.status == team_rules.INVITED_STATUS
    assert [e.action for e in team_list.member(session, admin, member_id).history][:2] == [
        team_rules.REACTIVATED,
        team_rules.DEACTIVATED,
    ]


def test_nobody_deactivates_themselves_or_the_last_admin(database, session, admin):
    with pytest.raises(team.TeamError) as refused:
        team.deactivate(session, admin, admin.id)
    assert refused.value.key == team.NOT_YOURSELF
    second = invite(session, admin, role=permissions.PARTNER_ADMIN_ROLE)
    other = current(session, "colleague@northwind.example")
    # Two admins deactivating each other, one after the other (as the database orders
    # two at the same moment): the second finds the last active admin.
    team.deactivate(session, admin, second)
    before = database_rows(database)
    with pytest.raises(team.TeamError) as refused:
        team.deactivate(session, other, admin.id)
    assert refused.value.key == team.LAST_ADMIN
    assert database_rows(database) == before


def test_members_of_another_partner_are_not_found(database, session, admin, other_partner):
    add_user(database, "rival@rival.example", permissions.PARTNER_ADMIN_ROLE, other_partner)
    rival = session.exec(select(AppUser).where(AppUser.email == "rival@rival.example")).one()
    before = database_rows(database)
    for change in (
        lambda: team_list.member(session, admin, rival.id),
        lambda: team.deactivate(session, admin, rival.id),
        lambda: team.reactivate(session, admin, rival.id),
        lambda: team.send_again(session, admin, rival.id, "en"),
        lambda: team.change_access(
            session,
            admin,
            rival.id,
            role=permissions.PARTNER_ROLE,
            customers=team_rules.ALL_CUSTOMERS,
            account_ids=[],
        ),
        lambda: team.deactivate(session, admin, "1"),
        lambda: team.deactivate(session, admin, True),
    ):
        with pytest.raises(team.TeamError) as refused:
            change()
        assert refused.value.key == team.NOT_FOUND
    assert database_rows(database) == before
    rows, total = team_list.team_page(session, admin)
    assert [row.email for row in rows] == [ADMIN] and total == 1


def test_an_invitation_is_sent_again_after_a_minute(database, session, admin):
    member_id = invite(session, admin)
    with pytest.raises(team.TeamError) as refused:
        team.send_again(session, admin, member_id, "en")
    assert refused.value.key == team.TOO_SOON
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
    assert team.send_again(session, admin, member_id, "en", now=later) == (
        "colleague@northwind.example"
    )
    links = session.exec(select(PasswordToken).where(PasswordToken.user_id == member_id)).all()
    assert [link.used_at is None for link in links] == [False, True]


def test_the_team_page_searches_and_pages(database, session, admin):
    for n in range(30):
        invite(session, admin, email=f"tech{n:02}@northwind.example", name=f"Tech {n:02}")
    rows, total = team_list.team_page(session, admin, "", 2)
    assert total == 31 and len(rows) == 6
    rows, total = team_list.team_page(session, admin, "TECH1")
    assert total == 10 and rows[0].name == "Tech 10"
    session.add(UserSession(token_hash="x" * 64, user_id=admin.id, expires_at=sa.func.now()))
    session.execute(sa.update(AppUser).where(AppUser.id == admin.id).values(password_hash="h"))
    session.commit()
    (anna,), _ = team_list.team_page(session, admin, "anna")
    assert anna.last_signed_in is not None and anna.status == team_rules.ACTIVE_STATUS


# ------------------------------------------------------------------- the accounts tool


def test_a_partners_first_user_is_its_partner_admin(database, session):
    with settings.override(deploy_url="https://onboarding.example.com"):
        _add_fabrikam_users(session)


def _add_fabrikam_users(session):
    partner_id = accounts.create_partner(session, "Fabrikam Voice")
    accounts.add_partner_user(session, "first@fabrikam.example", "First", partner_id)
    accounts.add_partner_user(session, "second@fabrikam.example", "Second", partner_id)
    accounts.add_partner_user(
        session, "third@fabrikam.example", "Third", partner_id, role="partner_admin"
    )
    roles = {
        user.email: user.role
        for user in session.exec(select(AppUser).where(AppUser.partner_id == partner_id))
    }
    assert roles == {
        "first@fabrikam.example": permissions.PARTNER_ADMIN_ROLE,
        "second@fabrikam.example": permissions.PARTNER_ROLE,
        "third@fabrikam.example": permissions.PARTNER_ADMIN_ROLE,
    }
    with pytest.raises(accounts.AccountError):
        accounts.add_partner_user(
            session, "fourth@fabrikam.example", "Fourth", partner_id, role="account_admin"
        )


def test_team_events_are_kept_per_partner(database, session, admin, other_partner):
    invite(session, admin)
    assert {event.partner_id for event in session.exec(select(TeamEvent))} == {admin.partner_id}


# ------------------------------------------------------------------ the demo Outbox page


def test_a_partner_admin_s_outbox_shows_their_team_s_invitations_only(
    database, session, admin, demo_users, other_partner
):
    """The demo Outbox shows Anna the invitation she sent (the colleague cannot sign in
    to see it yet); not Jeroen (a partner user), and not another partner's admin."""
    from cloudlink_app.services import outbox_list

    invite(session, admin)
    add_user(database, "rival@rival.example", permissions.PARTNER_ADMIN_ROLE, other_partner)
    rival = current(session, "rival@rival.example")
    invite(session, rival, email="theirs@rival.example")

    def shown(email: str) -> list[str]:
        return [m.to for m in outbox_list.messages_for(session, current(session, email))]

    assert shown(ADMIN) == ["colleague@northwind.example"]
    assert shown("jeroen.bakker@northwind-telecom.example") == []
    assert shown("rival@rival.example") == ["theirs@rival.example"]
