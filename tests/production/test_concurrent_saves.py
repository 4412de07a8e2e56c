"""Saves that meet on PostgreSQL, as from app instances on different machines.

One email domain claimed by two customers saved at the same moment: each save runs in
a thread of its own with an engine of its own (two app instances) on one migrated
schema, through the real service (services/customers.save_customer). A barrier holds
both saves after the application's "is this domain taken" check and before their
commits, so both checks find the domain free and the database's unique constraint on
email_domain.normalized alone decides: exactly one save wins, the other is told the
domain is taken (customers.ClaimTaken), and nothing of it remains.

Two people saving the same customer: two browser tabs of two partner users, the app on
PostgreSQL; the second is told who saved it and when, and keeps what they typed.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.times import format_time
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    Customer,
    EmailDomain,
    OutboxMessage,
    SaveRecord,
    SupportContact,
)
from cloudlink_app.services import customers, invitations, save_history
from tests.support.builders import valid_form
from tests.support.database import add_user, customer_row, save
from tests.support.tabs import Tab, open_customer
from tests.support.tcp_proxy import app_database

BARRIER_TIMEOUT = 10  # seconds: a save that never reaches the barrier fails the test


def hold_before_commit(monkeypatch, barrier: threading.Barrier) -> None:
    """Each save waits at ``barrier`` once its rows are added (its domain checks done)
    and before it commits: the only change to the service, its synchronisation point."""
    record_save = save_history.record_save

    def record_then_wait(session, customer_id, step, saved_by) -> None:
        record_save(session, customer_id, step, saved_by)
        barrier.wait(BARRIER_TIMEOUT)

    monkeypatch.setattr(save_history, "record_save", record_then_wait)


def saves_at_once(schema_url, partner, forms_by_name, barrier) -> dict[str, object]:
    """Each form saved through the service in a thread of its own, with an engine of its
    own (two app instances); each outcome (a CustomerRecord or the exception) by name."""
    outcomes: dict[str, object] = {}
    engines = [sa.create_engine(schema_url) for _ in forms_by_name]  # two app instances

    def save_on(engine: sa.engine.Engine, name: str) -> None:
        try:
            outcomes[name] = save(engine, partner, forms_by_name[name])
        except Exception as error:  # the outcome the test looks at
            outcomes[name] = error

    threads = [
        threading.Thread(target=save_on, args=(engine, name))
        for engine, name in zip(engines, forms_by_name, strict=True)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(3 * BARRIER_TIMEOUT)
    finally:
        for engine in engines:
            engine.dispose()
    assert not barrier.broken, f"a save never reached the barrier: {outcomes}"
    return outcomes


def admin(email: str) -> list[forms.AdminContactRow]:
    return [forms.AdminContactRow(2, "Ada", "Lovelace", email)]


def test_one_domain_claimed_by_two_instances_at_once_goes_to_exactly_one(
    schema_url, postgres, partner, monkeypatch
):
    # Admin contacts of their own: app_user's unique email must not decide instead.
    forms_by_name = {
        name: valid_form(name, "Race.example", admin_contacts=admin(email))
        for name, email in (("Instance A BV", "a@one.example"), ("Instance B BV", "b@two.example"))
    }
    barrier = threading.Barrier(len(forms_by_name))
    hold_before_commit(monkeypatch, barrier)
    outcomes = saves_at_once(schema_url, partner, forms_by_name, barrier)

    won = {n: o for n, o in outcomes.items() if isinstance(o, customers.CustomerRecord)}
    lost = {n: o for n, o in outcomes.items() if isinstance(o, customers.ClaimTaken)}
    assert len(won) == 1 and len(lost) == 1, outcomes
    ((winner, record),) = won.items()
    ((loser, refusal),) = lost.items()
    domain_row = forms_by_name[loser].email_domains[0].id
    assert refusal.field_ids == [forms.domain_field(domain_row)]
    assert t(refusal.message_key) == t("email_domain.claimed")

    with Session(postgres) as session:
        (customer,) = session.exec(select(Customer)).all()
        claims = session.exec(
            select(EmailDomain.customer_id).where(EmailDomain.normalized == "race.example")
        ).all()
        owners = {
            model.__name__: set(session.exec(select(col(model.customer_id))).all())
            for model in (EmailDomain, AdminContact, SupportContact, SaveRecord)
        }
    assert (customer.name, customer.account_id) == (winner, record.account_id)
    assert claims == [customer.id]
    # Nothing half-saved of the loser: every row belongs to the winner.
    assert owners == {name: {customer.id} for name in owners}


ADA, BEA = "ada@shared.example", "bea@shared.example"


@pytest.mark.parametrize(
    ("admins_a", "admins_b"),
    [([ADA], [ADA]), ([ADA, BEA], [BEA, ADA])],
    ids=["one-address", "two-addresses-in-opposite-orders"],
)
def test_new_admin_addresses_in_two_saves_at_once_become_one_user_each(
    schema_url, postgres, partner, monkeypatch, admins_a, admins_b
):
    """Two customers saved at once with the same new admin contacts: both looked for
    users of the addresses before either made one (a barrier holds them there). One
    makes each user; the other's insert waits for it, meets app_user's unique email,
    and its save goes on without inviting: both customers saved, one user and one
    invitation per address. Listed in opposite orders, the saves still make the users
    in one order (no deadlock, which PostgreSQL would end with an error)."""
    forms_by_name = {
        name: valid_form(
            name,
            domain,
            admin_contacts=[
                forms.AdminContactRow(2 + i, "Ada", "Lovelace", email)
                for i, email in enumerate(emails)
            ],
        )
        for name, domain, emails in (
            ("Admin A BV", "a.example", admins_a),
            ("Admin B BV", "b.example", admins_b),
        )
    }
    barrier = threading.Barrier(len(forms_by_name))
    looked = invitations._users_by_email

    def look_then_wait(session, emails):
        found = looked(session, emails)
        barrier.wait(BARRIER_TIMEOUT)
        return found

    monkeypatch.setattr(invitations, "_users_by_email", look_then_wait)
    outcomes = saves_at_once(schema_url, partner, forms_by_name, barrier)
    monkeypatch.undo()

    assert all(isinstance(o, customers.CustomerRecord) for o in outcomes.values()), outcomes
    shared = sorted(set(admins_a))
    with Session(postgres) as session:
        users = {
            user.email: user.customer_id
            for user in session.exec(select(AppUser).where(col(AppUser.email).in_(shared)))
        }
        invited = sorted(session.exec(select(OutboxMessage.to_address)).all())
        states = {}
        for customer in session.exec(select(Customer)).all():
            assert customer.id is not None
            for access in invitations.access(session, customer.id, partner):
                states[(customer.id, access.email)] = access.state
    assert sorted(users) == shared and invited == shared
    assert len(states) == 2 * len(shared)
    assert states == {
        (cid, email): invitations.INVITED if users[email] == cid else invitations.OTHER_USER
        for cid, email in states
    }


def test_one_address_in_two_letter_cases_in_two_saves_at_once_becomes_one_user(
    schema_url, postgres, partner, monkeypatch
):
    """As above, with "Ada@Shared.example" in one save and "ada@shared.example" in the
    other: app_user's unique index on lower(email) makes the second insert wait for the
    first and fail, so one user and one invitation, however the address was typed."""
    forms_by_name = {
        name: valid_form(name, domain, admin_contacts=admin(email))
        for name, domain, email in (
            ("Case A BV", "a.example", "Ada@Shared.example"),
            ("Case B BV", "b.example", "ada@shared.example"),
        )
    }
    barrier = threading.Barrier(len(forms_by_name))
    looked = invitations._users_by_email

    def look_then_wait(session, emails):
        found = looked(session, emails)
        barrier.wait(BARRIER_TIMEOUT)
        return found

    monkeypatch.setattr(invitations, "_users_by_email", look_then_wait)
    outcomes = saves_at_once(schema_url, partner, forms_by_name, barrier)
    monkeypatch.undo()

    assert all(isinstance(o, customers.CustomerRecord) for o in outcomes.values()), outcomes
    with Session(postgres) as session:
        users = session.exec(
            select(AppUser.email).where(sa.func.lower(col(AppUser.email)) == ADA)
        ).all()
        invited = session.exec(select(OutboxMessage.to_address)).all()
        states = sorted(
            access.state
            for customer in session.exec(select(Customer)).all()
            if customer.id is not None
            for access in invitations.access(session, customer.id, partner)
        )
    assert len(users) == 1 and invited == users
    assert states == sorted([invitations.INVITED, invitations.OTHER_USER])


@pytest.mark.asyncio
async def test_the_second_of_two_people_is_told_who_saved_and_when(schema_url, postgres, partner):
    add_user(postgres, "jeroen.bakker@northwind-telecom.example", "partner", partner)
    record = save(postgres, partner, valid_form("Original BV"))
    with app_database(schema_url):
        anna, jeroen = Tab(), Tab("jeroen.bakker@northwind-telecom.example")
        await open_customer(anna, record.account_id)
        await open_customer(jeroen, record.account_id)
        await anna.customer("set_customer_name", value="Anna's Name BV")
        await jeroen.customer("set_customer_name", value="Jeroen's Name BV")
        await anna.customer("next_step")
        assert anna.notice == ""
        sent = await jeroen.customer("next_step")

    with Session(postgres) as session:
        saved_at = session.exec(
            select(SaveRecord.saved_at).order_by(col(SaveRecord.id).desc())
        ).first()
    assert saved_at is not None
    assert jeroen.notice == t(
        "notice.version_conflict_by",
        name="Anna de Vries",
        time=format_time(saved_at, zone=True),
    )
    assert sent.redirects == []
    assert jeroen.customer_step.customer_name == "Jeroen's Name BV"
    assert customer_row(postgres, record.account_id).name == "Anna's Name BV"
