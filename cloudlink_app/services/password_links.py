"""One-time links to set a password: issued, mailed, spent, checked.

- A new user has no password: they get a one-time link (NEW_USER_LINK_LIFETIME, 7
  days) to set their own; a reset gives a new one (RESET_LINK_LIFETIME, 1 day); an
  admin contact is invited with one (INVITATION_LINK_LIFETIME, services/invitations.py).
  The link's token is random; only an HMAC of it under the secret key is stored, so
  the table alone cannot be used (services/links.py makes a mailed link's token and
  address). A link works once: spending it is one conditional UPDATE
  (services/password_changes.py), so two tabs using it at once cannot both set a
  password. Issuing a new link spends the user's earlier unused ones.
- A link is opened at the backend's endpoint (cloudlink_app/http/endpoints.py), which
  keeps its token in a cookie for LINK_COOKIE_LIFETIME at most (``cookie_lifetime``).
  The backend's middleware hands the link to the states in LINK_HEADER as the token's
  stored hash, never the token (``link_header``, ``hash_from_header``); the Set
  password page looks the link up by that hash (``live_link``, ``hash_is_live``).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain import limits
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.limits import storable
from cloudlink_app.domain.times import When
from cloudlink_app.models import (
    AppUser,
    Customer,
    OutboxMessage,
    PasswordToken,
    as_utc,
    utc_now_or,
)
from cloudlink_app.services import database, links, mail_limits, outbox, users

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
# Sending an invitation again (an admin contact's, a colleague's) waits this long
# after the last link.
RESEND_INTERVAL = datetime.timedelta(minutes=1)
# The outbox's kind of each link's message.
MAIL_KINDS = {
    INVITATION: limits.INVITATION_KIND,
    NEW_USER: "password_link",
    RESET: "password_link",
}
# Longest token accepted from a link; ours are 43 characters.
TOKEN_MAX = 100
# How long a browser keeps an opened link's token (in its cookie), at most: enough to
# think of a password; opening the link again gives another while the link is live.
LINK_COOKIE_LIFETIME = datetime.timedelta(minutes=30)
# The header through which the backend's middleware (cloudlink_app/http) hands the
# websocket's link to the states: "<scheme> <token hash>", never the token. One of the
# headers Reflex never sends to the browser (as the session's "authorization": its
# reflex/istate/data.py _PRIVATE_HEADERS); the middleware removes any a client sent.
LINK_HEADER = "proxy-authorization"
LINK_SCHEME = "CloudLink-Link"
_HASH_LENGTH = 64  # hex SHA-256
_HEX = frozenset("0123456789abcdef")


def _link_hash(token: str) -> str:
    return links.link_hash(token)


def _acceptable_token(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= TOKEN_MAX and storable(token)


def hash_of(token: object) -> str | None:
    """What is stored of a link's token (its keyed hash), or None when ``token`` cannot
    be one (not text, empty, too long)."""
    if not _acceptable_token(token):
        return None
    assert isinstance(token, str)
    return _link_hash(token)


def link_header(token: object) -> str | None:
    """The LINK_HEADER value for a link cookie's value; None when it cannot be a token."""
    token_hash = hash_of(token)
    return None if token_hash is None else f"{LINK_SCHEME} {token_hash}"


def hash_from_header(value: object) -> str | None:
    """The token hash in a LINK_HEADER value, or None when it holds none."""
    if not isinstance(value, str):
        return None
    scheme, _, token_hash = value.partition(" ")
    return token_hash if scheme == LINK_SCHEME and _is_hash(token_hash) else None


def _is_hash(value: object) -> bool:
    return isinstance(value, str) and len(value) == _HASH_LENGTH and set(value) <= _HEX


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
    team_of: tuple[str, str] | None = None,
    by: int | None = None,
) -> mail_limits.Slot | None:
    """Put the email carrying ``link`` to ``user`` in the outbox (the caller commits):
    an invitation to become an account admin of ``customer``, an invitation to join a
    partner's team (``team_of``: who invites, and the partner's name), or a link to set
    a password. The link itself is put in when the message is sent or shown.

    Both invitations count in the mail limits of the partner (services/mail_limits.py;
    ``by``: the user who caused it, for the log): the slot is returned, and a held
    invitation's link lives its full lifetime from when it goes. Other links are not
    limited (None)."""
    slot = _place(session, user, link.purpose, as_utc(link.created_at), customer, team_of, by)
    if slot is not None and slot.held:
        link.expires_at = slot.at + LIFETIMES[link.purpose]
        session.add(link)
    session.add(_message(user, link, lang, slot, customer, team_of))
    session.flush()
    return slot


def _partner_of(user: AppUser, customer: Customer | None) -> int:
    return customer.partner_id if customer is not None else user.partner_id


def _place(
    session: Session,
    user: AppUser,
    purpose: str,
    now: datetime.datetime,
    customer: Customer | None,
    team_of: tuple[str, str] | None,
    by: int | None,
) -> mail_limits.Slot | None:
    """When the message of a link may go, counted in the mail limits: both invitations
    are limited; other links are not (None)."""
    if team_of is None and (purpose != INVITATION or customer is None):
        return None
    return mail_limits.place(
        session,
        partner_id=_partner_of(user, customer),
        kind=limits.INVITATION_KIND,
        customer_id=customer.id if customer is not None else None,
        to=user.email,
        now=now,
        by=by,
    )


def _message(
    user: AppUser,
    link: PasswordToken,
    lang: str,
    slot: mail_limits.Slot | None,
    customer: Customer | None,
    team_of: tuple[str, str] | None,
) -> OutboxMessage:
    """The outbox row carrying ``link`` (its id and final expiry set), as mail_link
    describes it."""
    expires = When(link.expires_at, zone=True)
    kind = MAIL_KINDS.get(link.purpose, "password_link")
    if team_of is not None:
        inviter, partner_name = team_of
        kind = limits.INVITATION_KIND
        subject = t("mail.team_invitation_subject", lang, partner_name=partner_name)
        text = t(
            "mail.team_invitation_body",
            lang,
            name=user.display_name,
            inviter=inviter,
            partner_name=partner_name,
            email=user.email,
            link=links.LINK_PLACEHOLDER,
            expires=expires,
        )
    elif link.purpose == INVITATION and customer is not None:
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
    return outbox.new_message(
        to=user.email,
        subject=subject,
        text=text,
        html=None,
        kind=kind,
        customer_id=customer.id if customer is not None else user.customer_id,
        password_token_id=link.id,
        partner_id=_partner_of(user, customer) if slot is not None else None,
        slot=slot,
        now=as_utc(link.created_at),
    )


def invite_all(
    session: Session,
    invitees: Sequence[AppUser],
    lang: str,
    *,
    customer: Customer,
    now: datetime.datetime,
    by: int | None = None,
    spend: Collection[int] = (),
) -> None:
    """``new_link`` (INVITATION) and ``mail_link`` for each stored user of
    ``invitees`` as account admins of ``customer``, in statements whose number does
    not grow with theirs (the caller commits): the earlier unused links of the users in
    ``spend`` spent in one UPDATE (``new_link`` spends them for every user; the caller
    leaves out users it has just made, who have none), the mail limits' lock and counts
    (once per transaction), one INSERT of the links, one of the messages. The limits
    count the invitations one by one in the order given, exactly as one ``mail_link``
    each would; a held invitation's link is written with its lifetime from when it
    goes (``mail_link`` writes it, then updates it)."""
    if not invitees:
        return
    spend_all_links(session, spend, now)
    made = []
    for user in invitees:
        slot = _place(session, user, INVITATION, now, customer, None, by)
        assert slot is not None  # an invitation of a customer's admin is limited
        seed = links.new_seed()
        link = PasswordToken(
            token_hash=_link_hash(links.seeded_token(seed)),
            user_id=users.stored_id(user),
            purpose=INVITATION,
            created_at=now,
            expires_at=(slot.at if slot.held else now) + INVITATION_LINK_LIFETIME,
            link_seed=seed,
        )
        made.append((user, link, slot))
    table = PasswordToken.__table__  # type: ignore[attr-defined]
    ids: dict[int, int] = dict(
        database.insert_rows(  # type: ignore[arg-type]
            session, [link for _, link, _ in made], returning=(table.c.user_id, table.c.id)
        )
    )
    assert len(ids) == len(made)  # one link per user
    messages = []
    for user, link, slot in made:
        link.id = ids[link.user_id]
        messages.append(_message(user, link, lang, slot, customer, None))
    outbox.enqueue_all(session, messages)


def spend_links(session: Session, user_id: int, now: datetime.datetime) -> None:
    """Spend every unused link of the user (the caller commits)."""
    spend_all_links(session, (user_id,), now)


def spend_all_links(session: Session, user_ids: Collection[int], now: datetime.datetime) -> None:
    """Spend every unused link of each of these users in one UPDATE (the caller
    commits); none sent for none."""
    if not user_ids:
        return
    session.execute(
        sa.update(PasswordToken)
        .where(
            col(PasswordToken.user_id).in_(sorted(user_ids)), col(PasswordToken.used_at).is_(None)
        )
        .values(used_at=now)
    )


def live_link(
    session: Session, token_hash: object, now: datetime.datetime
) -> tuple[PasswordToken, AppUser] | None:
    """The link whose token hashes to ``token_hash`` (``hash_of``) and its user while
    the link can still set a password (unused, not expired, of an active user), else
    None."""
    if not _is_hash(token_hash):
        return None
    found = session.exec(
        select(PasswordToken, AppUser)
        .join(AppUser, col(AppUser.id) == col(PasswordToken.user_id))
        .where(
            PasswordToken.token_hash == token_hash,
            col(PasswordToken.used_at).is_(None),
            col(PasswordToken.expires_at) > now,
            col(AppUser.active).is_(True),
        )
    ).first()
    return None if found is None else (found[0], found[1])


def link_is_valid(session: Session, token: object, now: datetime.datetime | None = None) -> bool:
    """Whether ``token`` is a link that can still set a password (unused, not expired,
    of an active user)."""
    return hash_is_live(session, hash_of(token), now)


def hash_is_live(
    session: Session, token_hash: object, now: datetime.datetime | None = None
) -> bool:
    """Whether ``token_hash`` is the hash of a link that can still set a password."""
    return live_link(session, token_hash, utc_now_or(now)) is not None


def cookie_lifetime(
    session: Session, token: object, now: datetime.datetime | None = None
) -> datetime.timedelta | None:
    """How long a browser that opened the link of ``token`` may keep the token:
    LINK_COOKIE_LIFETIME, never beyond the link's own expiry; None when the link cannot
    set a password (nothing is kept)."""
    now = utc_now_or(now)
    found = live_link(session, hash_of(token), now)
    if found is None:
        return None
    return min(LINK_COOKIE_LIFETIME, as_utc(found[0].expires_at) - now)
