"""The dashboard search's index on SQLite (models/search.py: the search entries and the
FTS5 table customer_search over them) finds exactly what the LIKE conditions find: by
any part of the name, the account ID or an email domain, case-insensitively, with its
triggers following every save, rename, domain change, move and delete; the page is in
the customers' order (last saved first) and the count is theirs."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import sqlite3

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from alembic import command
from cloudlink_app import models
from cloudlink_app.domain import forms
from cloudlink_app.services import customer_list, drafts
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import add_limited_user, customer_ids_named, save
from tests.support.postgres import alembic_config

NAMES = [
    ("Ärzte Zentrum Köln", "aerzte-koeln.example"),
    ("MÜLLER Maschinenbau GmbH", "mueller-maschinenbau.example"),
    ("O'Brien & Sons", "obrien.example"),
    ("100% Bakkerij", "honderd.example"),
    ("Snel_Transport", "snel-transport.example"),
    ("ΟΔΟΣ Ταξιδιωτικό", "odos.example"),
    ("Bakkerij Van der Meer", "münchen-bäcker.example"),
    ('Tandarts "De Kies"', "dekies.example"),
    ("Straßenbau Groß", "strassenbau.example"),
    ("İstanbul Kebap", "istanbul.example"),
]
TERMS = [
    "bakkerij",
    "BAKKERIJ",
    "ärzte",
    "ÄRZTE",
    "müller",
    "o'brien",
    "100%",
    "0% b",
    "l_t",
    "snel_",
    "οδος",
    "ταξ",
    '"de kies"',
    "xn--",
    "münchen",
    "bäcker.ex",
    ".example",
    "nothing like it",
    "mei",
    "-",
    # Python's final sigma: "ΟΔΟΣ" is "οδος"; a medial sigma does not find it (the FTS5
    # index folds both alike: only the LIKE on the entry decides).
    "οδοσ",
    "οδος ",
    "ß",
    "straß",
    "strass",
    "i̇stanbul",
    "istanbul",
    # Across two values of the document (name and account ID, two domains): no match.
    "meer\n",
    "example\nobrien",
    "example\nxn--",
    "example münchen",
    "ex",
    "é",
]


def everything_of(engine, partner: int) -> list[tuple[str, str, list[str]]]:
    """(name, account ID, domains as typed and normalised) of each customer."""
    with Session(engine) as session:
        rows = session.exec(
            sa.select(models.Customer.id, models.Customer.name, models.Customer.account_id).where(
                models.Customer.partner_id == partner
            )
        ).all()
        result = []
        for customer_id, name, account_id in rows:
            domains = session.exec(
                sa.select(models.EmailDomain.domain, models.EmailDomain.normalized).where(
                    models.EmailDomain.customer_id == customer_id
                )
            ).all()
            values = [d for pair in domains for d in pair if d]
            result.append((name, account_id, values))
    return result


def expected(engine, partner: int, term: str) -> set[str]:
    """What the LIKE conditions find: the lowered term in a lowered value."""
    wanted = term.strip().lower()
    return {
        name
        for name, account_id, domains in everything_of(engine, partner)
        if any(wanted in value.lower() for value in [name, account_id, *domains])
    }


def found(session: Session, partner: int, term: str) -> tuple[set[str], int]:
    rows, total = customer_list.list_customers(session, CustomerScope(partner), term, page_size=100)
    return {row.name for row in rows}, total


@pytest.fixture
def stocked(database, partner):
    for name, domain in NAMES:
        save(database, partner, valid_form(name, domain))
    return database


def test_the_search_table_is_there_and_used(stocked, session, partner):
    plan = session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN SELECT rowid FROM customer_search WHERE customer_search MATCH ?",
        ('"bakkerij"',),
    )
    assert "VIRTUAL TABLE INDEX" in " ".join(str(row) for row in plan)
    indexed = session.connection().exec_driver_sql("SELECT count(*) FROM customer_search")
    assert indexed.scalar() == len(NAMES)


@pytest.mark.parametrize("term", TERMS)
def test_every_term_finds_what_like_finds(stocked, session, partner, term):
    names, total = found(session, partner, term)
    assert names == expected(stocked, partner, term)
    assert total == len(names)


def test_an_account_id_is_found_by_any_part(stocked, session, partner):
    for _name, account_id, _domains in everything_of(stocked, partner):
        for term in (account_id, account_id.lower(), account_id[2:7]):
            names, _total = found(session, partner, term)
            assert names == expected(stocked, partner, term)
            assert names


def test_the_index_follows_renames_domain_changes_and_deletes(database, session, partner):
    record = save(database, partner, valid_form("Kapsalon Knip", "knip.example"))
    assert found(session, partner, "knip")[0] == {"Kapsalon Knip"}
    renamed = dataclasses.replace(
        valid_form("Haarstudio Föhn", "foehn.example"),
        email_domains=[forms.DomainRow(1, "foehn.example"), forms.DomainRow(9, "föhn.example")],
    )
    save(
        database,
        partner,
        renamed,
        account_id=record.account_id,
        expected_version=record.version,
    )
    assert found(session, partner, "knip")[0] == set()
    assert found(session, partner, "haarstudio")[0] == {"Haarstudio Föhn"}
    assert found(session, partner, "föhn.ex")[0] == {"Haarstudio Föhn"}
    assert found(session, partner, "xn--fhn")[0] == {"Haarstudio Föhn"}
    with database.begin() as connection:
        connection.execute(sa.text("DELETE FROM email_domain WHERE domain = 'föhn.example'"))
    assert found(session, partner, "föhn.ex")[0] == set()
    assert found(session, partner, "foehn.ex")[0] == {"Haarstudio Föhn"}
    drafts.delete_draft(session, CustomerScope(partner), record.account_id)
    assert found(session, partner, "haarstudio")[0] == set()
    count = session.connection().exec_driver_sql("SELECT count(*) FROM customer_search")
    assert count.scalar() == 0


def test_another_partners_customers_stay_out(database, session, partner):
    from tests.support.database import add_partner

    other = add_partner(database, "Southwind Telecom")
    save(database, other, valid_form("Bakkerij Elders", "elders.example"))
    save(database, partner, valid_form("Bakkerij Hier", "hier.example"))
    assert found(session, partner, "bakkerij") == ({"Bakkerij Hier"}, 1)


def _reference_page(engine, partner: int, term: str, page: int, size: int) -> tuple[list[str], int]:
    """The page as the LIKE conditions on the customers find and sort it: last saved
    first, then the newest id."""
    with Session(engine) as session:
        rows = session.exec(
            sa.select(models.Customer.id, models.Customer.name, models.Customer.updated_at).where(
                models.Customer.partner_id == partner
            )
        ).all()
    matching = {name for name, _a, _d in everything_of(engine, partner)} & expected(
        engine, partner, term
    )
    ordered = [
        name
        for _id, name, _at in sorted(rows, key=lambda r: (r[2], r[0]), reverse=True)
        if name in matching
    ]
    return ordered[(page - 1) * size : page * size], len(ordered)


def _page(session, scope: CustomerScope, term: str, page: int, size: int):
    rows, total = customer_list.list_customers(session, scope, term, page, size)
    return [row.name for row in rows], total


@pytest.mark.parametrize("term", ["bakkerij", "example", ".ex", "e", "nothing like it"])
def test_pages_come_in_the_customers_order_with_their_count(stocked, session, partner, term):
    for page in (1, 2, 3, 4):
        assert _page(session, CustomerScope(partner), term, page, 3) == _reference_page(
            stocked, partner, term, page, 3
        ), page


def test_the_entries_follow_each_save_and_its_time(database, session, partner):
    first = save(database, partner, valid_form("Bakkerij Een", "een.example"))
    save(database, partner, valid_form("Bakkerij Twee", "twee.example"))
    save(database, partner, valid_form("Bakkerij Drie", "drie.example"))
    assert _page(session, CustomerScope(partner), "bakkerij", 1, 25)[0] == [
        "Bakkerij Drie",
        "Bakkerij Twee",
        "Bakkerij Een",
    ]
    # Saved again: last saved first, by the entry's time as by the customer's.
    save(
        database,
        partner,
        valid_form("Bakkerij Een", "een.example"),
        account_id=first.account_id,
        expected_version=first.version,
    )
    assert _page(session, CustomerScope(partner), "bakkerij", 1, 2) == (
        ["Bakkerij Een", "Bakkerij Drie"],
        3,
    )
    with Session(database) as other:
        other.exec(
            sa.update(models.Customer)
            .where(models.Customer.account_id == first.account_id)
            .values(updated_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        )
        other.commit()
    assert _page(session, CustomerScope(partner), "bakkerij", 1, 25) == (
        ["Bakkerij Drie", "Bakkerij Twee", "Bakkerij Een"],
        3,
    )
    for term in ("bakkerij", "een", "e"):
        assert _page(session, CustomerScope(partner), term, 1, 25) == _reference_page(
            database, partner, term, 1, 25
        )


def test_a_customer_moved_to_another_partner_is_found_there_only(
    database, session, partner, other_partner
):
    moved = save(database, partner, valid_form("Bakkerij Verhuisd", "verhuisd.example"))
    save(database, partner, valid_form("Bakkerij Blijft", "blijft.example"))
    with Session(database) as other:
        other.exec(
            sa.update(models.Customer)
            .where(models.Customer.account_id == moved.account_id)
            .values(partner_id=other_partner)
        )
        other.commit()
    assert _page(session, CustomerScope(partner), "bakkerij", 1, 25) == (["Bakkerij Blijft"], 1)
    assert _page(session, CustomerScope(other_partner), "verhuisd", 1, 25) == (
        ["Bakkerij Verhuisd"],
        1,
    )


def test_a_limited_user_finds_only_their_selection(stocked, session, partner):
    selected = {"Bakkerij Van der Meer", "Snel_Transport", "ΟΔΟΣ Ταξιδιωτικό"}
    scope = add_limited_user(stocked, partner, customer_ids_named(stocked, selected))
    for term in TERMS:
        names, total = _page(session, scope, term, 1, 100)
        assert set(names) == expected(stocked, partner, term) & selected, term
        assert total == len(names)


def test_an_entry_written_without_the_apps_lower_is_still_found(stocked, session, partner):
    # A connection without services/database.py's Unicode lower() (the sqlite3 shell, a
    # script): the triggers lower ASCII only, the search lowers the document again.
    path = stocked.url.database
    with contextlib.closing(sqlite3.connect(path)) as raw:
        raw.execute(
            "UPDATE customer SET name = 'ÄRZTE Zentrum Bonn' WHERE name = 'Ärzte Zentrum Köln'"
        )
        raw.commit()
        stored = raw.execute(
            "SELECT document FROM customer_search_entry WHERE document LIKE '%zentrum bonn%'"
        ).fetchone()
    assert stored[0].startswith("Ärzte zentrum bonn")  # Ä left as it was
    assert found(session, partner, "ärzte zentrum") == ({"ÄRZTE Zentrum Bonn"}, 1)


def test_the_sqlite_migration_fills_the_entries_and_its_step_down_the_old_index(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    config = alembic_config(url)
    command.upgrade(config, "c3d9e2f1a0b7")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO partner (id, name) VALUES (1, 'Northwind')")
        for number, (name, domain) in enumerate(NAMES, start=1):
            connection.execute(
                sa.text(
                    "INSERT INTO customer (id, account_id, partner_id, name, country, "
                    "street_address, address_line2, city, state_province, postal_code, "
                    "business_type, default_language, completed_steps, onboarded, status, "
                    "created_at, updated_at, version) VALUES (:id, :account, 1, :name, 'NL', "
                    "'', '', '', '', '', '', '', '', 0, 'next:customer', :at, :at, 1)"
                ),
                {
                    "id": number,
                    "account": f"ACCT-{number:04d}",
                    "name": name,
                    "at": datetime.datetime(2026, 12, 1, number, tzinfo=datetime.UTC),
                },
            )
            connection.execute(
                sa.text(
                    "INSERT INTO email_domain (customer_id, position, domain, normalized) "
                    "VALUES (:id, 0, :domain, NULL)"
                ),
                {"id": number, "domain": domain},
            )
    command.upgrade(config, "head")
    with Session(engine) as session:
        for term in TERMS:
            names, total = found(session, 1, term)
            assert names == expected(engine, 1, term), term
            assert total == len(names)
        assert _page(session, CustomerScope(1), "example", 1, 2)[0] == [
            NAMES[-1][0],
            NAMES[-2][0],
        ]
    command.downgrade(config, "c3d9e2f1a0b7")
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        assert "customer_search_entry" not in tables
        rows = connection.exec_driver_sql(
            "SELECT rowid FROM customer_search WHERE customer_search MATCH '\"bakkerij\"' "
            "ORDER BY rowid"
        ).all()
        assert [row[0] for row in rows] == [4, 7]  # "100% Bakkerij", "Bakkerij Van der Meer"
    engine.dispose()
