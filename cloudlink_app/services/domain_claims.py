"""Who claims an email domain: a domain belongs to one customer account only, and
these queries say which domains another account has (services/customers.py checks
them when it saves; the live check of the Customer step and the import ask before).
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.models import Customer, EmailDomain


def domain_claimed_elsewhere(session: Session, normalized: str, customer_id: int | None) -> bool:
    """Whether another customer account has claimed this (normalised) domain."""
    query = select(EmailDomain.id).where(EmailDomain.normalized == normalized)
    if customer_id is not None:
        query = query.where(EmailDomain.customer_id != customer_id)
    return session.exec(query.limit(1)).first() is not None


def domains_taken(
    session: Session, normalized: Collection[str], customer_id: int | None
) -> set[str]:
    """Which of these (normalised) domains another customer account has claimed:
    ``domain_claimed_elsewhere`` for each, in one query (none for none). A save asks
    this once for all its domains (one query per domain before)."""
    if not normalized:
        return set()
    query = select(EmailDomain.normalized).where(
        col(EmailDomain.normalized).in_(sorted(normalized))
    )
    if customer_id is not None:
        query = query.where(EmailDomain.customer_id != customer_id)
    return {value for value in session.exec(query) if value is not None}


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
