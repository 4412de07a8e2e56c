"""Real accounts: partner organisations, their users and account admins, one-time links
to set a password, deactivation, and changing one's own password.

- A new user has no password: they get a one-time link (NEW_USER_LINK_LIFETIME, 7
  days) to set their own; a reset gives a new one (RESET_LINK_LIFETIME, 1 day). The
  link's token is random (secrets.token_urlsafe); only an HMAC of it under the secret
  key is stored, so the table alone cannot be used. A link works once: spending it is
  one conditional UPDATE, so two tabs using it at once cannot both set a password.
  Issuing a new link spends the user's earlier unused ones.
- Deactivating a user ends every live session of theirs and spends their links; sign-in
  and the session lookup (services/signing_in.py, sessions.py) treat an inactive user
  as no user.
- Setting a password applies the policy (domain/passwords.py). Setting one through a
  link ends every session of the user; changing one's own ends every other session.

These functions hash passwords (Argon2, slow on purpose): async callers run them in a
worker thread (the states use password_hashing.in_password_workers).
"""

from __future__ import annotations

import dataclasses
import datetime
import math

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app import routes
from cloudlink_app.domain import passwords, permissions
from cloudlink_app.domain.contacts import EmailError, email_key, normalize_email
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES, t
from cloudlink_app.domain.limits import Problem, Problems, storable
from cloudlink_app.models import AppUser, Customer, Partner, PasswordToken, UserSession, utc_now_or
from cloudlink_app.services import links, outbox, password_hashing, signing_in
from cloudlink_app.views.times import When

NEW_USER = "new_user"
RESET = "reset"
# An admin contact invited to become an account admin (services/invitations.py).
INVITATION = "invitation"
NEW_USER_LINK_LIFETIME = datetime.timedelta(days=7)
RESET_LINK_LIFETIME = datetime.timedelta(days=1)
INVITATION_LINK_LIFETIME = datetime.timedelta(days=7)
LIFETIMES = {
    NEW_USER: NEW_USER_LINK_LIFETIME,
    RESET: RESET_LINK_LIFETIME,
    INVITATION: INVITATION_LINK_LIFETIME,
}
# The outbox's kind of each link's message.
MAIL_KINDS = {INVITATION: "invitation", NEW_USER: "password_link", RESET: "password_link"}
# Longest token accepted from a link; ours are 43 characters.
TOKEN_MAX = 100
NAME_MAX = 200  # the columns' size (partner.name, app_user.display_name)
# Where the app is when REFLEX_DEPLOY_URL is unset, in demo mode (`make run`).
DEMO_URL = links.DEMO_URL


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


def _link_hash(token: str) -> str:
    return links.link_hash(token)


def _acceptable_token(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= TOKEN_MAX and storable(token)


def base_url() -> str:
    """The app's public address the links point at: REFLEX_DEPLOY_URL, or in demo mode
    http://localhost:3000. Raises AccountError when neither applies."""
    found = links.base_url()
    if found is None:
        raise AccountError(
            "REFLEX_DEPLOY_URL is not set, so a link would not work: set it to the app's "
            "public address (such as https://onboarding.example.com)"
        )
    return found


def link_url(token: str) -> str:
    """The address of the Set password page for ``token``."""
    return routes.set_password_url(base_url(), token)


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


def _user_by_email(session: Session, email: str) -> AppUser | None:
    return session.exec(
        select(AppUser).where(sa.func.lower(col(AppUser.email)) == email_key(email))
    ).first()


def _known_user(session: Session, email: object) -> AppUser:
    if not isinstance(email, str) or not email.strip() or not storable(email):
        raise AccountError("the email address is missing")
    user = _user_by_email(session, email)
    if user is None:
        raise AccountError(f"no user has the email address {email.strip()!r}")
    return user


def _new_user_email(session: Session, value: object) -> str:
    email = _email(value)
    if _user_by_email(session, email) is not None:
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


def _id(row: AppUser | Partner) -> int:
    if row.id is None:
        raise ValueError(f"{row!r} has no id yet")
    return row.id


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
    return _id(partner)


def add_partner_user(
    session: Session,
    email: object,
    display_name: object,
    partner: object,
    now: datetime.datetime | None = None,
) -> Link:
    """Add a partner user (without a password) to a partner given by id or name;
    returns their one-time link to set a password."""
    email = _new_user_email(session, email)
    display_name = _name(display_name, "display name")
    partner_id = _id(_partner(session, partner))
    base_url()  # before anything is stored: a link that cannot be made is an error
    user = AppUser(
        email=email, display_name=display_name, role=permissions.PARTNER_ROLE, partner_id=partner_id
    )
    return _add_user(session, user, now)


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
        return _issue(session, user, NEW_USER, now)  # commits the user with the link
    except sa.exc.IntegrityError:
        # The same email added at the same moment by someone else.
        session.rollback()
        raise AccountError(f"a user with the email address {user.email!r} exists already") from None


def deactivate_user(session: Session, email: object, now: datetime.datetime | None = None) -> int:
    """Deactivate a user: they cannot sign in, every live session of theirs ends and
    their unused links are spent. Returns how many sessions ended."""
    user = _known_user(session, email)
    now = utc_now_or(now)
    user.active = False
    session.add(user)
    spend_links(session, _id(user), now)
    ended = revoke_sessions(session, _id(user), now=now)
    session.commit()
    return ended


def reset_password(session: Session, email: object, now: datetime.datetime | None = None) -> Link:
    """A new one-time link for the user to set a new password (their current one keeps
    working until they do). Refused for a deactivated user."""
    user = _known_user(session, email)
    if not user.active:
        raise AccountError(f"the user {user.email!r} is deactivated")
    base_url()
    return _issue(session, user, RESET, now)


def _issue(session: Session, user: AppUser, purpose: str, now: datetime.datetime | None) -> Link:
    """Store a new link of ``user`` (earlier unused ones are spent), email it to them
    (the outbox, same transaction) and commit."""
    now = utc_now_or(now)
    row, token = new_link(session, user, purpose, now)
    mail_link(session, user, row, user.ui_language or DEFAULT_LANGUAGE)
    session.commit()
    return Link(email=user.email, url=link_url(token), expires_at=row.expires_at)


def mail_language(customer: Customer) -> str:
    """The language of a customer's messages: its default language when the app has
    it, else English."""
    lang = customer.default_language
    return lang if lang in UI_LANGUAGES else DEFAULT_LANGUAGE


def new_link(
    session: Session, user: AppUser, purpose: str, now: datetime.datetime
) -> tuple[PasswordToken, str]:
    """Add a one-time link of ``user`` for ``purpose`` (their earlier unused links are
    spent) to the caller's transaction: the row and its token. The token is made from
    the row's seed and the secret key (services/links.py), so the link can be mailed."""
    spend_links(session, _id(user), now)
    seed = links.new_seed()
    token = links.seeded_token(seed)
    row = PasswordToken(
        token_hash=_link_hash(token),
        user_id=_id(user),
        purpose=purpose,
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
        link_seed=seed,
    )
    session.add(row)
    session.flush()
    return row, token


def mail_link(
    session: Session,
    user: AppUser,
    link: PasswordToken,
    lang: str,
    *,
    customer: Customer | None = None,
) -> None:
    """Put the email carrying ``link`` to ``user`` in the outbox (the caller commits):
    an invitation to become an account admin of ``customer``, or a link to set a
    password. The link itself is put in when the message is sent or shown."""
    expires = When(link.expires_at, zone=True)
    if link.purpose == INVITATION and customer is not None:
        subject = t("mail.invitation_subject", lang, customer_name=customer.name)
        text = t(
            "mail.invitation_body",
            lang,
            name=user.display_name,
            customer_name=customer.name,
            account_id=customer.account_id,
            link=links.LINK_PLACEHOLDER,
            expires=expires,
        )
    else:
        subject = t("mail.password_link_subject", lang)
        text = t(
            "mail.password_link_body",
            lang,
            name=user.display_name,
            email=user.email,
            link=links.LINK_PLACEHOLDER,
            expires=expires,
        )
    outbox.enqueue(
        session,
        to=user.email,
        subject=subject,
        text=text,
        html=None,
        kind=MAIL_KINDS.get(link.purpose, "password_link"),
        customer_id=customer.id if customer is not None else user.customer_id,
        password_token_id=link.id,
    )


def spend_links(session: Session, user_id: int, now: datetime.datetime) -> None:
    """Spend every unused link of the user (the caller commits)."""
    session.execute(
        sa.update(PasswordToken)
        .where(col(PasswordToken.user_id) == user_id, col(PasswordToken.used_at).is_(None))
        .values(used_at=now)
    )


def revoke_sessions(
    session: Session,
    user_id: int,
    *,
    keep_session_id: int | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """End every live session of the user but the one with id ``keep_session_id``; the
    caller commits. Returns how many ended."""
    now = utc_now_or(now)
    query = sa.update(UserSession).where(
        col(UserSession.user_id) == user_id,
        col(UserSession.revoked_at).is_(None),
        col(UserSession.expires_at) > now,
    )
    if keep_session_id is not None:
        query = query.where(col(UserSession.id) != keep_session_id)
    result = session.execute(query.values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------------------- the pages


def _live_link(
    session: Session, token: object, now: datetime.datetime
) -> tuple[PasswordToken, AppUser] | None:
    if not _acceptable_token(token):
        return None
    assert isinstance(token, str)
    found = session.exec(
        select(PasswordToken, AppUser)
        .join(AppUser, col(AppUser.id) == col(PasswordToken.user_id))
        .where(
            PasswordToken.token_hash == _link_hash(token),
            col(PasswordToken.used_at).is_(None),
            col(PasswordToken.expires_at) > now,
            col(AppUser.active).is_(True),
        )
    ).first()
    return None if found is None else (found[0], found[1])


def link_is_valid(session: Session, token: object, now: datetime.datetime | None = None) -> bool:
    """Whether ``token`` is a link that can still set a password (unused, not expired,
    of an active user)."""
    return _live_link(session, token, utc_now_or(now)) is not None


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What setting a password gave: ``done``, or why not: ``invalid_link`` (nothing
    can be done with this link) or ``problems`` keyed by field id."""

    done: bool = False
    invalid_link: bool = False
    problems: Problems = dataclasses.field(default_factory=dict)


def set_password_with_link(
    session: Session,
    token: object,
    password: object,
    confirm: object,
    now: datetime.datetime | None = None,
) -> Outcome:
    """Set the password of the link's user: the link is spent, the password stored
    (Argon2) and every session of the user ended. Nothing changes when the link is not
    valid or the password breaks the policy."""
    now = utc_now_or(now)
    found = _live_link(session, token, now)
    if found is None:
        return Outcome(invalid_link=True)
    link, user = found
    if not isinstance(password, str) or not isinstance(confirm, str):
        return Outcome(problems={passwords.NEW_PASSWORD: Problem("new_password.required")})
    problems = passwords.password_problems(password, confirm, user.email)
    if problems:
        return Outcome(problems=problems)
    new_hash = password_hashing.hash_password(password)
    # Spent only if nobody spent it meanwhile: one of two simultaneous uses wins.
    spent = session.execute(
        sa.update(PasswordToken)
        .where(col(PasswordToken.id) == link.id, col(PasswordToken.used_at).is_(None))
        .values(used_at=now)
    )
    if getattr(spent, "rowcount", 0) != 1:
        session.rollback()
        return Outcome(invalid_link=True)
    session.execute(
        sa.update(AppUser).where(col(AppUser.id) == user.id).values(password_hash=new_hash)
    )
    revoke_sessions(session, _id(user), now=now)
    session.commit()
    return Outcome(done=True)


def change_password(
    session: Session,
    user_id: int,
    current: object,
    password: object,
    confirm: object,
    *,
    keep_session_id: int | None,
    address: object = "",
    now: datetime.datetime | None = None,
) -> Outcome:
    """Change the signed-in user's own password after checking the current one; every
    other session of theirs ends (the one with id ``keep_session_id`` stays). Nothing changes
    when the current password is wrong or the new one breaks the policy.

    A wrong current password counts as a failed sign-in of the user from ``address``
    (the client's IP address) and the sign-in throttle applies (signing_in.throttle_wait):
    a stolen session cannot be used to guess the password faster than the sign-in page
    allows."""
    strings = (current, password, confirm)
    if not all(isinstance(value, str) for value in strings):
        return Outcome(problems={passwords.CURRENT_PASSWORD: Problem("current_password.required")})
    assert isinstance(current, str) and isinstance(password, str) and isinstance(confirm, str)
    user = session.get(AppUser, user_id)
    if user is None or not user.active:
        return Outcome(invalid_link=True)
    problems: Problems = {}
    now = utc_now_or(now)
    email = email_key(user.email)
    address_key = signing_in.address_key(address)
    wait = signing_in.throttle_wait(session, email, address_key, now)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        return Outcome(
            problems={
                passwords.CURRENT_PASSWORD: Problem("current_password.wait", {"seconds": seconds})
            }
        )
    if not current:
        problems[passwords.CURRENT_PASSWORD] = Problem("current_password.required")
    elif len(current) > passwords.PASSWORD_MAX or not password_hashing.verify_password(
        user.password_hash, current
    ):
        problems[passwords.CURRENT_PASSWORD] = Problem("current_password.wrong")
        signing_in.record_failure(session, email, address_key)
        session.commit()
    problems.update(passwords.password_problems(password, confirm, user.email))
    if problems:
        return Outcome(problems=problems)
    user.password_hash = password_hashing.hash_password(password)
    session.add(user)
    revoke_sessions(session, user_id, keep_session_id=keep_session_id, now=now)
    session.commit()
    return Outcome(done=True)
