"""Users and partners: who is calling and what they may do.

The demo accounts live with the demo data (cloudlink_app.demo_data.accounts).
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain import permissions
from cloudlink_app.domain.contacts import email_key
from cloudlink_app.models import AppUser, Partner
from cloudlink_app.services.owned_customers import CustomerScope

PARTNER_ROLE = permissions.PARTNER_ROLE
ACCOUNT_ADMIN_ROLE = permissions.ACCOUNT_ADMIN_ROLE


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
    # A partner user who sees only the customers selected for them has False.
    all_customers: bool = True

    @property
    def scope(self) -> CustomerScope:
        """The customers this user's queries may reach (services/owned_customers.py):
        the partner's, or their selection of them."""
        return CustomerScope(self.partner_id, None if self.all_customers else self.id)

    def can(self, action: str) -> bool:
        """Whether this user's role has ``action`` for some customer at all
        (domain.permissions.role_has): what a page offers them."""
        return permissions.role_has(self.role, action)

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
    assert user.id is not None  # a stored row
    return CurrentUser(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        partner_id=user.partner_id,
        customer_id=user.customer_id,
        all_customers=user.all_customers or user.role == ACCOUNT_ADMIN_ROLE,
    )


def stored_id(row: AppUser | Partner) -> int:
    """The id of a stored user or partner row; ValueError for one not stored (flushed)
    yet."""
    if row.id is None:
        raise ValueError(f"{row!r} has no id yet")
    return row.id


def user_with_email(session: Session, email: str) -> AppUser | None:
    """The user whose address is ``email`` in any letter case (contacts.email_key), or
    None: how sign-in and the accounts tool find a user."""
    return session.exec(
        select(AppUser).where(sa.func.lower(col(AppUser.email)) == email_key(email))
    ).first()


def role_of(session: Session, email: str) -> str | None:
    """The role of the user with this address (any letter case), None for no user."""
    user = user_with_email(session, email)
    return None if user is None else user.role


def find_user(session: Session, email: str) -> CurrentUser | None:
    """The user with this email address, or None."""
    user = session.exec(select(AppUser).where(AppUser.email == email)).first()
    return None if user is None else current_user(user)


def is_demo_account(session: Session, user: AppUser) -> bool:
    """Whether ``user`` is a demo account: a user of a demo partner (made by the demo
    data), who signs in only in demo mode."""
    partner = session.get(Partner, user.partner_id)
    return partner is not None and partner.is_demo


def ui_language_of(session: Session, user_id: int) -> str | None:
    """The UI language the user chose last ("en", "nl"), which their pages open in;
    None when they never chose one or there is no such user."""
    user = session.get(AppUser, user_id)
    return None if user is None else user.ui_language


def save_ui_language(session: Session, user_id: int, lang: str) -> None:
    """Remember ``lang`` as the user's UI language and commit; nothing is written when
    it is theirs already or the user is gone. The caller checks ``lang`` (one of
    i18n.UI_LANGUAGES)."""
    user = session.get(AppUser, user_id)
    if user is not None and user.ui_language != lang:
        user.ui_language = lang
        session.add(user)
        session.commit()
