"""services/customers.py on the database: what a draft and a complete save store, the
round trip, partner scoping (services/owned_customers.py), domain claims and the
optimistic version check (services/save_history.py). The dashboard's list is in
test_customer_list.py."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.models import AdminContact, Customer, EmailDomain, SupportContact
from cloudlink_app.services import customers, domain_claims, owned_customers, save_history
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import database_rows, save
from tests.support.fakes import claim_race


def stored(engine, account_id: str) -> tuple[Customer, list[EmailDomain], list, list]:
    """The customer's row and its lists, straight from the tables."""
    with Session(engine) as session:
        customer = session.exec(select(Customer).where(Customer.account_id == account_id)).one()

        def rows(model):
            return session.exec(
                select(model).where(model.customer_id == customer.id).order_by(model.position)
            ).all()

        return customer, rows(EmailDomain), rows(AdminContact), rows(SupportContact)


def renumbered(form: forms.CustomerForm) -> forms.CustomerForm:
    """The form with its row ids 1, 2, 3... in list order, as load_customer gives them."""
    numbers = iter(range(1, 10_000))
    return dataclasses.replace(
        form,
        **{
            name: [dataclasses.replace(row, id=next(numbers)) for row in getattr(form, name)]
            for name in ("email_domains", "admin_contacts", "support_contacts")
        },
    )


# ----- draft and complete -----------------------------------------------------------


def test_a_draft_is_stored_as_typed(database, partner):
    form = dataclasses.replace(
        valid_form("  Draft BV  "),
        postal_code="1012ab",
        email_domains=[forms.DomainRow(1, " not a domain ")],
        admin_contacts=[forms.AdminContactRow(2, "Ada", "", "ada at acme")],
        support_contacts=[forms.SupportContactRow(3, "", " Mo ", "")],
    )
    record = save(database, partner, form, complete=False)
    customer, domains, admins, supports = stored(database, record.account_id)
    assert customer.name == "Draft BV"
    assert customer.postal_code == "1012ab"
    assert customer.completed_steps == ""
    assert [(d.domain, d.normalized) for d in domains] == [("not a domain", None)]
    assert [(a.first_name, a.last_name, a.email) for a in admins] == [("Ada", "", "ada at acme")]
    assert [(s.role, s.name, s.email) for s in supports] == [("", "Mo", "")]
    assert record.completed == set()


def test_complete_stores_normal_forms_and_marks_the_step(database, partner):
    form = dataclasses.replace(
        valid_form(),
        postal_code=" 1012ab ",
        email_domains=[forms.DomainRow(1, "Bücher.EXAMPLE")],
        admin_contacts=[forms.AdminContactRow(2, "Ada", "Lovelace", " Ada@ACME.Example ")],
    )
    record = save(database, partner, form)
    customer, domains, admins, _ = stored(database, record.account_id)
    assert customer.postal_code == "1012 AB"
    assert [(d.domain, d.normalized) for d in domains] == [
        ("bücher.example", "xn--bcher-kva.example")
    ]
    assert admins[0].email == "Ada@acme.example"
    assert wizard_path.parse_completed(customer.completed_steps) == {wizard_path.CUSTOMER}
    assert record.completed == {wizard_path.CUSTOMER}
    assert wizard_path.is_account_id(record.account_id)


def test_a_draft_after_complete_keeps_the_step_complete(database, partner):
    record = save(database, partner, valid_form())
    again = save(
        database,
        partner,
        valid_form("Renamed BV"),
        complete=False,
        account_id=record.account_id,
        expected_version=record.version,
    )
    assert again.completed == {wizard_path.CUSTOMER}


def test_load_returns_what_was_saved(database, partner, session):
    form = valid_form()
    form.email_domains.append(forms.DomainRow(9, "acme-group.example"))
    form.support_contacts.append(
        forms.SupportContactRow(10, forms.ROLE_OTHER, "Otto Other", "otto@acme.example")
    )
    saved = save(database, partner, form)
    loaded = customers.load_customer(session, CustomerScope(partner), saved.account_id)
    expected = renumbered(dataclasses.replace(form, postal_code="1012 AB"))
    assert loaded.form == expected
    assert saved.form == expected
    assert loaded.version == saved.version == 1
    assert loaded.account_id == saved.account_id


def test_the_record_returned_by_an_update_is_the_new_one(database, partner):
    first = save(database, partner, valid_form("First BV"))
    second = save(
        database,
        partner,
        valid_form("Second BV"),
        account_id=first.account_id,
        expected_version=first.version,
    )
    assert second.version == 2
    assert second.form.customer_name == "Second BV"
    assert second.updated_at > first.updated_at
    third = save(
        database,
        partner,
        valid_form("Third BV"),
        account_id=first.account_id,
        expected_version=second.version,
    )
    assert third.version == 3


@pytest.mark.parametrize("complete", [True, False], ids=["next", "draft"])
def test_the_record_a_save_returns_is_what_load_reads(database, partner, session, complete):
    """A save returns the customer made from what it wrote, reading nothing back:
    exactly the record load_customer reads afterwards, for a new customer and an
    update, a draft as typed (spaces, repeated, public and invalid domains, an address
    in capitals) and a complete save's normal forms."""
    typed = dataclasses.replace(
        valid_form("  Acme Trading BV ", "Acme.Example"),
        city=" Amsterdam ",
        email_domains=[
            forms.DomainRow(1, " Acme.Example"),
            forms.DomainRow(2, "acme.example"),
            forms.DomainRow(3, "gmail.com"),
            forms.DomainRow(4, "not a domain" if not complete else "acme-shop.example"),
        ],
        admin_contacts=[
            forms.AdminContactRow(5, " Ada ", "Lovelace ", "ADA@Acme.Example "),
            forms.AdminContactRow(6, "Bea", "Bos", "bea@acme.example"),
        ],
    )
    if complete:  # a form that passes the rules: no domain twice, none public
        typed.email_domains[1:3] = []
    first = save(database, partner, typed, complete=complete)
    loaded = customers.load_customer(session, CustomerScope(partner), first.account_id)
    assert first == loaded
    session.expire_all()
    changed = dataclasses.replace(typed, customer_name="Acme Holding BV", admin_contacts=[])
    changed.admin_contacts = [forms.AdminContactRow(7, "Cas", "Cool", "cas@acme.example")]
    second = save(
        database,
        partner,
        changed,
        complete=complete,
        account_id=first.account_id,
        expected_version=first.version,
    )
    loaded = customers.load_customer(session, CustomerScope(partner), first.account_id)
    assert second == loaded and second.version == 2


def test_rows_removed_from_the_form_are_removed_from_the_database(database, partner):
    form = valid_form()
    form.admin_contacts.append(forms.AdminContactRow(8, "Bob", "Builder", "bob@acme.example"))
    first = save(database, partner, form)
    form.admin_contacts.pop(0)
    form.email_domains = []
    save(database, partner, form, account_id=first.account_id, expected_version=1)
    _, domains, admins, _ = stored(database, first.account_id)
    assert domains == []
    assert [a.first_name for a in admins] == ["Bob"]


# ----- partner scoping ---------------------------------------------------------------


def test_another_partners_customer_cannot_be_loaded_or_saved(
    database, session, partner, other_partner
):
    theirs = save(database, other_partner, valid_form("Theirs BV", "theirs.example"))
    with pytest.raises(owned_customers.CustomerNotFound):
        customers.load_customer(session, CustomerScope(partner), theirs.account_id)
    assert (
        owned_customers.customer_id_of(session, CustomerScope(partner), theirs.account_id) is None
    )
    rows_before = database_rows(database)
    with pytest.raises(owned_customers.CustomerNotFound):
        save(
            database,
            partner,
            valid_form("Hijacked BV", "hijack.example"),
            account_id=theirs.account_id,
            expected_version=theirs.version,
        )
    assert database_rows(database) == rows_before


@pytest.mark.parametrize("account_id", ["ZZZZ-ZZZZ", "", "%", "K7M4-Q2XR' OR '1'='1"])
def test_an_unknown_account_id_is_not_found(session, partner, account_id):
    with pytest.raises(owned_customers.CustomerNotFound):
        customers.load_customer(session, CustomerScope(partner), account_id)


# ----- domain claims ---------------------------------------------------------------


def test_a_complete_save_claims_its_domains(database, session, partner):
    record = save(database, partner, valid_form(domain="acme.example"))
    own_id = owned_customers.customer_id_of(session, CustomerScope(partner), record.account_id)
    assert domain_claims.domain_claimed_elsewhere(session, "acme.example", None)
    assert not domain_claims.domain_claimed_elsewhere(session, "acme.example", own_id)
    assert not domain_claims.domain_claimed_elsewhere(session, "other.example", None)


def test_a_claimed_domain_is_not_claimed_twice(database, session, partner, other_partner):
    save(database, partner, valid_form("First BV", "acme.example"))
    second = save(database, other_partner, valid_form("Second BV", "ACME.example"), complete=False)
    _, domains, _, _ = stored(database, second.account_id)
    assert [(d.domain, d.normalized) for d in domains] == [("acme.example", None)]


def test_a_domain_is_released_when_removed(database, session, partner, other_partner):
    first = save(database, partner, valid_form("First BV", "acme.example"))
    save(
        database,
        partner,
        dataclasses.replace(valid_form("First BV"), email_domains=[]),
        account_id=first.account_id,
        expected_version=1,
    )
    assert not domain_claims.domain_claimed_elsewhere(session, "acme.example", None)
    second = save(database, other_partner, valid_form("Second BV", "acme.example"))
    _, domains, _, _ = stored(database, second.account_id)
    assert domains[0].normalized == "acme.example"


def test_a_draft_claims_only_domains_it_may_have(database, partner):
    form = dataclasses.replace(
        valid_form(),
        email_domains=[
            forms.DomainRow(1, "acme.example"),
            forms.DomainRow(2, "Acme.Example"),
            forms.DomainRow(3, "gmail.com"),
            forms.DomainRow(4, "not a domain"),
        ],
    )
    record = save(database, partner, form, complete=False)
    _, domains, _, _ = stored(database, record.account_id)
    assert [(d.domain, d.normalized) for d in domains] == [
        ("acme.example", "acme.example"),
        ("acme.example", None),
        ("gmail.com", None),
        ("not a domain", None),
    ]


def test_the_database_refuses_a_domain_claimed_twice(database, partner):
    first = save(database, partner, valid_form("First BV", "acme.example"))
    with Session(database) as session:
        customer_id = owned_customers.customer_id_of(
            session, CustomerScope(partner), first.account_id
        )
        session.add(
            EmailDomain(
                customer_id=customer_id,
                position=9,
                domain="acme.example",
                normalized="acme.example",
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_domain_claimed_while_saving_is_reported_on_its_field(
    database, partner, other_partner, monkeypatch
):
    save(database, other_partner, valid_form("First BV", "acme.example"))
    claim_race(monkeypatch)
    rows_before = database_rows(database)
    form = valid_form("Second BV", "acme.example")
    with pytest.raises(customers.DomainClaimed) as raised:
        save(database, partner, form)
    assert raised.value.field_ids == [forms.domain_field(form.email_domains[0].id)]
    assert database_rows(database) == rows_before


# ----- optimistic version check --------------------------------------------------------


def test_a_save_from_an_old_version_is_a_conflict(database, partner):
    record = save(database, partner, valid_form("Original BV"))
    save(
        database, partner, valid_form("First BV"), account_id=record.account_id, expected_version=1
    )
    rows_before = database_rows(database)
    for expected in (1, None, 3):
        with pytest.raises(save_history.VersionConflict):
            save(
                database,
                partner,
                valid_form("Second BV"),
                account_id=record.account_id,
                expected_version=expected,
            )
    assert database_rows(database) == rows_before
    customer, *_ = stored(database, record.account_id)
    assert (customer.name, customer.version) == ("First BV", 2)


def test_a_save_that_loses_the_race_is_a_conflict(database, partner):
    record = save(database, partner, valid_form("Original BV"))
    with Session(database, expire_on_commit=False) as slow:
        # The slow save has read version 1 (and holds it) ...
        read = slow.exec(select(Customer).where(Customer.account_id == record.account_id)).one()
        # ... when another save commits version 2.
        save(
            database,
            partner,
            valid_form("Fast BV"),
            account_id=record.account_id,
            expected_version=1,
        )
        # The slow session still sees version 1: only the database's check can tell.
        assert read.version == 1
        with pytest.raises(save_history.VersionConflict):
            customers.save_customer(
                slow,
                scope=CustomerScope(partner),
                account_id=record.account_id,
                expected_version=1,
                form=valid_form("Slow BV"),
                complete=True,
            )
    customer, *_ = stored(database, record.account_id)
    assert (customer.name, customer.version) == ("Fast BV", 2)


def test_a_new_customer_gets_a_new_account_id(database, partner):
    ids = {save(database, partner, valid_form(f"C{n}", "")).account_id for n in range(20)}
    assert len(ids) == 20
    assert all(wizard_path.is_account_id(account_id) for account_id in ids)
    with Session(database) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Customer)).scalar_one() == 20
