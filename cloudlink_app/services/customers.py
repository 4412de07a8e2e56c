"""The Customer step on the database: a customer with its lists, loaded and saved,
always within the caller's scope (services/owned_customers.py).

A save is one transaction under the customer's version check (services/save_history.py);
an email domain is claimed by one customer only (services/domain_claims.py).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloudlink_app.domain import contacts, domains, forms, validation, wizard_path
from cloudlink_app.domain.address import normalise_postal_code
from cloudlink_app.domain.limits import normal_or_none
from cloudlink_app.models import (
    AdminContact,
    Customer,
    EmailDomain,
    SupportContact,
    as_utc,
    utc_now,
)
from cloudlink_app.services import (
    database,  # noqa: F401  (Unicode lower() on SQLite)
    domain_claims,
    invitations,
    owned_customers,
    save_history,
)
from cloudlink_app.services.owned_customers import CustomerScope


class ClaimTaken(Exception):
    """Something one customer may claim (an email domain, a gateway) was claimed by
    another while saving: ``field_ids`` show ``message_key``."""

    message_key = ""

    def __init__(self, field_ids: list[str]):
        super().__init__(field_ids)
        self.field_ids = field_ids


class DomainClaimed(ClaimTaken):
    """An email domain was claimed by another account while saving."""

    message_key = "email_domain.claimed"


@dataclasses.dataclass
class CustomerRecord:
    """A customer as the wizard needs it."""

    account_id: str
    version: int
    completed: set[str]
    form: forms.CustomerForm
    updated_at: datetime.datetime


def load_customer(session: Session, scope: CustomerScope, account_id: str) -> CustomerRecord:
    """The customer with its lists, as stored; raises CustomerNotFound."""
    customer = owned_customers.owned_customer(session, scope, account_id)

    def rows(model):
        return session.exec(
            select(model).where(model.customer_id == customer.id).order_by(model.position)
        ).all()

    return CustomerRecord(
        account_id=customer.account_id,
        version=customer.version,
        completed=wizard_path.parse_completed(customer.completed_steps),
        form=_stored_form(
            {name: getattr(customer, name) for name in _SCALARS},
            [row.domain for row in rows(EmailDomain)],
            [(row.first_name, row.last_name, row.email) for row in rows(AdminContact)],
            [(row.role, row.name, row.email) for row in rows(SupportContact)],
        ),
        updated_at=as_utc(customer.updated_at),
    )


# The customer's columns the Customer step shows, by the form's names.
_SCALARS = {
    "name": "customer_name",
    "country": "country",
    "street_address": "street_address",
    "address_line2": "address_line2",
    "city": "city",
    "state_province": "state_province",
    "postal_code": "postal_code",
    "business_type": "business_type",
    "default_language": "default_language",
}


def _stored_form(
    scalars: dict[str, Any],
    domains: list[str],
    admins: list[tuple[str, str, str]],
    supports: list[tuple[str, str, str]],
) -> forms.CustomerForm:
    """The form of a stored customer: its columns (``_SCALARS``' names) and its rows in
    their order, numbered 1, 2, ... across the three lists. What ``load_customer``
    reads and what a save returns, from what it wrote."""
    form = forms.CustomerForm()
    for column, field in _SCALARS.items():
        setattr(form, field, scalars[column])
    next_id = 1
    for domain in domains:
        form.email_domains.append(forms.DomainRow(id=next_id, value=domain))
        next_id += 1
    for first_name, last_name, email in admins:
        form.admin_contacts.append(forms.AdminContactRow(next_id, first_name, last_name, email))
        next_id += 1
    for role, name, email in supports:
        form.support_contacts.append(forms.SupportContactRow(next_id, role, name, email))
        next_id += 1
    return form


def _normal_email(value: str) -> str:
    try:
        return contacts.normalize_email(value)
    except contacts.EmailError:
        return value.strip()


def _domain_rows(session: Session, customer_id: int | None, form: forms.CustomerForm):
    """(as shown, claim) per domain; claim is None where it cannot be claimed.

    A draft keeps every domain as typed but only claims one that is valid, not a
    public provider's, not repeated in the list and not already claimed elsewhere
    (one query for all of them: ``domains_taken``).
    """
    normals = [normal_or_none(domains.normalize_domain, row.value) for row in form.email_domains]
    candidates = {n for n in normals if n is not None and not domains.is_public_email_domain(n)}
    taken = domain_claims.domains_taken(session, candidates, customer_id)
    seen: set[str] = set()
    result: list[tuple[str, str | None]] = []
    for row, normal in zip(form.email_domains, normals, strict=True):
        if normal is None:
            result.append((row.value.strip(), None))
            continue
        claim: str | None = normal
        if normal in seen or normal not in candidates or normal in taken:
            claim = None
        seen.add(normal)
        result.append((domains.display_domain(normal), claim))
    return result


def save_customer(
    session: Session,
    *,
    scope: CustomerScope,
    account_id: str | None,
    expected_version: int | None,
    form: forms.CustomerForm,
    complete: bool,
    saved_by: int | None = None,
) -> CustomerRecord:
    """Insert or update the customer and its lists in one transaction.

    ``complete`` (Next) stores normal forms and marks the Customer step complete; the
    form must have passed validation. Otherwise (Save and return) it stores the draft
    as typed. A new customer of a user with selected customers joins their selection.
    Raises CustomerNotFound, VersionConflict or DomainClaimed. Returns the customer as
    stored (what ``load_customer`` would read), made from what the save wrote: nothing
    is read back.
    """
    try:
        _customer, record = _write(
            session,
            scope=scope,
            account_id=account_id,
            expected_version=expected_version,
            form=form,
            complete=complete,
            saved_by=saved_by,
        )
        session.commit()
    except IntegrityError as error:
        session.rollback()
        # Another account claimed a domain between the check and the insert.
        existing_id = (
            owned_customers.owned_customer(session, scope, account_id).id if account_id else None
        )
        normals = {
            row.id: normal_or_none(domains.normalize_domain, row.value)
            for row in form.email_domains
        }
        taken = domain_claims.domains_taken(
            session, {n for n in normals.values() if n}, existing_id
        )
        claimed = [
            forms.domain_field(row.id) for row in form.email_domains if normals[row.id] in taken
        ]
        if claimed:
            raise DomainClaimed(claimed) from error
        raise
    # The UPDATE bypassed the identity map: the caller's next reads in this session
    # (the wizard's record) must not meet the customer as it was before the save.
    session.expire_all()
    return record


def write_customer(
    session: Session,
    *,
    scope: CustomerScope,
    account_id: str | None,
    expected_version: int | None,
    form: forms.CustomerForm,
    complete: bool,
    saved_by: int | None = None,
) -> Customer:
    """save_customer's work within the caller's transaction, not committed: the import
    (services/customer_import.py) writes its customers in one transaction with it.
    Raises CustomerNotFound, VersionConflict or IntegrityError (a domain claimed)."""
    customer, _record = _write(
        session,
        scope=scope,
        account_id=account_id,
        expected_version=expected_version,
        form=form,
        complete=complete,
        saved_by=saved_by,
    )
    return customer


def _write(
    session: Session,
    *,
    scope: CustomerScope,
    account_id: str | None,
    expected_version: int | None,
    form: forms.CustomerForm,
    complete: bool,
    saved_by: int | None,
) -> tuple[Customer, CustomerRecord]:
    """write_customer's work; also the customer as it will be stored once committed."""
    if account_id:
        customer = owned_customers.owned_customer(session, scope, account_id)
        if customer.version != expected_version:
            raise save_history.VersionConflict(account_id)
        completed = wizard_path.parse_completed(customer.completed_steps)
    else:
        customer = None
        completed = set()
    valid = complete
    if complete:
        completed.add(wizard_path.CUSTOMER)
    elif wizard_path.CUSTOMER in completed:
        # A draft of a completed step that no longer passes its rules opens it again.
        # Only a stored customer has completed steps.
        assert customer is not None
        stored_id = customer.id
        valid = not validation.validate_customer(
            form, lambda d: domain_claims.domain_claimed_elsewhere(session, d, stored_id)
        )
    reopened = not valid and wizard_path.CUSTOMER in completed
    if reopened:
        completed -= {wizard_path.CUSTOMER, wizard_path.REVIEW}
    postal = form.postal_code.strip()
    values: dict[str, Any] = {
        "name": form.customer_name.strip(),
        "country": form.country,
        "street_address": form.street_address.strip(),
        "address_line2": form.address_line2.strip(),
        "city": form.city.strip(),
        "state_province": form.state_province.strip(),
        "postal_code": normalise_postal_code(form.country, postal) if complete else postal,
        "business_type": form.business_type,
        "default_language": form.default_language,
        "completed_steps": wizard_path.format_completed(completed),
        "updated_at": utc_now(),
    }
    if reopened:
        values["onboarded"] = False
    before: set[str] = set()
    if customer is None:
        values["status"] = wizard_path.status_for(completed)
        customer = Customer(
            account_id=_new_account_id(session), partner_id=scope.partner_id, **values
        )
        session.add(customer)
        session.flush()
        assert customer.id is not None  # flushed
        owned_customers.add_to_selection(session, scope, customer.id)
        version = customer.version
    else:
        save_history.update_with_version(session, customer, values)
        assert customer.id is not None  # a stored row
        version = customer.version + 1  # update_with_version's
        before = invitations.contact_emails(session, customer.id)
        for model in (EmailDomain, AdminContact, SupportContact):
            session.execute(sa.delete(model).where(col(model.customer_id) == customer.id))
    assert customer.id is not None  # stored (flushed or loaded) by now
    shown, admins, supports = _add_rows(session, customer.id, form)
    save_history.record_save(session, customer.id, wizard_path.CUSTOMER, saved_by)
    _claim_domains(session, customer.id, shown)
    # Admin contacts become account admins: invited when the step is completed;
    # removed ones lose the rights (services/invitations.py). Last before the
    # commit, after the domains' claims: a concurrent save of the same domain or
    # admin waits for this one at its insert and fails on the unique index.
    invitations.sync(
        session,
        customer,
        before,
        [(row.first_name, row.last_name, row.email) for row in form.admin_contacts],
        invite=complete,
        by=saved_by,
    )
    record = CustomerRecord(
        account_id=customer.account_id,
        version=version,
        completed=wizard_path.parse_completed(values["completed_steps"]),
        form=_stored_form(values, [domain for domain, _claim in shown], admins, supports),
        updated_at=as_utc(values["updated_at"]),
    )
    return customer, record


def _add_rows(
    session: Session, customer_id: int, form: forms.CustomerForm
) -> tuple[list[tuple[str, str | None]], list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The form's contacts, one executemany per table (one INSERT per row through the
    ORM before: 90 ms for the largest form, bench/README.md), and its domains checked
    (``_domain_rows``), not inserted yet (``_claim_domains``). Returns the rows as
    stored: the domains (as shown, claim), the admin contacts (first name, last name,
    email) and the support contacts (role, name, email), in their order."""
    shown = _domain_rows(session, customer_id, form)
    admins = [
        (admin.first_name.strip(), admin.last_name.strip(), _normal_email(admin.email))
        for admin in form.admin_contacts
    ]
    supports = [
        (support.role, support.name.strip(), _normal_email(support.email))
        for support in form.support_contacts
    ]
    if admins:
        session.execute(
            sa.insert(AdminContact),
            [
                {
                    "customer_id": customer_id,
                    "position": position,
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                }
                for position, (first, last, email) in enumerate(admins)
            ],
        )
    if supports:
        session.execute(
            sa.insert(SupportContact),
            [
                {
                    "customer_id": customer_id,
                    "position": position,
                    "role": role,
                    "name": name,
                    "email": email,
                }
                for position, (role, name, email) in enumerate(supports)
            ],
        )
    return shown, admins, supports


def _claim_domains(session: Session, customer_id: int, shown: list[tuple[str, str | None]]) -> None:
    """The domains (``_domain_rows``), in one executemany, after every check and every
    other row of the save (as when they were ORM objects flushed by the invitations'
    first query), in the order of their claims: two saves claiming the same domains
    wait for each other in one order, never in a cycle (PostgreSQL would end one with a
    deadlock error instead of "taken"). The unique claim is decided by this insert
    (test_concurrent_saves.py), as the new users' addresses are by invitations.sync's
    one INSERT in the order of the addresses."""
    if shown:
        session.execute(
            sa.insert(EmailDomain),
            [
                {
                    "customer_id": customer_id,
                    "position": position,
                    "domain": domain,
                    "normalized": claim,
                }
                for position, (domain, claim) in sorted(
                    enumerate(shown), key=lambda row: (row[1][1] or "", row[0])
                )
            ],
        )


def _new_account_id(session: Session) -> str:
    for _ in range(20):
        candidate = wizard_path.generate_account_id()
        exists = session.exec(select(Customer.id).where(Customer.account_id == candidate)).first()
        if exists is None:
            return candidate
    raise RuntimeError("could not find a free account ID")
