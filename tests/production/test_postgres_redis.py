"""The production configuration against the real services of this machine.

PostgreSQL (tests/support/postgres.POSTGRES_URL) gets the project's Alembic migrations
in a fresh schema per test, and the customer services run on it. Redis
(tests/support/postgres.REDIS_URL) holds the Customer step's state through Reflex's Redis
state manager. When either service is missing these tests fail: the production
configuration is not checked then.

Nothing here changes the environment: the database URL is passed explicitly and every
schema and Redis key a test makes is removed after it.
"""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from sqlmodel import Session, select

from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.domain.forms import AdminContactRow, DomainRow, SupportContactRow
from cloudlink_app.domain.i18n import Text, t
from cloudlink_app.models import Customer, EmailDomain, Partner
from cloudlink_app.services import (
    customer_list,
    customers,
    domain_claims,
    owned_customers,
    save_history,
)
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.state.customer_step import CustomerStepState
from tests.support.builders import valid_form
from tests.support.database import save
from tests.support.fakes import claim_race
from tests.support.postgres import REDIS_URL

# ----- the customer services on PostgreSQL ------------------------------------------


def test_save_and_load_round_trip(postgres, partner):
    form = dataclasses.replace(
        valid_form("Bücherei Müller GmbH", "Bücher.example"), postal_code="1012ab"
    )
    record = save(postgres, partner, form)
    with Session(postgres) as session:
        loaded = customers.load_customer(session, CustomerScope(partner), record.account_id)
        (domain,) = session.exec(select(EmailDomain)).all()
    assert loaded.form.customer_name == "Bücherei Müller GmbH"
    assert loaded.form.postal_code == "1012 AB"
    assert [row.value for row in loaded.form.email_domains] == ["bücher.example"]
    assert domain.normalized == "xn--bcher-kva.example"
    assert loaded.completed == {wizard_path.CUSTOMER}
    assert loaded.updated_at.tzinfo is not None

    draft = save(
        postgres,
        partner,
        dataclasses.replace(form, city=" Utrecht "),
        complete=False,
        account_id=record.account_id,
        expected_version=1,
    )
    assert (draft.version, draft.form.city) == (2, "Utrecht")


def test_list_search_paging_and_scoping(postgres, partner):
    with Session(postgres) as session:
        rival = Partner(name="Rival Telecom")
        session.add(rival)
        session.commit()
        rival_id = rival.id
    names = ["Alpha BV", "Ärzte Zentrum", "Bravo 100% Solar", "Charlie_Care"]
    for index, name in enumerate(names):
        save(postgres, partner, valid_form(name, f"domain{index}.example"))
    theirs = save(postgres, rival_id, valid_form("Rival Customer", "bücher.example"))
    save(postgres, partner, valid_form("Delta", "bücherei.example"))

    def search(term: str, page: int = 1, size: int = 25) -> tuple[list[str], int]:
        with Session(postgres) as session:
            rows, total = customer_list.list_customers(
                session, CustomerScope(partner), term, page, size
            )
        return [row.name for row in rows], total

    assert search("", 1, 2) == (["Delta", "Charlie_Care"], 5)
    assert search("", 3, 2) == (["Alpha BV"], 5)
    assert search("ärzte") == (["Ärzte Zentrum"], 1)
    assert search("%") == (["Bravo 100% Solar"], 1)
    assert search("_") == (["Charlie_Care"], 1)
    assert search("BÜCHER") == (["Delta"], 1)
    assert search("xn--bcherei") == (["Delta"], 1)
    assert search(theirs.account_id) == ([], 0)
    assert search("rival") == ([], 0)
    with Session(postgres) as session, pytest.raises(owned_customers.CustomerNotFound):
        customers.load_customer(session, CustomerScope(partner), theirs.account_id)


def test_a_domain_is_claimed_once(postgres, partner, monkeypatch):
    first = save(postgres, partner, valid_form("First BV", "acme.example"))
    with Session(postgres) as session:
        assert domain_claims.domain_claimed_elsewhere(session, "acme.example", None)
        own = owned_customers.customer_id_of(session, CustomerScope(partner), first.account_id)
        assert not domain_claims.domain_claimed_elsewhere(session, "acme.example", own)

    # Claimed between the check and the insert: PostgreSQL's unique index refuses it,
    # and the service says which field, after rolling back the failed transaction.
    claim_race(monkeypatch)
    form = valid_form("Second BV", "ACME.example")
    with pytest.raises(customers.DomainClaimed) as raised:
        save(postgres, partner, form)
    assert raised.value.field_ids == [forms.domain_field(form.email_domains[0].id)]
    with Session(postgres) as session:
        assert [c.name for c in session.exec(select(Customer)).all()] == ["First BV"]


def test_the_second_of_two_saves_is_a_conflict(postgres, partner):
    record = save(postgres, partner, valid_form("Original BV"))
    with Session(postgres, expire_on_commit=False) as slow:
        read = slow.exec(select(Customer).where(Customer.account_id == record.account_id)).one()
        save(
            postgres,
            partner,
            valid_form("Fast BV"),
            account_id=record.account_id,
            expected_version=1,
        )
        assert read.version == 1  # only the database's check can see the other save
        with pytest.raises(save_history.VersionConflict):
            customers.save_customer(
                slow,
                scope=CustomerScope(partner),
                account_id=record.account_id,
                expected_version=1,
                form=valid_form("Slow BV"),
                complete=True,
            )
    with pytest.raises(save_history.VersionConflict):
        save(
            postgres,
            partner,
            valid_form("Late BV"),
            account_id=record.account_id,
            expected_version=1,
        )
    with Session(postgres) as session:
        customer = session.exec(select(Customer)).one()
    assert (customer.name, customer.version) == ("Fast BV", 2)


# ----- Reflex's Redis state manager --------------------------------------------------


@pytest.mark.asyncio
async def test_redis_keeps_the_customer_step_with_typed_rows():
    token = f"cloudlink-test-{uuid.uuid4().hex}"
    state_token = BaseStateToken(ident=token, cls=CustomerStepState)
    domains = [DomainRow(4, "bücher.example")]
    admins = [AdminContactRow(1, "Ada", "Lovelace", "ada@acme.example")]
    supports = [
        SupportContactRow(2, forms.ROLE_MAINTAINER, "Mo", "mo@acme.example"),
        SupportContactRow(3, forms.ROLE_ONSITE_ADMIN, "Olga", "olga@acme.example"),
    ]
    writer = StateManagerRedis(redis=Redis.from_url(REDIS_URL))
    try:
        await writer.redis.ping()
        async with writer.modify_state(state_token) as root:
            step = await root.get_state(CustomerStepState)
            step.customer_name = "Redis BV"
            step.email_domains = domains
            step.admin_contacts = admins
            step.support_contacts = supports
            step._errors = {forms.CUSTOMER_NAME: Text("customer_name.required")}
            step._touched = [forms.CUSTOMER_NAME]
            step._next_row_id = 5
            step.dirty = True
    finally:
        await writer.close()

    reader = StateManagerRedis(redis=Redis.from_url(REDIS_URL))
    try:
        root = await reader.get_state(state_token)
        step = await root.get_state(CustomerStepState)
        assert step.customer_name == "Redis BV"
        for name, rows, row_type in [
            ("email_domains", domains, DomainRow),
            ("admin_contacts", admins, AdminContactRow),
            ("support_contacts", supports, SupportContactRow),
        ]:
            value = step.get_value(name)
            assert value == rows
            assert all(type(row) is row_type for row in value)
        # Kept as a key (Text survives Redis), worded when shown.
        assert step.get_value("_errors") == {forms.CUSTOMER_NAME: Text("customer_name.required")}
        assert step.errors == {forms.CUSTOMER_NAME: t("customer_name.required")}
        assert step.get_value("_touched") == [forms.CUSTOMER_NAME]
        assert step._next_row_id == 5
        assert step.dirty is True
    finally:
        keys = [key async for key in reader.redis.scan_iter(match=f"{token}*")]
        if keys:
            await reader.redis.delete(*keys)
        await reader.close()
    assert keys, "the state manager stored nothing under the tab's token"
