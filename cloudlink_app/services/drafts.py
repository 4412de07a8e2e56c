"""Deleting a draft: a customer not onboarded yet, with its rows."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from cloudlink_app.domain import wizard_path
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
    UserCustomer,
)
from cloudlink_app.services import owned_customers
from cloudlink_app.services.owned_customers import CustomerScope


class NotADraft(Exception):
    """The customer is onboarded: only drafts can be deleted."""


def delete_draft(session: Session, scope: CustomerScope, account_id: str) -> str:
    """Delete a customer that is not onboarded, with its email domains and contacts, in
    one transaction; returns its name. Its connection checks are kept (the audit trail
    and the users' rate limit), no longer linked to it but naming its account ID.

    Raises CustomerNotFound (missing, or outside the caller's scope) or NotADraft. The customer
    is deleted only if it is still not onboarded when the transaction runs, so a draft
    onboarded by someone else a moment ago is kept. Its account admins (if any) keep
    their sign-in but no longer reach a customer.
    """
    customer = owned_customers.owned_customer(session, scope, account_id)
    if customer.onboarded or customer.status == wizard_path.ONBOARDED:
        raise NotADraft(account_id)
    name = customer.name
    try:
        for model in (EmailDomain, AdminContact, SupportContact, SaveRecord, UserCustomer):
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
                    col(Customer.partner_id) == scope.partner_id,
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
            raise (
                NotADraft(account_id)
                if still_there
                else owned_customers.CustomerNotFound(account_id)
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return name
