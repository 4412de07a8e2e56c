"""Real accounts, for the accounts tool (python -m cloudlink_app.accounts): partner
organisations, their users and account admins, password resets, deactivation.

- A new user has no password: they get a one-time link to set their own, a reset gives
  a new one (services/password_links.py); the tool prints the link, and it is mailed.
- Deactivating a user ends every live session of theirs and spends their links; sign-in
  and the session lookup (services/signing_in.py, sessions.py) treat an inactive user
  as no user.
"""

from __future__ import annotations

import dataclasses
import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app import routes
from cloudlink_app.domain import permissions
from cloudlink_app.domain.contacts import EmailError, normalize_email
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE
from cloudlink_app.domain.limits import storable
from cloudlink_app.models import AppUser, Customer, Partner, utc_now_or
from cloudlink_app.services import links, password_links, team, users

NAME_MAX = 200  # the columns' size (partner.name, app_user.display_name)


class AccountError(ValueError):
    """A request the tool cannot carry out; the message says what is wrong (English:
    the tool's operators read it)."""


@dataclasses.dataclass(frozen=True)
class Link:
    """A one-time link to set a password, for the user with ``email``."""

    email: str
    url: str
    expires_at: datetime.datetime


# ---------------------------------------------------------------------------- helpers


def base_url() -> str:
    """The address the links point at (links.base_url: REFLEX_DEPLOY_URL, or in demo
    mode the backend's). Raises AccountError when there is none."""
    found = links.base_url()
    if found is None:
        raise AccountError(
            "REFLEX_DEPLOY_URL is not set, so a link would not work: set it to the app's "
            "public address (such as https://onboarding.example.com)"
        )
    return found


def link_url(token: str) -> str:
    """The one-time link of ``token``."""
    return routes.link_url(base_url(), token)


def _email(value: object) -> str:
    if not isinstance(value, str):
        raise AccountError("the email address is missing")
    try:
        return normalize_email(value)
    except EmailError as error:
        raise AccountError(f"{value!r} is not a valid email address ({error.key})") from None


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AccountError(f"the {what} is missing")
    name = value.strip()
    if len(name) > NAME_MAX or not storable(name) or any(c < " " for c in name):
        raise AccountError(f"the {what} must be at most {NAME_MAX} printable characters")
    return name


def _known_user(session: Session, email: object) -> AppUser:
    if not isinstance(email, str) or not email.strip() or not storable(email):
        raise AccountError("the email address is missing")
    user = users.user_with_email(session, email)
    if user is None:
        raise AccountError(f"no user has the email address {email.strip()!r}")
    return user


def _new_user_email(session: Session, value: object) -> str:
    email = _email(value)
    if users.user_with_email(session, email) is not None:
        raise AccountError(f"a user with the email address {email!r} exists already")
    return email


def _partner(session: Session, partner: object) -> Partner:
    """A partner by its id (digits) or its exact name."""
    if not isinstance(partner, str | int) or isinstance(partner, bool):
        raise AccountError("the partner is missing")
    text = str(partner).strip()
    found = None
    if text.isdigit():
        found = session.get(Partner, int(text))
    if found is None and text and storable(text):
        matches = session.exec(select(Partner).where(Partner.name == text)).all()
        if len(matches) > 1:
            raise AccountError(f"several partners are called {text!r}: give the partner's id")
        found = matches[0] if matches else None
    if found is None:
        raise AccountError(f"no partner organisation {text!r} (give its id or exact name)")
    return found


def partner(session: Session, partner: object) -> Partner:
    """A partner by its id (digits) or its exact name; AccountError when none."""
    return _partner(session, partner)


# ---------------------------------------------------------------------------- the tool


def create_partner(session: Session, name: object) -> int:
    """Create a partner organisation; returns its id. Names are unique (any case)."""
    name = _name(name, "partner name")
    existing = session.exec(
        select(Partner).where(sa.func.lower(col(Partner.name)) == name.lower())
    ).first()
    if existing is not None:
        raise AccountError(f"a partner organisation {name!r} exists already (id {existing.id})")
    partner = Partner(name=name)
    session.add(partner)
    session.commit()
    return users.stored_id(partner)


def add_partner_user(
    session: Session,
    email: object,
    display_name: object,
    partner: object,
    now: datetime.datetime | None = None,
    role: object = None,
) -> Link:
    """Add a partner user (without a password) to a partner given by id or name, with
    ``role`` (a partner admin or a partner user; None: a partner user); returns their
    one-time link to set a password. A partner's first active user is always its
    partner admin: a partner is never without one (SPEC "The partner's team")."""
    email = _new_user_email(session, email)
    display_name = _name(display_name, "display name")
    if role is not None and role not in permissions.PARTNER_ROLES:
        raise AccountError(f"the role must be one of {', '.join(permissions.PARTNER_ROLES)}")
    partner_id = users.stored_id(_partner(session, partner))
    base_url()  # before anything is stored: a link that cannot be made is an error
    if not _has_admin(session, partner_id):
        role = permissions.PARTNER_ADMIN_ROLE
    user = AppUser(
        email=email,
        display_name=display_name,
        role=str(role or permissions.PARTNER_ROLE),
        partner_id=partner_id,
    )
    return _add_user(session, user, now)


def _has_admin(session: Session, partner_id: int) -> bool:
    return (
        session.exec(
            select(AppUser.id).where(
                AppUser.partner_id == partner_id,
                AppUser.role == permissions.PARTNER_ADMIN_ROLE,
                col(AppUser.active).is_(True),
            )
        ).first()
        is not None
    )


def add_account_admin(
    session: Session,
    email: object,
    display_name: object,
    account_id: object,
    now: datetime.datetime | None = None,
) -> Link:
    """Add the account admin of the customer with ``account_id`` (they belong to that
    customer's partner); returns their one-time link to set a password."""
    email = _new_user_email(session, email)
    display_name = _name(display_name, "name")
    text = account_id.strip().upper() if isinstance(account_id, str) else ""
    customer = (
        session.exec(select(Customer).where(Customer.account_id == text)).first()
        if text and len(text) <= 16 and storable(text)
        else None
    )
    if customer is None:
        raise AccountError(f"no customer has the account ID {account_id!r}")
    base_url()
    user = AppUser(
        email=email,
        display_name=display_name,
        role=permissions.ACCOUNT_ADMIN_ROLE,
        partner_id=customer.partner_id,
        customer_id=customer.id,
    )
    return _add_user(session, user, now)


def _add_user(session: Session, user: AppUser, now: datetime.datetime | None) -> Link:
    session.add(user)
    session.flush()
    try:
        return _issue(session, user, password_links.NEW_USER, now)  # commits the user with the link
    except sa.exc.IntegrityError:
        # The same email added at the same moment by someone else.
        session.rollback()
        raise AccountError(f"a user with the email address {user.email!r} exists already") from None


def deactivate_user(session: Session, email: object, now: datetime.datetime | None = None) -> int:
    """Deactivate a user: they cannot sign in, every live session of theirs ends and
    their unused links are spent. Returns how many sessions ended."""
    user = _known_user(session, email)
    ended = team.end_access(session, user, utc_now_or(now))
    session.commit()
    return ended


def reset_password(session: Session, email: object, now: datetime.datetime | None = None) -> Link:
    """A new one-time link for the user to set a new password (their current one keeps
    working until they do). Refused for a deactivated user."""
    user = _known_user(session, email)
    if not user.active:
        raise AccountError(f"the user {user.email!r} is deactivated")
    base_url()
    return _issue(session, user, password_links.RESET, now)


def _issue(session: Session, user: AppUser, purpose: str, now: datetime.datetime | None) -> Link:
    """Store a new link of ``user`` (earlier unused ones are spent), email it to them
    (the outbox, same transaction) and commit."""
    now = utc_now_or(now)
    row, token = password_links.new_link(session, user, purpose, now)
    password_links.mail_link(session, user, row, user.ui_language or DEFAULT_LANGUAGE)
    session.commit()
    return Link(email=user.email, url=link_url(token), expires_at=row.expires_at)
