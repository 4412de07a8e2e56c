"""What the account page shows of a customer's own account."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session

from cloudlink_app.domain import wizard_path
from cloudlink_app.models import Customer


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
