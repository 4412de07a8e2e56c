"""The dashboard search on PostgreSQL (models/search.py: the search entries, their
trigram GIN index and triggers) finds what the LIKE conditions on the customers find,
term by term, in their order (last saved first) and with their count; the triggers
follow saves, renames, domain changes, moves and deletes; a limited user finds only
their selection; the planner uses the trigram index."""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from cloudlink_app.models import Customer, Partner
from cloudlink_app.services import customer_list, drafts
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import add_limited_user, customer_ids_named, save
from tests.unit.services.test_search_index import NAMES, TERMS

# Today's conditions, on the customers themselves (services/customer_list.py before the
# search entries): what the search must keep finding, in the dashboard's order.
REFERENCE = sa.text(
    "SELECT c.name FROM customer AS c WHERE c.partner_id = :partner AND ("
    "lower(c.name) LIKE :like ESCAPE '\\' OR lower(c.account_id) LIKE :like ESCAPE '\\' "
    "OR EXISTS (SELECT 1 FROM email_domain AS d WHERE d.customer_id = c.id AND "
    "(lower(d.domain) LIKE :like ESCAPE '\\' OR d.normalized LIKE :like ESCAPE '\\'))) "
    "ORDER BY c.updated_at DESC, c.id DESC"
)


def reference(engine, partner: int, term: str) -> list[str]:
    wanted = term.strip().lower()
    like = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with engine.connect() as connection:
        return [
            name for (name,) in connection.execute(REFERENCE, {"partner": partner, "like": like})
        ]


def page(engine, scope: CustomerScope, term: str, number: int = 1, size: int = 100):
    with Session(engine) as session:
        rows, total = customer_list.list_customers(session, scope, term, number, size)
    return [row.name for row in rows], total


@pytest.fixture
def stocked(postgres, partner):
    for name, domain in NAMES:
        save(postgres, partner, valid_form(name, domain))
    with Session(postgres) as session:
        rival = Partner(name="Rival Telecom")
        session.add(rival)
        session.commit()
        rival_id = rival.id
    save(postgres, rival_id, valid_form("Bakkerij Elders", "elders.example"))
    return postgres


def test_every_term_finds_what_like_finds_in_its_order(stocked, partner):
    for term in TERMS:
        wanted = reference(stocked, partner, term)
        assert page(stocked, CustomerScope(partner), term) == (wanted, len(wanted)), term
        for number in (1, 2, 3):
            assert page(stocked, CustomerScope(partner), term, number, 2) == (
                wanted[(number - 1) * 2 : number * 2],
                len(wanted),
            ), (term, number)


def test_the_entries_follow_saves_times_moves_and_deletes(postgres, partner):
    with Session(postgres) as session:
        rival = Partner(name="Rival Telecom")
        session.add(rival)
        session.commit()
        rival_id = rival.id
    first = save(postgres, partner, valid_form("Kapsalon Knip", "knip.example"))
    save(postgres, partner, valid_form("Kapsalon Kam", "kam.example"))
    assert page(postgres, CustomerScope(partner), "kapsalon") == (
        ["Kapsalon Kam", "Kapsalon Knip"],
        2,
    )
    renamed = save(
        postgres,
        partner,
        valid_form("Kapsalon Föhn", "föhn.example"),
        account_id=first.account_id,
        expected_version=first.version,
    )
    assert page(postgres, CustomerScope(partner), "kapsalon") == (
        ["Kapsalon Föhn", "Kapsalon Kam"],
        2,
    )
    assert page(postgres, CustomerScope(partner), "knip") == ([], 0)
    assert page(postgres, CustomerScope(partner), "xn--fhn") == (["Kapsalon Föhn"], 1)
    assert page(postgres, CustomerScope(partner), "kam.ex") == (["Kapsalon Kam"], 1)
    with postgres.begin() as connection:
        connection.execute(sa.text("DELETE FROM email_domain WHERE domain = 'kam.example'"))
    assert page(postgres, CustomerScope(partner), "kam.ex") == ([], 0)
    with Session(postgres) as session:
        session.exec(
            sa.update(Customer)
            .where(Customer.account_id == renamed.account_id)
            .values(updated_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        )
        session.commit()
    assert page(postgres, CustomerScope(partner), "kapsalon") == (
        ["Kapsalon Kam", "Kapsalon Föhn"],
        2,
    )
    with Session(postgres) as session:
        session.exec(
            sa.update(Customer)
            .where(Customer.account_id == renamed.account_id)
            .values(partner_id=rival_id)
        )
        session.commit()
    assert page(postgres, CustomerScope(partner), "kapsalon") == (["Kapsalon Kam"], 1)
    assert page(postgres, CustomerScope(rival_id), "kapsalon") == (["Kapsalon Föhn"], 1)
    with Session(postgres) as session:
        drafts.delete_draft(session, CustomerScope(rival_id), renamed.account_id)
    assert page(postgres, CustomerScope(rival_id), "kapsalon") == ([], 0)
    with postgres.connect() as connection:
        assert (
            connection.execute(sa.text("SELECT count(*) FROM customer_search_entry")).scalar() == 1
        )


def test_a_limited_user_finds_only_their_selection(stocked, partner):
    selected = {"Bakkerij Van der Meer", "Snel_Transport", "ΟΔΟΣ Ταξιδιωτικό"}
    scope = add_limited_user(stocked, partner, customer_ids_named(stocked, selected))
    for term in TERMS:
        wanted = [name for name in reference(stocked, partner, term) if name in selected]
        assert page(stocked, scope, term) == (wanted, len(wanted)), term


def test_the_trigram_index_serves_a_search(stocked, partner):
    with stocked.connect() as connection:
        connection.execute(sa.text("SET enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in connection.execute(
                sa.text(
                    "EXPLAIN SELECT customer_id FROM customer_search_entry "
                    "WHERE partner_id = :p AND document LIKE '%bakkerij%'"
                ),
                {"p": partner},
            )
        )
    assert "ix_customer_search_entry_document_trgm" in plan
