"""Deleting a draft (services/drafts.py) with everything it has, and only a draft of
the caller's partner; moved from test_customer_list.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import permissions
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    ConnectionCheck,
    Customer,
    EmailDomain,
    SupportContact,
)
from cloudlink_app.services import domain_claims, drafts, owned_customers, users
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import (
    AT_PBX,
    ONBOARDED,
    PROBLEM,
    add_user,
    advance,
    database_rows,
    save,
)


def add_check(engine, account_id: str) -> None:
    """A connection check of the demo partner user, in the audit trail."""
    with Session(engine) as session:
        customer_id = session.exec(
            select(Customer.id).where(Customer.account_id == account_id)
        ).one()
        user_id = session.exec(
            select(AppUser.id).where(AppUser.email == demo_accounts.DEMO_PARTNER_EMAIL)
        ).one()
        session.add(
            ConnectionCheck(
                user_id=user_id,
                customer_id=customer_id,
                account_id=account_id,
                target="pbx.example:3999",
                result="timed_out",
            )
        )
        session.commit()


def rows_of(engine, account_id: str) -> dict[str, int]:
    """How many rows of each table belong to the customer (0 when it is gone)."""
    with Session(engine) as session:
        customer_id = session.exec(
            select(Customer.id).where(Customer.account_id == account_id)
        ).first()
        result = {"customer": int(customer_id is not None)}
        for model in (EmailDomain, AdminContact, SupportContact):
            result[model.__tablename__] = session.execute(
                sa.select(sa.func.count())
                .select_from(model)
                .where(model.customer_id == customer_id)
            ).scalar_one()
        # A connection check names its account: it outlives the customer.
        result["connection_check"] = session.execute(
            sa.select(sa.func.count())
            .select_from(ConnectionCheck)
            .where(ConnectionCheck.account_id == account_id)
        ).scalar_one()
        return result


@pytest.fixture
def draft(database, partner) -> str:
    """A draft of the demo partner that got to the Connect step and ran a check."""
    account_id = save(database, partner, valid_form("Bakkerij Jansen", "jansen.example")).account_id
    advance(database, account_id, PROBLEM)
    add_check(database, account_id)
    return account_id


def foreign_keys_on(engine) -> Session:
    """A session whose SQLite connection enforces foreign keys, as PostgreSQL does."""
    connection = engine.connect()
    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    connection.commit()  # the session's commit must be the real one
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    connection.commit()
    return Session(bind=connection)


def test_deleting_a_draft_deletes_it_and_all_it_has(database, partner, draft):
    other = save(database, partner, valid_form("Keep Me BV", "keep.example")).account_id
    kept_before = rows_of(database, other)
    assert rows_of(database, draft) == {
        "customer": 1,
        "email_domain": 1,
        "admin_contact": 1,
        "support_contact": 2,
        "connection_check": 1,
    }
    session = foreign_keys_on(database)
    with session:
        assert drafts.delete_draft(session, CustomerScope(partner), draft) == "Bakkerij Jansen"
    session.bind.close()
    assert rows_of(database, draft) == {
        "customer": 0,
        "email_domain": 0,
        "admin_contact": 0,
        "support_contact": 0,
        "connection_check": 1,  # the audit trail is kept
    }
    assert rows_of(database, other) == kept_before


def test_a_deleted_drafts_domain_can_be_claimed_again(database, session, partner, draft):
    drafts.delete_draft(session, CustomerScope(partner), draft)
    assert not domain_claims.domain_claimed_elsewhere(session, "jansen.example", None)
    save(database, partner, valid_form("Jansen Again", "jansen.example"))


def test_a_deleted_drafts_account_admin_keeps_no_customer(database, partner, draft):
    with Session(database) as session:
        customer_id = session.exec(select(Customer.id).where(Customer.account_id == draft)).one()
    add_user(database, "admin@jansen.example", users.ACCOUNT_ADMIN_ROLE, partner, customer_id)
    session = foreign_keys_on(database)
    with session:
        drafts.delete_draft(session, CustomerScope(partner), draft)
    session.bind.close()
    with Session(database) as session:
        admin = users.find_user(session, "admin@jansen.example")
    assert admin is not None and admin.customer_id is None
    assert not admin.may(permissions.EDIT_CUSTOMER, partner, customer_id)


def test_a_draft_at_any_step_can_be_deleted(database, session, partner):
    for values in ({}, AT_PBX):
        account_id = save(database, partner, valid_form("Draft", ""), complete=False).account_id
        if values:
            advance(database, account_id, values)
        drafts.delete_draft(session, CustomerScope(partner), account_id)
        assert rows_of(database, account_id)["customer"] == 0


def test_an_onboarded_customer_is_not_deleted(database, session, partner):
    account_id = save(database, partner, valid_form("Done BV", "done.example")).account_id
    advance(database, account_id, ONBOARDED)
    before = database_rows(database)
    with pytest.raises(drafts.NotADraft):
        drafts.delete_draft(session, CustomerScope(partner), account_id)
    assert database_rows(database) == before


def test_another_partners_draft_is_not_deleted(database, session, other_partner, draft):
    before = database_rows(database)
    with pytest.raises(owned_customers.CustomerNotFound):
        drafts.delete_draft(session, CustomerScope(other_partner), draft)
    assert database_rows(database) == before


@pytest.mark.parametrize("account_id", ["", "K7M4-Q2XR", "' OR 1=1 --"])
def test_an_unknown_account_id_deletes_nothing(database, session, partner, draft, account_id):
    before = database_rows(database)
    with pytest.raises(owned_customers.CustomerNotFound):
        drafts.delete_draft(session, CustomerScope(partner), account_id)
    assert database_rows(database) == before


def test_a_draft_onboarded_while_deleting_is_kept_whole(database, partner, draft):
    with Session(database, expire_on_commit=False) as session:
        # This session has read the customer as a draft...
        owned_customers.owned_customer(session, CustomerScope(partner), draft)
        # ...when someone else finishes its onboarding.
        advance(database, draft, {**ONBOARDED, "connection_skipped": False})
        before = database_rows(database)
        with pytest.raises(drafts.NotADraft):
            drafts.delete_draft(session, CustomerScope(partner), draft)
    assert database_rows(database) == before


def test_a_draft_deleted_by_someone_else_meanwhile_is_not_found(database, partner, draft):
    with Session(database, expire_on_commit=False) as session:
        owned_customers.owned_customer(session, CustomerScope(partner), draft)
        with Session(database) as other:
            drafts.delete_draft(other, CustomerScope(partner), draft)
        with pytest.raises(owned_customers.CustomerNotFound):
            drafts.delete_draft(session, CustomerScope(partner), draft)
