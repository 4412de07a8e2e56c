"""The Customer step on the database: a customer with its lists, loaded and saved,
always within the caller's scope (services/owned_customers.py).

A save is one transaction under the customer's version check (services/save_history.py);
an email domain is claimed by one customer only (``domain_claimed_elsewhere``).
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
    utc_now,
)
from cloudlink_app.services import (
    database,  # noqa: F401  (Unicode lower() on SQLite)
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


def domain_claimed_elsewhere(session: Session, normalized: str, customer_id: int | None) -> bool:
    """Whether another customer account has claimed this (normalised) domain."""
    query = select(EmailDomain.id).where(EmailDomain.normalized == normalized)
    if customer_id is not None:
        query = query.where(EmailDomain.customer_id != customer_id)
    return session.exec(query.limit(1)).first() is not None


def domains_claimed_elsewhere(
    session: Session, normalized: list[str], partner_id: int, account_id: str
) -> set[str]:
    """Which of these (normalised) domains another customer account has claimed, in
    one query: ``domain_claimed_elsewhere`` for each, where "elsewhere" is any customer
    but the partner's customer ``account_id`` ("" or not the partner's: any customer).
    The live check of every keystroke asks this (one query per domain before)."""
    if not normalized:
        return set()
    query = (
        select(EmailDomain.normalized)
        .join(Customer, col(Customer.id) == col(EmailDomain.customer_id))
        .where(col(EmailDomain.normalized).in_(normalized))
    )
    if account_id:
        query = query.where(
            sa.not_(
                sa.and_(
                    col(Customer.partner_id) == partner_id, col(Customer.account_id) == account_id
                )
            )
        )
    return {value for value in session.exec(query) if value is not None}


@dataclasses.dataclass(frozen=True)
class AccountOverview:
    """An account admin's own customer as their account page shows it."""

    name: str
    account_id: str
    status: str  # as stored: "next:<step>", "problem:<key>" or "onboarded"
    # Where "Continue" opens: the first step not done yet, else Review.
    continue_step: str


def account_overview(
    session: Session, partner_id: int, customer_id: int | None
) -> AccountOverview | None:
    """The customer with this id when it is the partner's, else None (no customer yet,
    deleted, or the data disagree)."""
    if customer_id is None:
        return None
    customer = session.get(Customer, customer_id)
    if customer is None or customer.partner_id != partner_id:
        return None
    step = wizard_path.first_incomplete_step(
        wizard_path.parse_completed(customer.completed_steps), customer.deployment_type
    )
    return AccountOverview(
        name=customer.name,
        account_id=customer.account_id,
        status=customer.status,
        continue_step=step or wizard_path.REVIEW,
    )


def load_customer(session: Session, scope: CustomerScope, account_id: str) -> CustomerRecord:
    """The customer with its lists, as stored; raises CustomerNotFound."""
    customer = owned_customers.owned_customer(session, scope, account_id)

    def rows(model):
        return session.exec(
            select(model).where(model.customer_id == customer.id).order_by(model.position)
        ).all()

    form = forms.CustomerForm(
        customer_name=customer.name,
        country=customer.country,
        street_address=customer.street_address,
        address_line2=customer.address_line2,
        city=customer.city,
        state_province=customer.state_province,
        postal_code=customer.postal_code,
        business_type=customer.business_type,
        default_language=customer.default_language,
    )
    next_id = 1
    for row in rows(EmailDomain):
        form.email_domains.append(forms.DomainRow(id=next_id, value=row.domain))
        next_id += 1
    for row in rows(AdminContact):
        form.admin_contacts.append(
            forms.AdminContactRow(next_id, row.first_name, row.last_name, row.email)
        )
        next_id += 1
    for row in rows(SupportContact):
        form.support_contacts.append(
            forms.SupportContactRow(next_id, row.role, row.name, row.email)
        )
        next_id += 1
    return CustomerRecord(
        account_id=customer.account_id,
        version=customer.version,
        completed=wizard_path.parse_completed(customer.completed_steps),
        form=form,
        updated_at=customer.updated_at,
    )


def _normal_email(value: str) -> str:
    try:
        return contacts.normalize_email(value)
    except contacts.EmailError:
        return value.strip()


def _domain_rows(session: Session, customer_id: int | None, form: forms.CustomerForm):
    """(as shown, claim) per domain; claim is None where it cannot be claimed.

    A draft keeps every domain as typed but only claims one that is valid, not a
    public provider's, not repeated in the list and not already claimed elsewhere.
    """
    seen: set[str] = set()
    result: list[tuple[str, str | None]] = []
    for row in form.email_domains:
        normal = normal_or_none(domains.normalize_domain, row.value)
        if normal is None:
            result.append((row.value.strip(), None))
            continue
        claim: str | None = normal
        if (
            normal in seen
            or domains.is_public_email_domain(normal)
            or domain_claimed_elsewhere(session, normal, customer_id)
        ):
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
    Raises CustomerNotFound, VersionConflict or DomainClaimed.
    """
    try:
        customer = write_customer(
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
        claimed = [
            forms.domain_field(row.id)
            for row in form.email_domains
            if (normal := normal_or_none(domains.normalize_domain, row.value))
            and domain_claimed_elsewhere(session, normal, existing_id)
        ]
        if claimed:
            raise DomainClaimed(claimed) from error
        raise
    # The UPDATE above bypassed the identity map: without this, the record returned
    # would carry the customer as it was before the save (its old version above all).
    session.expire_all()
    return load_customer(session, scope, customer.account_id)


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
            form, lambda d: domain_claimed_elsewhere(session, d, stored_id)
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
    else:
        save_history.update_with_version(session, customer, values)
        assert customer.id is not None  # a stored row
        before = invitations.contact_emails(session, customer.id)
        for model in (EmailDomain, AdminContact, SupportContact):
            session.execute(sa.delete(model).where(col(model.customer_id) == customer.id))
    assert customer.id is not None  # stored (flushed or loaded) by now
    _add_rows(session, customer.id, form)
    save_history.record_save(session, customer.id, wizard_path.CUSTOMER, saved_by)
    # Admin contacts become account admins: invited when the step is completed;
    # removed ones lose the rights (services/invitations.py). Last before the
    # commit: its queries flush the rows above, and a concurrent save of the same
    # domain or admin then waits for this one and fails on the unique index.
    invitations.sync(
        session,
        customer,
        before,
        [(row.first_name, row.last_name, row.email) for row in form.admin_contacts],
        invite=complete,
        by=saved_by,
    )
    return customer


def _add_rows(session: Session, customer_id: int, form: forms.CustomerForm) -> None:
    """The form's rows. The contacts (up to 500 + 500) with one executemany per table
    (one INSERT per row through the ORM before: 90 ms for the largest form,
    bench/README.md). The email domains stay ORM objects, flushed at the commit: their
    unique claim is decided there (test_concurrent_saves.py), not while this save
    still checks and adds. They are added, so inserted, in the order of their claims:
    two saves claiming the same domains wait for each other in one order, never in a
    cycle (PostgreSQL would end one with a deadlock error instead of "taken"; with one
    multi-row INSERT per save the window is narrow, unlike the users' inserts in
    invitations.sync, where a test shows it)."""
    rows = list(enumerate(_domain_rows(session, customer_id, form)))
    for position, (shown, claim) in sorted(rows, key=lambda row: (row[1][1] or "", row[0])):
        session.add(
            EmailDomain(customer_id=customer_id, position=position, domain=shown, normalized=claim)
        )
    admins = [
        {
            "customer_id": customer_id,
            "position": position,
            "first_name": admin.first_name.strip(),
            "last_name": admin.last_name.strip(),
            "email": _normal_email(admin.email),
        }
        for position, admin in enumerate(form.admin_contacts)
    ]
    supports = [
        {
            "customer_id": customer_id,
            "position": position,
            "role": support.role,
            "name": support.name.strip(),
            "email": _normal_email(support.email),
        }
        for position, support in enumerate(form.support_contacts)
    ]
    with session.no_autoflush:  # the domains above wait for the commit
        for model, values in ((AdminContact, admins), (SupportContact, supports)):
            if values:
                session.execute(sa.insert(model), values)


def _new_account_id(session: Session) -> str:
    for _ in range(20):
        candidate = wizard_path.generate_account_id()
        exists = session.exec(select(Customer.id).where(Customer.account_id == candidate)).first()
        if exists is None:
            return candidate
    raise RuntimeError("could not find a free account ID")
