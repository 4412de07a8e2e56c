"""Users and partners: who is calling, what they may do, and the demo accounts."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, col, select

from cloudlink_app.domain import permissions
from cloudlink_app.models import AppUser, Partner

PARTNER_ROLE = permissions.PARTNER_ROLE
ACCOUNT_ADMIN_ROLE = permissions.ACCOUNT_ADMIN_ROLE
DEMO_PARTNER_EMAIL = "anna.devries@northwind-telecom.example"
DEMO_PARTNER_NAME = "Northwind Telecom"
DEMO_OTHER_PARTNER_NAME = "Contoso Communications"

# The password of every demo account: demo deployments only (ensure_demo_users).
DEMO_PASSWORD = "cloudlink-demo-2026"
# (email, display name, role, partner name). The account admin's customer is linked by
# demo_data once that customer exists.
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    (DEMO_PARTNER_EMAIL, "Anna de Vries", PARTNER_ROLE, DEMO_PARTNER_NAME),
    ("jeroen.bakker@northwind-telecom.example", "Jeroen Bakker", PARTNER_ROLE,
     DEMO_PARTNER_NAME),
    ("liam.peeters@contoso-comms.example", "Liam Peeters", PARTNER_ROLE,
     DEMO_OTHER_PARTNER_NAME),
    ("emma.schmidt@contoso-comms.example", "Emma Schmidt", PARTNER_ROLE,
     DEMO_OTHER_PARTNER_NAME),
    ("sanne@vandermeer-bakkerij.nl", "Sanne van der Meer", ACCOUNT_ADMIN_ROLE,
     DEMO_PARTNER_NAME),
]


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

    def may(
        self,
        action: str,
        customer_partner_id: int | None = None,
        customer_id: int | None = None,
    ) -> bool:
        """Whether this user may do ``action`` (domain.permissions.ACTIONS), on the
        customer with id ``customer_id`` of partner ``customer_partner_id`` when the
        action concerns one: pass both, as read from the customer's row."""
        same_partner = customer_partner_id is not None and customer_partner_id == self.partner_id
        own_customer = (
            customer_id is not None
            and self.customer_id is not None
            and customer_id == self.customer_id
        )
        return permissions.may(
            self.role, action, same_partner=same_partner, own_customer=own_customer
        )


def current_user(user: AppUser) -> CurrentUser:
    """The caller as the states see it, from the user's row."""
    return CurrentUser(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        partner_id=user.partner_id,
        customer_id=user.customer_id,
    )


def find_user(session: Session, email: str) -> CurrentUser | None:
    """The user with this email address, or None."""
    user = session.exec(select(AppUser).where(AppUser.email == email)).first()
    return None if user is None else current_user(user)


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


def ensure_demo_users(session: Session) -> dict[str, int]:
    """Create the demo partners and DEMO_ACCOUNTS when missing, each with the password
    DEMO_PASSWORD, and give existing demo users without a password that one; returns
    email -> user id. Changes nothing when all are there with a password."""
    from cloudlink_app.services.auth import hash_password  # auth imports this module

    partner_ids = {DEMO_PARTNER_NAME: ensure_demo_partner(session)}
    existing = {
        user.email: user
        for user in session.exec(
            select(AppUser).where(col(AppUser.email).in_([a[0] for a in DEMO_ACCOUNTS]))
        )
    }
    for email, _, role, partner_name in DEMO_ACCOUNTS:
        # A demo partner is the one its demo users already belong to.
        if email in existing and role == PARTNER_ROLE:
            partner_ids.setdefault(partner_name, existing[email].partner_id)
    changed = False
    for email, display_name, role, partner_name in DEMO_ACCOUNTS:
        user = existing.get(email)
        if user is None:
            if partner_name not in partner_ids:
                partner = session.exec(
                    select(Partner).where(Partner.name == partner_name)
                ).first()
                if partner is None:
                    partner = Partner(name=partner_name)
                    session.add(partner)
                    session.flush()
                partner_ids[partner_name] = partner.id
            user = AppUser(
                email=email,
                display_name=display_name,
                role=role,
                partner_id=partner_ids[partner_name],
            )
            existing[email] = user
        elif user.password_hash:
            continue
        user.password_hash = hash_password(DEMO_PASSWORD)
        session.add(user)
        changed = True
    if changed:
        session.commit()
    return {email: existing[email].id for email, *_ in DEMO_ACCOUNTS}
