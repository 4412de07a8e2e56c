"""The demo accounts: two partners' users and one account admin, all with one password.

Demo deployments only: the sign-in page lists them in demo mode, and the demo data and
the tests create them. Every partner made here is marked ``is_demo``: a demo account is
a user of a demo partner, who signs in only in demo mode (services.signing_in.sign_in), and
outside demo mode the app does not start while one exists (services.startup). (The
migration that added the mark marked the partners of the demo accounts that were already
there.) Nothing in the app's services depends on this module.
"""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, col, select

from cloudlink_app.domain import permissions
from cloudlink_app.models import AppUser, Partner
from cloudlink_app.services import password_hashing

DEMO_PARTNER_NAME = "Northwind Telecom"
DEMO_OTHER_PARTNER_NAME = "Contoso Communications"
DEMO_PARTNER_EMAIL = "anna.devries@northwind-telecom.example"
# The password of every demo account: demo deployments only (ensure_demo_users).
DEMO_PASSWORD = "cloudlink-demo-2026"


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    """One demo user. An account admin's customer is linked by the demo data loader
    once that customer exists."""

    email: str
    display_name: str
    role: str  # one of permissions.ROLES
    partner_name: str
    # A partner user who sees only this many of the partner's customers (the first by
    # name; demo_data.loader selects them); None: all customers.
    selected_customers: int | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        DEMO_PARTNER_EMAIL, "Anna de Vries", permissions.PARTNER_ADMIN_ROLE, DEMO_PARTNER_NAME
    ),
    DemoAccount(
        "jeroen.bakker@northwind-telecom.example",
        "Jeroen Bakker",
        permissions.PARTNER_ROLE,
        DEMO_PARTNER_NAME,
        selected_customers=5,
    ),
    DemoAccount(
        "liam.peeters@contoso-comms.example",
        "Liam Peeters",
        permissions.PARTNER_ADMIN_ROLE,
        DEMO_OTHER_PARTNER_NAME,
    ),
    DemoAccount(
        "emma.schmidt@contoso-comms.example",
        "Emma Schmidt",
        permissions.PARTNER_ROLE,
        DEMO_OTHER_PARTNER_NAME,
    ),
    DemoAccount(
        "sanne@vandermeer-bakkerij.nl",
        "Sanne van der Meer",
        permissions.ACCOUNT_ADMIN_ROLE,
        DEMO_PARTNER_NAME,
    ),
)


def demo_account(email: str) -> DemoAccount:
    """The demo account with this email address; raises KeyError."""
    for account in DEMO_ACCOUNTS:
        if account.email == email:
            return account
    raise KeyError(email)


def ensure_demo_partner(session: Session) -> int:
    """Create the demo partner and its first user (without a password) when missing;
    return the partner id."""
    user = session.exec(select(AppUser).where(AppUser.email == DEMO_PARTNER_EMAIL)).first()
    if user is not None:
        return user.partner_id
    partner_id = _new_partner(session, DEMO_PARTNER_NAME)
    first = demo_account(DEMO_PARTNER_EMAIL)
    session.add(
        AppUser(
            email=first.email,
            display_name=first.display_name,
            role=first.role,
            partner_id=partner_id,
        )
    )
    session.commit()
    return partner_id


def ensure_demo_users(session: Session) -> dict[str, int]:
    """Create the demo partners and DEMO_ACCOUNTS when missing, each with the password
    DEMO_PASSWORD, and give existing demo users without a password that one; returns
    email -> user id. Changes nothing when all are there with a password."""
    partner_ids = {DEMO_PARTNER_NAME: ensure_demo_partner(session)}
    emails = [account.email for account in DEMO_ACCOUNTS]
    existing = {
        user.email: user
        for user in session.exec(select(AppUser).where(col(AppUser.email).in_(emails)))
    }
    for account in DEMO_ACCOUNTS:
        # A demo partner is the one its demo users already belong to.
        if account.email in existing and account.role in permissions.PARTNER_ROLES:
            partner_ids.setdefault(account.partner_name, existing[account.email].partner_id)
    changed = False
    for account in DEMO_ACCOUNTS:
        user = existing.get(account.email)
        if user is None:
            if account.partner_name not in partner_ids:
                partner_ids[account.partner_name] = _partner_id(session, account.partner_name)
            user = AppUser(
                email=account.email,
                display_name=account.display_name,
                role=account.role,
                partner_id=partner_ids[account.partner_name],
            )
            existing[account.email] = user
        elif user.password_hash:
            continue
        # Through the module: tests replace password_hashing.hash_password by a faster one.
        user.password_hash = password_hashing.hash_password(DEMO_PASSWORD)
        session.add(user)
        changed = True
    if changed:
        session.commit()
    return {email: _id(existing[email]) for email in emails}


def _partner_id(session: Session, name: str) -> int:
    """The demo partner with this name, created when missing. Only a demo partner is
    reused: a real partner of the same name never gets the demo users."""
    partner = session.exec(
        select(Partner).where(Partner.name == name, col(Partner.is_demo).is_(True))
    ).first()
    return _new_partner(session, name) if partner is None else _id(partner)


def _new_partner(session: Session, name: str) -> int:
    partner = Partner(name=name, is_demo=True)
    session.add(partner)
    session.flush()
    return _id(partner)


def _id(row: AppUser | Partner) -> int:
    # Rows read or flushed have their id; the type allows None only before that.
    if row.id is None:
        raise ValueError(f"{row!r} has no id yet")
    return row.id
