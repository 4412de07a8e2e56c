"""The Partner dashboard's database work in services/customers.py: counts by status,
the statements a page costs, and deleting a draft with everything it has."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import permissions, wizard_path
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    ConnectionCheck,
    Customer,
    EmailDomain,
    SupportContact,
)
from cloudlink_app.services import customers, users
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


@contextlib.contextmanager
def statements(engine):
    """The SQL statements sent while the block runs."""
    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


# ----- counts by status ------------------------------------------------------------------


def test_counts_group_the_partners_customers_by_kind_of_status(
    database, session, partner, other_partner
):
    for number in range(3):
        save(database, partner, valid_form(f"Draft {number}", ""), complete=False)
    at_pbx = save(database, partner, valid_form("At PBX", "atpbx.example")).account_id
    assert advance(database, at_pbx, AT_PBX) == "next:pbx"
    problem = save(database, partner, valid_form("Problem", "problem.example")).account_id
    assert advance(database, problem, PROBLEM) == wizard_path.PROBLEM_PBX_UNREACHABLE
    done = save(database, partner, valid_form("Done", "done.example")).account_id
    assert advance(database, done, ONBOARDED) == wizard_path.ONBOARDED
    save(database, other_partner, valid_form("Theirs", "theirs.example"))

    counts = customers.status_counts(session, partner)
    assert (counts.in_progress, counts.problems, counts.onboarded) == (4, 1, 1)
    assert counts.total == 6
    assert customers.status_counts(session, other_partner) == customers.StatusCounts(1, 0, 0)


def test_a_partner_without_customers_counts_zero(session, other_partner):
    assert customers.status_counts(session, other_partner) == customers.StatusCounts()


def test_counting_is_one_statement_on_the_status_index(database, session, partner):
    save(database, partner, valid_form("Alpha", ""), complete=False)
    with statements(database) as sent:
        customers.status_counts(session, partner)
    [(statement, parameters)] = [s for s in sent if s[0].lstrip().upper().startswith("SELECT")]
    assert "GROUP BY" in statement.upper()
    with database.connect() as connection:
        plan = " ".join(
            row[3]
            for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        )
    assert "ix_customer_partner_status" in plan
    assert "SCAN customer" not in plan.replace("COVERING INDEX", "")


# ----- what a page of the list costs -------------------------------------------------------


def selects(sent) -> list[str]:
    return [s for s, _ in sent if s.lstrip().upper().startswith("SELECT")]


@pytest.mark.parametrize(
    ("count", "page", "rows", "total", "statements_sent"),
    [
        (0, 1, 0, 0, 1),  # an empty first page: nothing more to count
        (1, 1, 1, 1, 1),  # a short first page is the whole list
        (5, 3, 1, 5, 1),  # a short later page shows where the list ends
        (4, 1, 2, 4, 2),  # a full page: the rest must be counted
        (4, 2, 2, 4, 2),  # a full last page: so must this one
        (4, 3, 0, 4, 2),  # past the end: only a count says how many there are
    ],
)
def test_the_count_is_only_sent_when_the_page_does_not_show_it(
    database, session, partner, count, page, rows, total, statements_sent
):
    for number in range(count):
        save(database, partner, valid_form(f"Customer {number}", ""), complete=False)
    with statements(database) as sent:
        found, counted = customers.list_customers(session, partner, "", page, 2)
    assert (len(found), counted) == (rows, total)
    assert len(selects(sent)) == statements_sent
    assert all("LIMIT" in s.upper() or "count(" in s.lower() for s in selects(sent))


def test_a_selective_search_sends_one_statement(database, session, partner):
    for number in range(30):
        save(database, partner, valid_form(f"Customer {number}", f"c{number}.example"))
    with statements(database) as sent:
        found, total = customers.list_customers(session, partner, "c17.example")
    assert ([row.name for row in found], total) == (["Customer 17"], 1)
    assert len(selects(sent)) == 1


def test_the_list_reads_only_what_a_row_shows(database, session, partner):
    save(database, partner, valid_form("Alpha", ""), complete=False)
    with statements(database) as sent:
        customers.list_customers(session, partner)
    [statement] = selects(sent)
    columns = statement.upper().split(" FROM ")[0]
    assert "STREET_ADDRESS" not in columns and "PBX_ADDRESS" not in columns


# ----- deleting a draft ------------------------------------------------------------------


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
        assert customers.delete_draft(session, partner, draft) == "Bakkerij Jansen"
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
    customers.delete_draft(session, partner, draft)
    assert not customers.domain_claimed_elsewhere(session, "jansen.example", None)
    save(database, partner, valid_form("Jansen Again", "jansen.example"))


def test_a_deleted_drafts_account_admin_keeps_no_customer(database, partner, draft):
    with Session(database) as session:
        customer_id = session.exec(select(Customer.id).where(Customer.account_id == draft)).one()
    add_user(database, "admin@jansen.example", users.ACCOUNT_ADMIN_ROLE, partner, customer_id)
    session = foreign_keys_on(database)
    with session:
        customers.delete_draft(session, partner, draft)
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
        customers.delete_draft(session, partner, account_id)
        assert rows_of(database, account_id)["customer"] == 0


def test_an_onboarded_customer_is_not_deleted(database, session, partner):
    account_id = save(database, partner, valid_form("Done BV", "done.example")).account_id
    advance(database, account_id, ONBOARDED)
    before = database_rows(database)
    with pytest.raises(customers.NotADraft):
        customers.delete_draft(session, partner, account_id)
    assert database_rows(database) == before


def test_another_partners_draft_is_not_deleted(database, session, other_partner, draft):
    before = database_rows(database)
    with pytest.raises(customers.CustomerNotFound):
        customers.delete_draft(session, other_partner, draft)
    assert database_rows(database) == before


@pytest.mark.parametrize("account_id", ["", "K7M4-Q2XR", "' OR 1=1 --"])
def test_an_unknown_account_id_deletes_nothing(database, session, partner, draft, account_id):
    before = database_rows(database)
    with pytest.raises(customers.CustomerNotFound):
        customers.delete_draft(session, partner, account_id)
    assert database_rows(database) == before


def test_a_draft_onboarded_while_deleting_is_kept_whole(database, partner, draft):
    with Session(database, expire_on_commit=False) as session:
        # This session has read the customer as a draft...
        customers.owned_customer(session, partner, draft)
        # ...when someone else finishes its onboarding.
        advance(database, draft, {**ONBOARDED, "connection_skipped": False})
        before = database_rows(database)
        with pytest.raises(customers.NotADraft):
            customers.delete_draft(session, partner, draft)
    assert database_rows(database) == before


def test_a_draft_deleted_by_someone_else_meanwhile_is_not_found(database, partner, draft):
    with Session(database, expire_on_commit=False) as session:
        customers.owned_customer(session, partner, draft)
        with Session(database) as other:
            customers.delete_draft(other, partner, draft)
        with pytest.raises(customers.CustomerNotFound):
            customers.delete_draft(session, partner, draft)
