"""A partner's customers, found by account ID: the scope of every customer query.

A customer that is not the partner's is reported exactly like one that does not
exist, so ids from the browser can never reach another partner's data.
"""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, select

from cloudlink_app.models import Customer


class CustomerNotFound(Exception):
    """No such customer for this partner (missing, or another partner's)."""


def owned_customer(session: Session, partner_id: int, account_id: str) -> Customer:
    """The partner's customer with this account ID; raises CustomerNotFound."""
    customer = session.exec(
        select(Customer).where(Customer.account_id == account_id, Customer.partner_id == partner_id)
    ).first()
    if customer is None:
        raise CustomerNotFound(account_id)
    return customer


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
