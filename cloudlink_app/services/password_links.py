"""One-time links to set a password: issued, mailed, spent, checked.

- A new user has no password: they get a one-time link (NEW_USER_LINK_LIFETIME, 7
  days) to set their own; a reset gives a new one (RESET_LINK_LIFETIME, 1 day); an
  admin contact is invited with one (INVITATION_LINK_LIFETIME, services/invitations.py).
  The link's token is random; only an HMAC of it under the secret key is stored, so
  the table alone cannot be used (services/links.py makes a mailed link's token and
  address). A link works once: spending it is one conditional UPDATE
  (services/password_changes.py), so two tabs using it at once cannot both set a
  password. Issuing a new link spends the user's earlier unused ones.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.limits import storable
from cloudlink_app.domain.times import When
from cloudlink_app.models import AppUser, Customer, PasswordToken, utc_now_or
from cloudlink_app.services import links, outbox, users

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


def _link_hash(token: str) -> str:
    return links.link_hash(token)


def _acceptable_token(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= TOKEN_MAX and storable(token)


def new_link(
    session: Session, user: AppUser, purpose: str, now: datetime.datetime
) -> tuple[PasswordToken, str]:
    """Add a one-time link of ``user`` for ``purpose`` (their earlier unused links are
    spent) to the caller's transaction: the row and its token. The token is made from
    the row's seed and the secret key (services/links.py), so the link can be mailed."""
    spend_links(session, users.stored_id(user), now)
    seed = links.new_seed()
    token = links.seeded_token(seed)
    row = PasswordToken(
        token_hash=_link_hash(token),
        user_id=users.stored_id(user),
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


def live_link(
    session: Session, token: object, now: datetime.datetime
) -> tuple[PasswordToken, AppUser] | None:
    """The link of ``token`` and its user while the link can still set a password
    (unused, not expired, of an active user), else None."""
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
    return live_link(session, token, utc_now_or(now)) is not None
