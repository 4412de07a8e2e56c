"""The Partner dashboard's list: a page of the partner's customers, the search, and
the counts (by status, registered users, open problem reports)."""

from __future__ import annotations

import dataclasses
import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app import models
from cloudlink_app.domain import statuses
from cloudlink_app.models import AppUser, Customer, EmailDomain, ProblemReport
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

    Only the page's rows are read. The count is a second statement, skipped when the
    page itself shows where the list ends (a short, non-empty page, or a short first
    page): a selective search then scans the partner's rows once instead of twice.
    """
    query = search_select(
        session,
        scope,
        search,
        Customer.account_id,
        Customer.name,
        Customer.status,
        Customer.updated_at,
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


def search_select(session: Session, scope: CustomerScope, search: str, *columns):
    """The SELECT of ``columns`` over the customers in ``scope`` that ``search`` finds
    (a name, account ID or email domain containing it), unordered: the dashboard's
    pages and the export (services/customer_export.py) find the same customers."""
    term = search.strip().lower()
    like = f"%{_escape_like(term)}%"
    candidates = _search_candidates(session, scope.partner_id, term, like) if term else None
    mine = owned_customers.customers_in(scope)
    if (candidates is not None or scope.limited) and session.get_bind().dialect.name == "sqlite":
        # Found by the index or the user's selection: look them up by id and sort them,
        # rather than walk the partner's index in date order checking each customer
        # (SQLite's planner picks the walk for the ORDER BY).
        mine = owned_customers.customers_in(scope, partner_index=False)
    query = select(*columns).where(mine)
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
    return query


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
