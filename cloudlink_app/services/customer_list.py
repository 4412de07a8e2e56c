"""The Partner dashboard's list: a page of the partner's customers, the search, and
the counts (by status, registered users, open problem reports)."""

from __future__ import annotations

import dataclasses
import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app import models
from cloudlink_app.domain import statuses
from cloudlink_app.models import (
    AppUser,
    Customer,
    CustomerSearchEntry,
    EmailDomain,
    ProblemReport,
    UserCustomer,
)
from cloudlink_app.models.search import SEPARATOR
from cloudlink_app.services import (
    database,  # noqa: F401  (Unicode lower() on SQLite, for search)
    owned_customers,
)
from cloudlink_app.services.owned_customers import CustomerScope


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


def list_customers(
    session: Session, scope: CustomerScope, search: str = "", page: int = 1, page_size: int = 25
) -> tuple[list[CustomerListRow], int]:
    """A page of the customers in ``scope``, last saved first, and how many match in all.

    Only the page's rows are read. A search the index serves (``_matched``) finds the
    page and the number of matches in one statement on the search table. Otherwise the
    count is a second statement, skipped when the page itself shows where the list ends
    (a short, non-empty page, or a short first page).
    """
    page = max(1, page)
    offset = (page - 1) * page_size
    term = _term(search)
    matched = _matched(session, scope, term)
    if matched is not None:
        return _indexed_page(session, scope, matched, offset, page_size)
    query = search_select(
        session,
        scope,
        search,
        Customer.account_id,
        Customer.name,
        Customer.status,
        Customer.updated_at,
    )
    found = session.exec(
        query.order_by(col(Customer.updated_at).desc(), col(Customer.id).desc())
        .offset(offset)
        .limit(page_size)
    ).all()
    rows = [
        CustomerListRow(account_id=account_id, name=name, status=status, updated_at=updated)
        for account_id, name, status, updated in found
    ]
    if len(rows) < page_size and (rows or page == 1):
        return rows, offset + len(rows)
    return rows, session.exec(select(sa.func.count()).select_from(query.subquery())).one()


def _indexed_page(
    session: Session, scope: CustomerScope, matched, offset: int, page_size: int
) -> tuple[list[CustomerListRow], int]:
    """The page of a search the index serves: the matching entries sorted by their last
    save (as the customers' own rows), the page's slice with the number of all matches
    (a window count over the same rows), then those customers' rows by id."""
    entry = CustomerSearchEntry
    picked = (
        matched.add_columns(col(entry.updated_at), sa.func.count().over().label("total"))
        .order_by(col(entry.updated_at).desc(), col(entry.customer_id).desc())
        .offset(offset)
        .limit(page_size)
        .subquery()
    )
    found = session.execute(
        sa.select(
            col(Customer.account_id),
            col(Customer.name),
            col(Customer.status),
            col(Customer.updated_at),
            picked.c.total,
        )
        .join(picked, picked.c.customer_id == col(Customer.id))
        # The entries are the scope's already; the rows shown are checked again.
        .where(owned_customers.customers_in(scope, partner_index=False))
        .order_by(picked.c.updated_at.desc(), picked.c.customer_id.desc())
    ).all()
    rows = [
        CustomerListRow(account_id=account_id, name=name, status=status, updated_at=updated)
        for account_id, name, status, updated, _total in found
    ]
    if found:
        return rows, found[0][4]
    # Past the last page: no row to carry the count.
    count = select(sa.func.count()).select_from(matched.subquery())
    return rows, session.exec(count).one()


def search_select(session: Session, scope: CustomerScope, search: str, *columns):
    """The SELECT of ``columns`` over the customers in ``scope`` that ``search`` finds
    (a name, account ID or email domain containing it), unordered: the dashboard's
    pages and the export (services/customer_export.py) find the same customers."""
    term = _term(search)
    matched = _matched(session, scope, term)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if matched is not None:
        # Found by the index: look them up by id (SQLite's planner would otherwise walk
        # the partner's index in date order for an ORDER BY, checking each customer).
        found = matched.with_only_columns(col(CustomerSearchEntry.customer_id))
        mine = owned_customers.customers_in(scope, partner_index=not sqlite)
        return select(*columns).where(mine, col(Customer.id).in_(found))
    # A user's selection: its rows by id, rather than a walk of the partner's index.
    mine = owned_customers.customers_in(scope, partner_index=not (scope.limited and sqlite))
    query = select(*columns).where(mine)
    if term:
        like = _like(term)
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
    return query


# Trigrams need three characters: SQLite's FTS5 index narrows a search down only for a
# term that long (a shorter one scans the search entries, as PostgreSQL's GIN index
# does for it).
SEARCH_INDEX_MIN = 3


def _term(search: str) -> str:
    return search.strip().lower()


def _like(term: str) -> str:
    return f"%{_escape_like(term)}%"


def _matched(session: Session, scope: CustomerScope, term: str):
    """The SELECT of the search entries (``customer_id``) in ``scope`` whose customers
    ``term`` finds, or None when the entries cannot serve it (no term, one holding the
    separator, a database without the search's triggers).

    Exactly the customers the LIKE conditions of ``search_select`` find: the entry's
    document is the customer's name, account ID and domains (as typed and normalised)
    lowered, one per line, and a term without a line break is in it exactly when it is
    in one of them (tests/unit/services/test_search_index.py compares them term by
    term). PostgreSQL: LIKE on the document, which its trigram GIN index serves.
    SQLite: LIKE on the lower()ed document (again: an entry written by a connection
    without the app's Unicode lower(), services/database.py, is still found), the
    candidates from the FTS5 trigram table (the term as one phrase: a substring,
    case-folded, so a superset) unless the user sees a selection of customers: those
    are looked up by id (as many as the selection has; the FTS5 candidates would be
    every match of the partner's).
    """
    dialect = session.get_bind().dialect.name
    if not term or SEPARATOR in term or dialect not in ("sqlite", "postgresql"):
        return None
    entry = CustomerSearchEntry
    like = _like(term)
    conditions: list[sa.ColumnElement[bool]] = []
    if scope.selected_for is not None:
        selected = select(UserCustomer.customer_id).where(
            UserCustomer.user_id == scope.selected_for
        )
        conditions.append(col(entry.customer_id).in_(selected))
    elif dialect == "sqlite" and len(term) >= SEARCH_INDEX_MIN:
        phrase = '"' + term.replace('"', '""') + '"'
        search = sa.table(models.SEARCH_TABLE, sa.column("rowid"))
        candidates = sa.select(search.c.rowid).where(
            sa.literal_column(models.SEARCH_TABLE).op("MATCH")(sa.literal(phrase))
        )
        conditions.append(col(entry.customer_id).in_(candidates))
    conditions.append(col(entry.partner_id) == scope.partner_id)
    if dialect == "sqlite":
        conditions.append(sa.func.lower(entry.document).like(like, escape="\\"))
    else:
        conditions.append(col(entry.document).like(like, escape="\\"))
    # type_coerce: the entry's id as a plain column, so that the subqueries made of
    # this SELECT do not copy (and resolve) its foreign key each time (about 0.5 ms).
    found = sa.type_coerce(col(entry.customer_id), sa.Integer).label("customer_id")
    return sa.select(found).where(*conditions)


def status_counts(session: Session, scope: CustomerScope) -> StatusCounts:
    """How many of the customers in ``scope`` have each kind of status: one GROUP BY on
    the (partner_id, status) index, whatever the number of customers (a user's
    selection: its rows by id)."""
    counts = StatusCounts()
    grouped = session.exec(
        select(Customer.status, sa.func.count())
        # A user's selection is found by id, not by walking the partner's index.
        .where(owned_customers.customers_in(scope, partner_index=not scope.limited))
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


def registered_users(
    session: Session, scope: CustomerScope, account_ids: list[str]
) -> dict[str, int]:
    """How many users of each of the partner's customers (by account ID) have set their
    password: the dashboard's "Registered users". Customers with none are left out."""
    return _count_per_customer(
        session,
        scope,
        account_ids,
        AppUser,
        col(AppUser.active).is_(True),
        col(AppUser.password_hash) != "",
    )


def open_reports(session: Session, scope: CustomerScope, account_ids: list[str]) -> dict[str, int]:
    """How many open reports each of the partner's customers (by account ID) has; those
    with none are left out."""
    return _count_per_customer(
        session, scope, account_ids, ProblemReport, col(ProblemReport.resolved_at).is_(None)
    )


def _count_per_customer(
    session: Session,
    scope: CustomerScope,
    account_ids: list[str],
    counted: type[AppUser] | type[ProblemReport],
    *conditions: sa.ColumnElement[bool],
) -> dict[str, int]:
    """How many ``counted`` rows meeting ``conditions`` each of the partner's customers
    (by account ID) has, in one GROUP BY; those with none are left out."""
    if not account_ids:
        return {}
    rows = session.exec(
        select(Customer.account_id, sa.func.count(col(counted.id)))
        .join(counted, col(counted.customer_id) == col(Customer.id))
        .where(
            owned_customers.customers_in(scope),
            col(Customer.account_id).in_(account_ids),
            *conditions,
        )
        .group_by(col(Customer.account_id))
    ).all()
    return dict(rows)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
