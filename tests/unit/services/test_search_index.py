"""The dashboard search's trigram index on SQLite (models.SQLITE_SEARCH_DDL, the FTS5
table customer_search) finds exactly what the LIKE conditions find: by any part of the
name, the account ID or an email domain, case-insensitively, with its triggers
following every save, rename, domain change and delete."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from cloudlink_app import models
from cloudlink_app.domain import forms
from cloudlink_app.services import customer_list, drafts
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import save

NAMES = [
    ("Ärzte Zentrum Köln", "aerzte-koeln.example"),
    ("MÜLLER Maschinenbau GmbH", "mueller-maschinenbau.example"),
    ("O'Brien & Sons", "obrien.example"),
    ("100% Bakkerij", "honderd.example"),
    ("Snel_Transport", "snel-transport.example"),
    ("ΟΔΟΣ Ταξιδιωτικό", "odos.example"),
    ("Bakkerij Van der Meer", "münchen-bäcker.example"),
    ('Tandarts "De Kies"', "dekies.example"),
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
