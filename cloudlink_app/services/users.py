"""Users and partners: who is calling, and the demo partner the app runs as."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, select

from cloudlink_app.models import AppUser, Partner

PARTNER_ROLE = "partner"
ACCOUNT_ADMIN_ROLE = "account_admin"
DEMO_PARTNER_EMAIL = "anna.devries@northwind-telecom.example"
DEMO_PARTNER_NAME = "Northwind Telecom"


class NotSignedIn(Exception):
    """No user is signed in (or the user no longer exists)."""


@dataclasses.dataclass(frozen=True)
class CurrentUser:
    """The caller of an event, as read from the database."""

    id: int
    email: str
    display_name: str
    role: str
    partner_id: int
    customer_id: int | None

    @property
    def is_partner(self) -> bool:
        """Partner users see the dashboard and may Save and return."""
        return self.role == PARTNER_ROLE

    def may_edit(self, customer_id: int | None) -> bool:
        """Partner users edit their partner's customers (and create new ones: None);
        an account admin only their own customer. The partner scope itself is applied
        by the services' queries."""
        if self.is_partner:
            return True
        return customer_id is not None and customer_id == self.customer_id


def find_user(session: Session, email: str) -> CurrentUser | None:
    """The user with this email address, or None."""
    user = session.exec(select(AppUser).where(AppUser.email == email)).first()
    if user is None:
        return None
    return CurrentUser(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        partner_id=user.partner_id,
        customer_id=user.customer_id,
    )


def ensure_demo_partner(session: Session) -> int:
    """Create the demo partner and its user when missing; return the partner id."""
    user = session.exec(select(AppUser).where(AppUser.email == DEMO_PARTNER_EMAIL)).first()
    if user is not None:
        return user.partner_id
    partner = Partner(name=DEMO_PARTNER_NAME)
    session.add(partner)
    session.flush()
    session.add(
        AppUser(
            email=DEMO_PARTNER_EMAIL,
            display_name="Anna de Vries",
            role=PARTNER_ROLE,
            partner_id=partner.id,
        )
    )
    session.commit()
    return partner.id
