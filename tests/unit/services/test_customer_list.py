"""The Partner dashboard's database work in services/customer_list.py: the list (search,
pages, partner scoping; moved from test_customers.py), counts by status and the
statements a page costs."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from cloudlink_app.domain import wizard_path
from cloudlink_app.services import customer_list
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import (
    AT_PBX,
    ONBOARDED,
    PROBLEM,
    advance,
    save,
)


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


def names(rows: list[customer_list.CustomerListRow]) -> list[str]:
    """The customer names of a list page."""
    return [row.name for row in rows]


# ----- the dashboard's list -----------------------------------------------------------


@pytest.fixture
def listed_customers(database, partner) -> dict[str, str]:
    """Four customers of the demo partner, saved oldest first; name -> account ID."""
    result = {}
    for name, domain in [
        ("Alpha Bakery BV", "alpha.example"),
        ("Bravo 100% Solar", "bravo.example"),
        ("Charlie_Care", "bücher.example"),
        ("Ärzte Zentrum", "aerzte.example"),
    ]:
        result[name] = save(database, partner, valid_form(name, domain)).account_id
    return result


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", ["Ärzte Zentrum", "Charlie_Care", "Bravo 100% Solar", "Alpha Bakery BV"]),
        ("bakery", ["Alpha Bakery BV"]),
        ("  ALPHA  ", ["Alpha Bakery BV"]),
        ("bravo.example", ["Bravo 100% Solar"]),
        ("BRAVO.EX", ["Bravo 100% Solar"]),
        ("bücher", ["Charlie_Care"]),
        ("BÜCHER.example", ["Charlie_Care"]),
        ("xn--bcher-kva", ["Charlie_Care"]),
        ("100%", ["Bravo 100% Solar"]),
        ("%", ["Bravo 100% Solar"]),
        ("_", ["Charlie_Care"]),
        ("zentrum", ["Ärzte Zentrum"]),
        ("nothing like it", []),
    ],
)
def test_list_searches_name_and_domain(session, partner, listed_customers, search, expected):
    rows, total = customer_list.list_customers(session, CustomerScope(partner), search)
    assert names(rows) == expected
    assert total == len(expected)


def test_list_search_ignores_the_case_of_non_ascii_letters(session, partner, listed_customers):
    rows, _ = customer_list.list_customers(session, CustomerScope(partner), "ärzte")
    assert names(rows) == ["Ärzte Zentrum"]


def test_list_searches_the_account_id_in_any_case(session, partner, listed_customers):
    account_id = listed_customers["Bravo 100% Solar"]
    for search in (account_id, account_id.lower(), account_id[:4]):
        rows, _ = customer_list.list_customers(session, CustomerScope(partner), search)
        assert account_id in [row.account_id for row in rows]
    rows, total = customer_list.list_customers(session, CustomerScope(partner), account_id.lower())
    assert (names(rows), total) == (["Bravo 100% Solar"], 1)


def test_list_pages_newest_first(database, partner, session):
    saved = [save(database, partner, valid_form(f"Customer {n}", "")) for n in range(5)]
    pages = [
        customer_list.list_customers(session, CustomerScope(partner), "", page, 2)
        for page in (1, 2, 3, 4)
    ]
    assert [names(rows) for rows, _ in pages] == [
        ["Customer 4", "Customer 3"],
        ["Customer 2", "Customer 1"],
        ["Customer 0"],
        [],
    ]
    assert {total for _, total in pages} == {5}
    rows, _ = customer_list.list_customers(session, CustomerScope(partner), "", 0, 2)
    assert names(rows) == ["Customer 4", "Customer 3"]

    # Saving an older customer brings it to the top.
    save(
        database,
        partner,
        valid_form("Customer 1", ""),
        account_id=saved[1].account_id,
        expected_version=1,
    )
    rows, _ = customer_list.list_customers(session, CustomerScope(partner), "", 1, 2)
    assert names(rows) == ["Customer 1", "Customer 4"]


def test_list_row_carries_the_stored_status(session, partner, database):
    save(database, partner, valid_form("Draft Only"), complete=False)
    save(database, partner, valid_form("Completed", "completed.example"))
    rows, _ = customer_list.list_customers(session, CustomerScope(partner))
    assert {row.name: row.status for row in rows} == {
        "Completed": "next:" + wizard_path.GATEWAY,
        "Draft Only": "next:" + wizard_path.CUSTOMER,
    }


def test_a_partner_lists_only_its_own_customers(database, session, partner, other_partner):
    mine = save(database, partner, valid_form("Mine BV", "mine.example"))
    theirs = save(database, other_partner, valid_form("Theirs BV", "theirs.example"))
    for search in ("", "BV", "theirs", theirs.account_id, "theirs.example"):
        rows, total = customer_list.list_customers(session, CustomerScope(partner), search)
        assert "Theirs BV" not in names(rows)
        assert total == len(rows)
    rows, _ = customer_list.list_customers(session, CustomerScope(other_partner), "")
    assert names(rows) == ["Theirs BV"]
    assert mine.account_id not in [row.account_id for row in rows]


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

    counts = customer_list.status_counts(session, CustomerScope(partner))
    assert (counts.in_progress, counts.problems, counts.onboarded) == (4, 1, 1)
    assert counts.total == 6
    assert customer_list.status_counts(
        session, CustomerScope(other_partner)
    ) == customer_list.StatusCounts(1, 0, 0)


def test_a_partner_without_customers_counts_zero(session, other_partner):
    assert (
        customer_list.status_counts(session, CustomerScope(other_partner))
        == customer_list.StatusCounts()
    )


def test_counting_is_one_statement_on_the_status_index(database, session, partner):
    save(database, partner, valid_form("Alpha", ""), complete=False)
    with statements(database) as sent:
        customer_list.status_counts(session, CustomerScope(partner))
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
        found, counted = customer_list.list_customers(session, CustomerScope(partner), "", page, 2)
    assert (len(found), counted) == (rows, total)
    assert len(selects(sent)) == statements_sent
    assert all("LIMIT" in s.upper() or "count(" in s.lower() for s in selects(sent))


def test_a_selective_search_sends_one_statement(database, session, partner):
    for number in range(30):
        save(database, partner, valid_form(f"Customer {number}", f"c{number}.example"))
    with statements(database) as sent:
        found, total = customer_list.list_customers(session, CustomerScope(partner), "c17.example")
    assert ([row.name for row in found], total) == (["Customer 17"], 1)
    assert len(selects(sent)) == 1


def test_the_list_reads_only_what_a_row_shows(database, session, partner):
    save(database, partner, valid_form("Alpha", ""), complete=False)
    with statements(database) as sent:
        customer_list.list_customers(session, CustomerScope(partner))
    [statement] = selects(sent)
    columns = statement.upper().split(" FROM ")[0]
    assert "STREET_ADDRESS" not in columns and "PBX_ADDRESS" not in columns
