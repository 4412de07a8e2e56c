"""Admin contacts become account admins (issue 11, SPEC "Admin contacts").

The source text: admin contacts get advanced rights to manage the customer's CloudLink
applications. So, when the Customer step is completed (Next, which saves a form that
passed every rule), each admin contact who is not yet a user of the customer is invited
by email, in the transaction of the save:

- an address no user has: a new account admin of the customer (no password), and a
  one-time link (password_links.INVITATION, valid 7 days, usable once, stored as a
  keyed hash) to set a password;
- an account admin of the same partner whose rights were removed earlier: the rights
  again, and an invitation when they never set a password (with one they sign in as
  before);
- an address of any other user (a partner user, an admin of another customer, a
  deactivated user): nobody is invited; the Review step says so.

"Save and return" stores a draft, whose addresses may still be half typed: it invites
nobody. Removing an admin contact (any save) removes the rights, not the user: an
account admin of this customer whose address was an admin contact before the save and
is not after it loses the customer (``customer_id`` NULL), their sessions end and their
unused links are spent. Users made otherwise (the accounts tool) keep their rights.

An invitation can be sent again from the Review step (``send_again``): a new link,
the earlier one spent; at most once a minute per contact.

Invitations count in the mail limits (services/mail_limits.py): one over a limit waits
in the outbox, and Review says so (WAITING, with the limit and until when).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain import permissions
from cloudlink_app.domain.contacts import email_key, normalize_email
from cloudlink_app.domain.limits import EMAIL_MAX, normal_or_none
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    Customer,
    OutboxMessage,
    PasswordToken,
    as_utc,
    utc_now_or,
)
from cloudlink_app.services import accounts, database, outbox, password_links, sessions
from cloudlink_app.services.users import stored_id as users_stored_id

RESEND_INTERVAL = password_links.RESEND_INTERVAL

# What the Review step says of an admin contact (AdminAccess.state).
ACTIVE = "active"  # a user of this customer with a password
INVITED = "invited"  # a user of this customer, a live invitation link
EXPIRED = "expired"  # a user of this customer, no password, no live link
OTHER_USER = "other_user"  # the address is another user's: not invited
NOT_INVITED = "not_invited"  # no user yet (the step not completed since it was added)
WAITING = "waiting"  # invited, the mail held by a mail limit until ``waits_until``
STATES = (ACTIVE, INVITED, EXPIRED, OTHER_USER, NOT_INVITED, WAITING)


class CannotInvite(ValueError):
    """``send_again`` refused: the reason is one of REFUSALS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


NOT_A_CONTACT = "not_a_contact"
TOO_SOON = "too_soon"
HAS_PASSWORD = "has_password"
REFUSALS = (NOT_A_CONTACT, TOO_SOON, HAS_PASSWORD, OTHER_USER, WAITING)


@dataclasses.dataclass(frozen=True)
class AdminAccess:
    """One admin contact as the Review step shows it."""

    email: str
    name: str
    state: str
    expires_at: datetime.datetime | None = None
    # WAITING: when the held invitation goes, and the limit that holds it.
    waits_until: datetime.datetime | None = None
    held_reason: str = ""


def _users_by_email(session: Session, emails: set[str]) -> dict[str, AppUser]:
    if not emails:
        return {}
    rows = session.exec(
        select(AppUser).where(sa.func.lower(col(AppUser.email)).in_(sorted(emails)))
    ).all()
    return {row.email.lower(): row for row in rows}


def contact_emails(session: Session, customer_id: int) -> set[str]:
    """The admin contacts' addresses as stored now (lower case)."""
    rows = session.exec(
        select(AdminContact.email).where(AdminContact.customer_id == customer_id)
    ).all()
    return {email.lower() for email in rows if email}


def _is_ours(user: AppUser, customer_id: int | None, partner_id: int) -> bool:
    """Whether ``user`` is an account admin of that customer (of that partner)."""
    return (
        user.role == permissions.ACCOUNT_ADMIN_ROLE
        and user.partner_id == partner_id
        and user.customer_id == customer_id
    )


def sync(
    session: Session,
    customer: Customer,
    before: set[str],
    admins: list[tuple[str, str, str]],
    *,
    invite: bool,
    now: datetime.datetime | None = None,
    by: int | None = None,
) -> list[str]:
    """In the caller's transaction (it commits): rights of removed admin contacts
    removed; with ``invite`` (the step completed) each admin contact (first name, last
    name, email) not yet a user of the customer invited. ``before``: the contacts'
    addresses before the save (``contact_emails``); ``by``: the user saving (the mail
    limits' log). Returns the addresses invited (those held by a limit included).

    The number of statements does not grow with the number of admin contacts (500 at
    most): one lookup of the users of every address, then one statement for each kind
    of write, whichever contacts it concerns (new users, rights given again, links
    spent, links, messages; for removed contacts rights, links and sessions)."""
    assert customer.id is not None
    now = utc_now_or(now)
    wanted: dict[str, tuple[str, str]] = {}
    for first, last, email in admins:
        normal = normal_or_none(normalize_email, email)
        if normal is not None and normal.lower() not in wanted:
            wanted[normal.lower()] = (normal, f"{first.strip()} {last.strip()}".strip())
    removed = before - set(wanted)
    users = _users_by_email(session, removed | set(wanted) if invite else removed)
    _remove_rights(session, customer, [users[key] for key in sorted(removed) if key in users], now)
    if not invite:
        return []
    # In the order of the addresses: two saves making the same new users wait for each
    # other in one order, never in a cycle (a deadlock).
    ordered = sorted(wanted.items())
    made = _new_admins(
        session, customer, [(email, name) for key, (email, name) in ordered if key not in users]
    )
    again = [
        user
        for key, _ in ordered
        if (user := users.get(key)) is not None
        and user.role == permissions.ACCOUNT_ADMIN_ROLE
        and user.partner_id == customer.partner_id
        and user.customer_id is None
        and user.active
    ]
    if again:  # the rights again
        session.execute(
            sa.update(AppUser)
            .where(col(AppUser.id).in_(sorted(_ids(again))))
            .values(customer_id=customer.id)
            .execution_options(synchronize_session="evaluate")
        )
    # Invited: the new users, and those given the rights again who never set a
    # password (with one they sign in as before). A user just made has no links to
    # spend; the others' earlier links are spent, as new_link does.
    again_unset = {users_stored_id(user) for user in again if not user.password_hash}
    invitees = [
        user
        for key, _ in ordered
        if (user := made.get(key) or users.get(key)) is not None
        and (key in made or user.id in again_unset)
    ]
    password_links.invite_all(
        session,
        invitees,
        outbox.mail_language(customer),
        customer=customer,
        now=now,
        by=by,
        spend=again_unset,
    )
    return [user.email for user in invitees]


def _ids(rows: Iterable[AppUser]) -> list[int]:
    return [users_stored_id(row) for row in rows]


def _new_admins(
    session: Session, customer: Customer, new: list[tuple[str, str]]
) -> dict[str, AppUser]:
    """New account admins of ``customer`` (address, name), made in one INSERT, by
    lower-case address. An address of which another save (of another customer, on any
    app instance) made a user since ``sync`` looked is left out: app_user's unique
    email decides (ON CONFLICT DO NOTHING; PostgreSQL waits for that save's end), as
    email_domain's does for domains, and this save goes on without it (the Review step
    then names the address another user's)."""
    if not new:
        return {}
    rows = [
        AppUser(
            email=email,
            display_name=(name or email)[: accounts.NAME_MAX],
            role=permissions.ACCOUNT_ADMIN_ROLE,
            partner_id=customer.partner_id,
            customer_id=customer.id,
        )
        for email, name in new
    ]
    session.flush()  # what came before: its own errors are not this one's
    table = AppUser.__table__  # type: ignore[attr-defined]
    inserted = database.insert_rows(
        session, rows, returning=(table.c.email, table.c.id), skip_taken=True
    )
    ids: dict[str, int] = {row.email.lower(): row.id for row in inserted}
    made = {}
    for row in rows:
        if (user_id := ids.get(row.email.lower())) is not None:
            row.id = user_id
            made[row.email.lower()] = row
    return made


def _remove_rights(
    session: Session, customer: Customer, removed: list[AppUser], now: datetime.datetime
) -> None:
    ours = _ids(user for user in removed if _is_ours(user, customer.id, customer.partner_id))
    if not ours:
        return
    session.execute(
        sa.update(AppUser)
        .where(col(AppUser.id).in_(ours))
        .values(customer_id=None)
        .execution_options(synchronize_session="evaluate")
    )
    password_links.spend_all_links(session, ours, now)
    sessions.revoke_all_sessions(session, ours, now=now)


def access(
    session: Session, customer_id: int, partner_id: int, now: datetime.datetime | None = None
) -> list[AdminAccess]:
    """Each admin contact of the stored customer ``customer_id`` of partner
    ``partner_id``, in order, with what they can do."""
    now = utc_now_or(now)
    contacts = session.exec(
        select(AdminContact)
        .where(AdminContact.customer_id == customer_id)
        .order_by(col(AdminContact.position))
    ).all()
    users = _users_by_email(session, {c.email.lower() for c in contacts if c.email})
    result = []
    for contact in contacts:
        name = f"{contact.first_name} {contact.last_name}".strip()
        user = users.get(contact.email.lower()) if contact.email else None
        if user is None:
            result.append(AdminAccess(contact.email, name, NOT_INVITED))
            continue
        if not _is_ours(user, customer_id, partner_id) or not user.active:
            result.append(AdminAccess(contact.email, name, OTHER_USER))
            continue
        if user.password_hash:
            result.append(AdminAccess(contact.email, name, ACTIVE))
            continue
        link = _last_invitation(session, user)
        live = link is not None and link.used_at is None and as_utc(link.expires_at) > now
        held = _held_message(session, link, now) if live and link is not None else None
        result.append(
            AdminAccess(
                contact.email,
                name,
                WAITING if held else INVITED if live else EXPIRED,
                expires_at=link.expires_at if link else None,
                waits_until=held.held_until if held else None,
                held_reason=held.held_reason if held else "",
            )
        )
    return result


def _held_message(
    session: Session, link: PasswordToken, now: datetime.datetime
) -> OutboxMessage | None:
    """The unsent message of ``link`` while a mail limit holds it, if any."""
    return session.exec(
        select(OutboxMessage).where(
            OutboxMessage.password_token_id == link.id,
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.held_until) > now,
        )
    ).first()


def _last_invitation(session: Session, user: AppUser) -> PasswordToken | None:
    return session.exec(
        select(PasswordToken)
        .where(PasswordToken.user_id == user.id)
        .order_by(col(PasswordToken.created_at).desc(), col(PasswordToken.id).desc())
        .limit(1)
    ).first()


def send_again(
    session: Session,
    customer: Customer,
    email: object,
    now: datetime.datetime | None = None,
    by: int | None = None,
) -> str:
    """Invite the admin contact with ``email`` of the stored ``customer`` again (a new
    link, the earlier one spent) and commit; the address invited (``access`` says
    whether a mail limit holds it). Raises CannotInvite, WAITING while the last one
    still waits for a limit. The caller has checked that its user (``by``) may open
    the customer."""
    now = utc_now_or(now)
    if not isinstance(email, str) or not email or len(email) > EMAIL_MAX:
        raise CannotInvite(NOT_A_CONTACT)
    assert customer.id is not None
    key = email_key(email)
    if key not in contact_emails(session, customer.id):
        raise CannotInvite(NOT_A_CONTACT)
    user = _users_by_email(session, {key}).get(key)
    if user is None:
        # A contact added by a draft and never invited: invite now, as Next would.
        contact = session.exec(
            select(AdminContact).where(
                AdminContact.customer_id == customer.id,
                sa.func.lower(col(AdminContact.email)) == key,
            )
        ).first()
        assert contact is not None
        invited = sync(
            session,
            customer,
            set(),
            [(contact.first_name, contact.last_name, contact.email)],
            invite=True,
            now=now,
            by=by,
        )
        if not invited:
            raise CannotInvite(NOT_A_CONTACT)
        session.commit()
        return invited[0]
    if not _is_ours(user, customer.id, customer.partner_id) or not user.active:
        raise CannotInvite(OTHER_USER)
    if user.password_hash:
        raise CannotInvite(HAS_PASSWORD)
    last = _last_invitation(session, user)
    if last is not None and _held_message(session, last, now) is not None:
        raise CannotInvite(WAITING)  # it goes when the limit allows: another would wait too
    if last is not None and as_utc(last.created_at) > now - RESEND_INTERVAL:
        raise CannotInvite(TOO_SOON)
    link, _token = password_links.new_link(session, user, password_links.INVITATION, now)
    lang = outbox.mail_language(customer)
    password_links.mail_link(session, user, link, lang, customer=customer, by=by)
    session.commit()
    return user.email
