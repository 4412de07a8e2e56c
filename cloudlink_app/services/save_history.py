"""The save history of a customer and its optimistic lock.

Every save names the version of the customer it started from; ``update_with_version``
writes only when nobody saved in between (VersionConflict otherwise), so all steps
share one lock, and keeps the dashboard status up to date. Each save adds a line to the
audit trail (``record_save``), which the Review page shows (``recent_saves``).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select

from cloudlink_app.domain import wizard_path
from cloudlink_app.models import AppUser, Customer, SaveRecord
from cloudlink_app.services import owned_customers
from cloudlink_app.services.owned_customers import CustomerScope


class VersionConflict(Exception):
    """Someone else saved the customer since this user loaded it."""


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
    session: Session, scope: CustomerScope, account_id: str, limit: int = 5
) -> list[SaveEntry]:
    """The customer's last saves, newest first, with who made them."""
    customer = owned_customers.owned_customer(session, scope, account_id)
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


def newest_save_id(session: Session, customer_id: int) -> int:
    """The id of the customer's newest save (``recent_saves``' first), 0 when none:
    one query, for a caller that has read the customer in its user's scope."""
    newest = session.exec(
        select(SaveRecord.id)
        .where(SaveRecord.customer_id == customer_id)
        .order_by(col(SaveRecord.saved_at).desc(), col(SaveRecord.id).desc())
        .limit(1)
    ).first()
    return newest or 0


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
