"""The customers a user sees, found by account ID: the scope of every customer query.

A partner user sees every customer of their partner ("All customers"), or only the
ones selected for them (``user_customer``; SPEC "The partner's team"). Every service
that reads or changes customers takes a ``CustomerScope`` (``users.CurrentUser.scope``)
and finds them through ``customers_in`` or ``owned_customer``: the dashboard's list,
search and counts, a step opened by URL, problem reports, deleting drafts. A customer
outside the scope (another partner's, or not selected) is reported exactly like one
that does not exist, so ids from the browser never reach it.
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.models import Customer, UserCustomer


class CustomerNotFound(Exception):
    """No such customer in the user's scope (missing, another partner's, or not
    selected for them)."""


@dataclasses.dataclass(frozen=True)
class CustomerScope:
    """A partner's customers, all of them or the selection of one user."""

    partner_id: int
    # The user whose selection limits the scope; None: every customer of the partner.
    selected_for: int | None = None

    @property
    def limited(self) -> bool:
        """Whether only a user's selected customers are in scope."""
        return self.selected_for is not None


def customers_in(scope: CustomerScope, *, partner_index: bool = True) -> sa.ColumnElement[bool]:
    """The condition on ``Customer`` rows in ``scope``. ``partner_index=False`` keeps
    SQLite's planner off the (partner_id, ...) indexes ("+ 0"), for a query that finds
    its few rows another way (a search's candidates, a short selection) and would
    otherwise walk all the partner's rows in date order."""
    partner = col(Customer.partner_id) if partner_index else col(Customer.partner_id) + 0
    condition = partner == scope.partner_id
    if scope.selected_for is not None:
        selected = select(UserCustomer.customer_id).where(
            UserCustomer.user_id == scope.selected_for
        )
        condition = sa.and_(condition, col(Customer.id).in_(selected))
    return condition


def add_to_selection(session: Session, scope: CustomerScope, customer_id: int) -> None:
    """A customer a limited user creates is added to their selection (in the caller's
    transaction); nothing for a user who sees all customers."""
    if scope.selected_for is not None:
        session.add(UserCustomer(user_id=scope.selected_for, customer_id=customer_id))


def owned_customer(session: Session, scope: CustomerScope, account_id: str) -> Customer:
    """The customer in ``scope`` with this account ID; raises CustomerNotFound."""
    customer = session.exec(
        select(Customer).where(Customer.account_id == account_id, customers_in(scope))
    ).first()
    if customer is None:
        raise CustomerNotFound(account_id)
    return customer


def customer_id_of(session: Session, scope: CustomerScope, account_id: str) -> int | None:
    """The database id of a customer in ``scope``, or None when there is none."""
    if not account_id:
        return None
    try:
        return owned_customer(session, scope, account_id).id
    except CustomerNotFound:
        return None


@dataclasses.dataclass(frozen=True)
class CustomerOwner:
    """Whose a customer is, as read from its row: what the permission table asks
    about (users.CurrentUser.may)."""

    partner_id: int
    customer_id: int


def customer_owner(session: Session, scope: CustomerScope, account_id: str) -> CustomerOwner | None:
    """The customer in ``scope`` with this account ID as the permission table needs it,
    or None when there is no such customer in it."""
    if not account_id:
        return None
    try:
        customer = owned_customer(session, scope, account_id)
    except CustomerNotFound:
        return None
    if customer.id is None:  # a stored row always has one
        return None
    return CustomerOwner(partner_id=customer.partner_id, customer_id=customer.id)
