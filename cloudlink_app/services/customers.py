"""Customers on the database, always scoped by the caller's partner.

A customer that is not the partner's is reported exactly like one that does not
exist, so ids from the browser can never reach another partner's data.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloudlink_app import models
from cloudlink_app.domain import contacts, domains, forms, statuses, validation, wizard_path
from cloudlink_app.domain.address import normalise_postal_code
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    ConnectionCheck,
    Customer,
    EmailDomain,
    OutboxMessage,
    ProblemReport,
    SaveRecord,
    SupportContact,
    utc_now,
)
from cloudlink_app.services import (
    database,  # noqa: F401  (Unicode lower() on SQLite, for search)
    invitations,
)


class CustomerNotFound(Exception):
    """No such customer for this partner (missing, or another partner's)."""


class VersionConflict(Exception):
    """Someone else saved the customer since this user loaded it."""


class NotADraft(Exception):
    """The customer is onboarded: only drafts can be deleted."""


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


@dataclasses.dataclass
class CustomerListRow:
    """One line of the Partner dashboard."""

    account_id: str
    name: str
    status: str  # as stored: "next:<step>", "problem:<key>" or "onboarded"
    updated_at: datetime.datetime


@dataclasses.dataclass
class StatusCounts:
    """How many of a partner's customers are in progress, have a problem, are onboarded."""

    in_progress: int = 0
    problems: int = 0
    onboarded: int = 0

    @property
    def total(self) -> int:
        """All of the partner's customers."""
        return self.in_progress + self.problems + self.onboarded


def owned_customer(session: Session, partner_id: int, account_id: str) -> Customer:
    """The partner's customer with this account ID; raises CustomerNotFound."""
    customer = session.exec(
        select(Customer).where(Customer.account_id == account_id, Customer.partner_id == partner_id)
    ).first()
    if customer is None:
        raise CustomerNotFound(account_id)
    return customer


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


def customer_id_of(session: Session, partner_id: int, account_id: str) -> int | None:
    """The database id of a partner's customer, or None when there is none."""
    if not account_id:
        return None
    try:
        return owned_customer(session, partner_id, account_id).id
    except CustomerNotFound:
        return None


@dataclasses.dataclass(frozen=True)
class CustomerOwner:
    """Whose a customer is, as read from its row: what the permission table asks
    about (users.CurrentUser.may)."""

    partner_id: int
    customer_id: int


def customer_owner(session: Session, partner_id: int, account_id: str) -> CustomerOwner | None:
    """The partner's customer with this account ID as the permission table needs it, or
    None when the partner has no such customer."""
    if not account_id:
        return None
    try:
        customer = owned_customer(session, partner_id, account_id)
    except CustomerNotFound:
        return None
    if customer.id is None:  # a stored row always has one
        return None
    return CustomerOwner(partner_id=customer.partner_id, customer_id=customer.id)


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


def load_customer(session: Session, partner_id: int, account_id: str) -> CustomerRecord:
    """The customer with its lists, as stored; raises CustomerNotFound."""
    customer = owned_customer(session, partner_id, account_id)

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
        normal = _try_normalize_domain(row.value)
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
    partner_id: int,
    account_id: str | None,
    expected_version: int | None,
    form: forms.CustomerForm,
    complete: bool,
    saved_by: int | None = None,
) -> CustomerRecord:
    """Insert or update the customer and its lists in one transaction.

    ``complete`` (Next) stores normal forms and marks the Customer step complete; the
    form must have passed validation. Otherwise (Save and return) it stores the draft
    as typed. Raises CustomerNotFound, VersionConflict or DomainClaimed.
    """
    if account_id:
        customer = owned_customer(session, partner_id, account_id)
        if customer.version != expected_version:
            raise VersionConflict(account_id)
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
    try:
        if customer is None:
            values["status"] = wizard_path.status_for(completed)
            customer = Customer(
                account_id=_new_account_id(session), partner_id=partner_id, **values
            )
            session.add(customer)
            session.flush()
        else:
            update_with_version(session, customer, values)
            assert customer.id is not None  # a stored row
            before = invitations.contact_emails(session, customer.id)
            for model in (EmailDomain, AdminContact, SupportContact):
                session.execute(sa.delete(model).where(col(model.customer_id) == customer.id))
        assert customer.id is not None  # stored (flushed or loaded) by now
        _add_rows(session, customer.id, form)
        record_save(session, customer.id, wizard_path.CUSTOMER, saved_by)
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
        )
        session.commit()
    except IntegrityError as error:
        session.rollback()
        # Another account claimed a domain between the check and the insert.
        existing_id = customer.id if account_id and customer is not None else None
        claimed = [
            forms.domain_field(row.id)
            for row in form.email_domains
            if (normal := _try_normalize_domain(row.value))
            and domain_claimed_elsewhere(session, normal, existing_id)
        ]
        if claimed:
            raise DomainClaimed(claimed) from error
        raise
    # The UPDATE above bypassed the identity map: without this, the record returned
    # would carry the customer as it was before the save (its old version above all).
    session.expire_all()
    return load_customer(session, partner_id, customer.account_id)


def record_save(session: Session, customer_id: int, step: str, saved_by: int | None) -> None:
    """The audit trail: who saved which step, now (committed with the save)."""
    session.add(SaveRecord(customer_id=customer_id, user_id=saved_by, step=step))


@dataclasses.dataclass
class SaveEntry:
    """One line of the audit trail as the Review page shows it."""

    user_name: str
    step: str
    saved_at: datetime.datetime
    # The save_record row's id: later saves have greater ones (one customer's saves
    # are serialised by its row's version check).
    save_id: int = 0


def recent_saves(
    session: Session, partner_id: int, account_id: str, limit: int = 5
) -> list[SaveEntry]:
    """The customer's last saves, newest first, with who made them."""
    customer = owned_customer(session, partner_id, account_id)
    rows = session.exec(
        select(SaveRecord, AppUser.display_name)
        .join(AppUser, col(AppUser.id) == col(SaveRecord.user_id), isouter=True)
        .where(SaveRecord.customer_id == customer.id)
        .order_by(col(SaveRecord.saved_at).desc(), col(SaveRecord.id).desc())
        .limit(limit)
    ).all()
    return [
        SaveEntry(name or "", record.step, record.saved_at, record.id or 0) for record, name in rows
    ]


def update_with_version(session: Session, customer: Customer, values: dict) -> None:
    """Update the customer's row with ``values`` (and a fresh status) unless someone
    saved it since ``customer`` was read: the optimistic lock. Raises VersionConflict;
    the caller commits."""
    merged = {
        name: values.get(name, getattr(customer, name))
        for name in ("completed_steps", "deployment_type", "onboarded", "connection_skipped")
    }
    values = {
        **values,
        "status": wizard_path.status_for(
            wizard_path.parse_completed(merged["completed_steps"]),
            merged["deployment_type"],
            merged["onboarded"],
            merged["connection_skipped"],
        ),
    }
    # An UPDATE's result is a CursorResult, which has the rowcount.
    updated = cast(
        "CursorResult[Any]",
        session.execute(
            sa.update(Customer)
            .where(col(Customer.id) == customer.id, col(Customer.version) == customer.version)
            .values(version=customer.version + 1, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if updated.rowcount != 1:
        raise VersionConflict(customer.account_id)


def _try_normalize_domain(value: str) -> str | None:
    try:
        return domains.normalize_domain(value)
    except domains.DomainError:
        return None


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


def list_customers(
    session: Session, partner_id: int, search: str = "", page: int = 1, page_size: int = 25
) -> tuple[list[CustomerListRow], int]:
    """A page of the partner's customers, last saved first, and how many match in all.

    Only the page's rows are read. The count is a second statement, skipped when the
    page itself shows where the list ends (a short, non-empty page, or a short first
    page): a selective search then scans the partner's rows once instead of twice.
    """
    term = search.strip().lower()
    like = f"%{_escape_like(term)}%"
    candidates = _search_candidates(session, partner_id, term, like) if term else None
    mine = Customer.partner_id == partner_id
    if candidates is not None and session.get_bind().dialect.name == "sqlite":
        # Found by the index: look the candidates up by id and sort them, rather than
        # walk the partner's index in date order checking each customer (SQLite's
        # planner picks the walk for the ORDER BY: "+ 0" keeps the index out).
        mine = (Customer.partner_id + 0) == partner_id
    query = select(Customer.account_id, Customer.name, Customer.status, Customer.updated_at).where(
        mine
    )
    if candidates is not None:
        query = query.where(col(Customer.id).in_(candidates))
    if term:
        domain_match = (
            select(EmailDomain.id)
            .where(
                EmailDomain.customer_id == Customer.id,
                sa.or_(
                    sa.func.lower(EmailDomain.domain).like(like, escape="\\"),
                    col(EmailDomain.normalized).like(like, escape="\\"),
                ),
            )
            .exists()
        )
        query = query.where(
            sa.or_(
                sa.func.lower(Customer.name).like(like, escape="\\"),
                sa.func.lower(Customer.account_id).like(like, escape="\\"),
                domain_match,
            )
        )
    page = max(1, page)
    found = session.exec(
        query.order_by(col(Customer.updated_at).desc(), col(Customer.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    rows = [
        CustomerListRow(account_id=account_id, name=name, status=status, updated_at=updated)
        for account_id, name, status, updated in found
    ]
    if len(rows) < page_size and (rows or page == 1):
        total = (page - 1) * page_size + len(rows)
    else:
        total = session.exec(select(sa.func.count()).select_from(query.subquery())).one()
    return rows, total


# Trigrams need three characters: a shorter term is searched by the LIKE conditions
# alone (it matches so many customers that scanning them is as quick).
SEARCH_INDEX_MIN = 3


def _search_candidates(session: Session, partner_id: int, term: str, like: str):
    """The ids of the customers a search term may match, from the trigram index (a
    subquery), or None when the index cannot help (a term shorter than three
    characters, a database without one). A superset of the LIKE conditions' matches:
    the page's query keeps those conditions, so the results are theirs exactly.

    SQLite: the FTS5 table customer_search (models.SQLITE_SEARCH_DDL), the term as one
    phrase (the trigram tokenizer matches it as a substring, case-folded). PostgreSQL:
    ILIKE on each column, which its pg_trgm GIN index serves, one branch per index.
    """
    if len(term) < SEARCH_INDEX_MIN:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        phrase = '"' + term.replace('"', '""') + '"'
        search = sa.table(models.SEARCH_TABLE, sa.column("rowid"))
        return sa.select(search.c.rowid).where(
            sa.literal_column(models.SEARCH_TABLE).op("MATCH")(sa.literal(phrase))
        )
    if dialect == "postgresql":
        return sa.union(
            sa.select(col(Customer.id)).where(
                col(Customer.partner_id) == partner_id,
                col(Customer.name).ilike(like, escape="\\"),
            ),
            sa.select(col(Customer.id)).where(
                col(Customer.partner_id) == partner_id,
                col(Customer.account_id).ilike(like, escape="\\"),
            ),
            sa.select(col(EmailDomain.customer_id)).where(
                sa.or_(
                    col(EmailDomain.domain).ilike(like, escape="\\"),
                    col(EmailDomain.normalized).ilike(like, escape="\\"),
                )
            ),
        )
    return None


def status_counts(session: Session, partner_id: int) -> StatusCounts:
    """How many of the partner's customers have each kind of status: one GROUP BY on
    the (partner_id, status) index, whatever the number of customers."""
    counts = StatusCounts()
    grouped = session.exec(
        select(Customer.status, sa.func.count())
        .where(Customer.partner_id == partner_id)
        .group_by(Customer.status)
    ).all()
    for status, number in grouped:
        kind = statuses.status_kind(status)
        if kind == statuses.ONBOARDED:
            counts.onboarded += number
        elif kind == statuses.PROBLEM:
            counts.problems += number
        else:
            counts.in_progress += number
    return counts


def delete_draft(session: Session, partner_id: int, account_id: str) -> str:
    """Delete a customer that is not onboarded, with its email domains and contacts, in
    one transaction; returns its name. Its connection checks are kept (the audit trail
    and the users' rate limit), no longer linked to it but naming its account ID.

    Raises CustomerNotFound (missing, or another partner's) or NotADraft. The customer
    is deleted only if it is still not onboarded when the transaction runs, so a draft
    onboarded by someone else a moment ago is kept. Its account admins (if any) keep
    their sign-in but no longer reach a customer.
    """
    customer = owned_customer(session, partner_id, account_id)
    if customer.onboarded or customer.status == wizard_path.ONBOARDED:
        raise NotADraft(account_id)
    name = customer.name
    try:
        for model in (EmailDomain, AdminContact, SupportContact, SaveRecord):
            session.execute(sa.delete(model).where(col(model.customer_id) == customer.id))
        # As ON DELETE SET NULL would (SQLite enforces no foreign keys here): checks,
        # problem reports and outbox messages outlive the draft.
        for kept in (ConnectionCheck, ProblemReport, OutboxMessage):
            session.execute(
                sa.update(kept).where(col(kept.customer_id) == customer.id).values(customer_id=None)
            )
        session.execute(
            sa.update(AppUser)
            .where(col(AppUser.customer_id) == customer.id)
            .values(customer_id=None)
        )
        # A DELETE's result is a CursorResult, which has the rowcount.
        deleted = cast(
            "CursorResult[Any]",
            session.execute(
                sa.delete(Customer).where(
                    col(Customer.id) == customer.id,
                    col(Customer.partner_id) == partner_id,
                    sa.not_(col(Customer.onboarded)),
                    col(Customer.status) != wizard_path.ONBOARDED,
                )
            ),
        )
        if deleted.rowcount != 1:
            # Onboarded, or deleted by someone else, since it was read above.
            still_there = session.execute(
                sa.select(col(Customer.id)).where(col(Customer.id) == customer.id)
            ).first()
            raise NotADraft(account_id) if still_there else CustomerNotFound(account_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return name


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
