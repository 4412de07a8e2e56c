"""The durable outbox: every email is a row written in the transaction of the action
that causes it, and a sender delivers the rows over SMTP.

Writing a message (``enqueue``) adds an ``OutboxMessage`` to the caller's session and
commits nothing: the message exists exactly when the action that caused it was
committed (roll back, and there is no message). Sending (``deliver_due``) takes the
unsent rows that are due, one at a time, and:

1. claims the row with one atomic ``UPDATE ... WHERE id = ? AND sent_at IS NULL AND
   next_attempt_at <= now`` that moves ``next_attempt_at`` a lease (CLAIM_LEASE) ahead
   and counts the attempt. Only one worker's UPDATE matches (PostgreSQL re-checks the
   WHERE after a concurrent update commits; SQLite writes one at a time), so two
   workers never send the same message;
2. sends it over SMTP (aiosmtplib), the envelope's one recipient being ``to_address``
   (never read from the headers);
3. marks it sent (``sent_at``) in a new transaction only after the server accepted it;
   on failure it stays unsent, ``next_attempt_at`` = now + ``backoff(attempts)``
   (30 s, 1 min, 2 min, ... at most 1 h) and ``last_error`` says why (short, the
   error's type and the server's reply, never the SMTP password).

What it guarantees: a message is never lost once its transaction committed and never
sent twice by two workers; a message made while the mail server is down goes out when
it is back. If the process dies after the server accepted a message and before
``sent_at`` is written, the message is sent again after CLAIM_LEASE (at least once, not
exactly once): it carries the same Message-ID, by which mail systems recognise it.

Text typed by users never adds a header or a recipient: ``to`` must be one address
(email-validator); the subject loses every control character (CR, LF, ...) and is
folded and encoded by the email package (``email.policy.SMTP``); user text is only put
in the bodies, and callers escape it in the HTML body (``escape``).

The lifespan task ``deliver_on_schedule`` (cloudlink_app.py) runs ``deliver_due``
every DELIVER_INTERVAL when CLOUDLINK_SMTP_URL is set; without it (demo mode) messages
stay in the outbox, where the app can show them (``build_message``).
"""

from __future__ import annotations

import asyncio
import datetime
import html
import logging
import unicodedata
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid

import aiosmtplib
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from reflex.model import get_engine
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES
from cloudlink_app.models import Customer, OutboxMessage, utc_now_or
from cloudlink_app.services import database, links, mail_limits
from cloudlink_app.settings import SmtpServer

logger = logging.getLogger(__name__)

# The first retry waits BACKOFF_FIRST, each next one twice as long, never over BACKOFF_MAX.
BACKOFF_FIRST = datetime.timedelta(seconds=30)
BACKOFF_MAX = datetime.timedelta(hours=1)
# How long a claimed message is left to its sender before another may take it (a
# sender that died after claiming).
CLAIM_LEASE = datetime.timedelta(minutes=10)
# How often the lifespan task looks for due messages, and at most how many per round.
DELIVER_INTERVAL = 5.0
BATCH_SIZE = 50
# Seconds an SMTP connection and each of its commands may take.
SMTP_TIMEOUT = 30.0
SUBJECT_MAX = 300  # the column's size
ERROR_MAX = 300  # the column's size
KIND_MAX = 40


class InvalidRecipient(ValueError):
    """``to`` is not exactly one valid email address."""


def escape(text: str) -> str:
    """``text`` safe to put in the HTML body: every <, >, &, " and ' escaped."""
    return html.escape(text, quote=True)


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, ...
    at most BACKOFF_MAX."""
    exponent = max(0, min(attempts - 1, 20))
    return min(BACKOFF_FIRST * (2**exponent), BACKOFF_MAX)


def clean_subject(subject: str) -> str:
    """One line: every control, format or separator character other than a space (CR,
    LF, tab, NUL, U+2028, ...) becomes a space, runs of spaces one; at most SUBJECT_MAX."""
    characters = [" " if unicodedata.category(c)[0] in ("C", "Z") else c for c in str(subject)]
    return " ".join("".join(characters).split())[:SUBJECT_MAX]


def check_recipient(to: object) -> str:
    """``to`` as one normalised address; InvalidRecipient for anything else (a list, a
    display name, a comma, CR/LF or any control character, an invalid address)."""
    if not isinstance(to, str):
        raise InvalidRecipient("the recipient is not text")
    if any(unicodedata.category(c)[0] == "C" or c.isspace() for c in to.strip()):
        raise InvalidRecipient("the recipient contains white space or control characters")
    if any(c in to for c in ',;<>"()'):
        raise InvalidRecipient("the recipient is not one plain address")
    try:
        checked = validate_email(to.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidRecipient(f"the recipient is not a valid address: {error}") from None
    return checked.normalized


def _sender_address(sender: str) -> str:
    """The address part of CLOUDLINK_MAIL_FROM (checked by settings)."""
    return getaddresses([sender])[0][1]


def mail_language(customer: Customer) -> str:
    """The language of a customer's messages: its default language when the app has
    it, else English."""
    lang = customer.default_language
    return lang if lang in UI_LANGUAGES else DEFAULT_LANGUAGE


def enqueue(
    session: Session,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    kind: str,
    customer_id: int | None = None,
    password_token_id: int | None = None,
    partner_id: int | None = None,
    slot: mail_limits.Slot | None = None,
    now: datetime.datetime | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (flushed, not
    committed: the caller commits it with the action that causes it, or rolls both
    back). ``to`` is one address (InvalidRecipient otherwise); ``subject`` is made one
    line (clean_subject); ``text`` is the plain-text body; ``html`` the HTML body, in
    which the caller has escaped every text a user typed (``escape``), or None for the
    plain text escaped in a <pre>. The Message-ID is made here, once. A message that
    carries a one-time link (``password_token_id``) has links.LINK_PLACEHOLDER in its
    text where the link goes: the link is put in when it is sent or shown.
    ``partner_id``: the partner whose mail limits it counts in, and ``slot`` when it
    may go (mail_limits.place, which counted it): a held message waits until then.
    ``now``: when it is written (default: the current time), as the limits counted it."""
    message = new_message(
        to=to,
        subject=subject,
        text=text,
        html=html,
        kind=kind,
        customer_id=customer_id,
        password_token_id=password_token_id,
        partner_id=partner_id,
        slot=slot,
        now=now,
    )
    session.add(message)
    session.flush()
    return message


def new_message(
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    kind: str,
    customer_id: int | None = None,
    password_token_id: int | None = None,
    partner_id: int | None = None,
    slot: mail_limits.Slot | None = None,
    now: datetime.datetime | None = None,
) -> OutboxMessage:
    """The row ``enqueue`` writes, not added to any session (``enqueue_all`` writes
    many at once): the same checks, the same arguments."""
    if not isinstance(kind, str) or not kind or len(kind) > KIND_MAX:
        raise ValueError(f"kind must be a short name, such as 'invitation': {kind!r}")
    address = check_recipient(to)
    body_html = html if html is not None else f"<pre>{escape(text)}</pre>"
    domain = _sender_address(settings.get().sender).rpartition("@")[2] or "localhost"
    message = OutboxMessage(
        message_id=make_msgid(domain=domain),
        kind=kind,
        customer_id=customer_id,
        to_address=address,
        subject=clean_subject(subject),
        body_text=str(text),
        body_html=str(body_html),
        password_token_id=password_token_id,
        partner_id=partner_id,
    )
    if now is not None:
        message.created_at = message.next_attempt_at = utc_now_or(now)
    if slot is not None and slot.held:
        message.next_attempt_at = message.held_until = slot.at
        message.held_reason = slot.reason
    return message


def enqueue_all(session: Session, messages: Sequence[OutboxMessage]) -> None:
    """Add the messages of ``new_message`` to the outbox in the caller's transaction
    with one INSERT (an executemany), as ``enqueue`` each would, but sent now and
    without their ids: what a save that invites 500 admin contacts writes."""
    if messages:
        database.insert_rows(session, messages)


def build_message(
    row: OutboxMessage, sender: str | None = None, link: str | None = None
) -> EmailMessage:
    """The email ``row`` is sent as (also what an outbox page shows): From (``sender``,
    else CLOUDLINK_MAIL_FROM), To, Subject, Date, the stored Message-ID, plain text
    and an HTML alternative, with ``link`` in place of links.LINK_PLACEHOLDER; headers
    folded and encoded by ``email.policy.SMTP``."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender or settings.get().sender
    local, _, domain = row.to_address.rpartition("@")
    message["To"] = Address(addr_spec=row.to_address) if local and domain else row.to_address
    message["Subject"] = clean_subject(row.subject)
    created = row.created_at
    if created.tzinfo is None:  # SQLite returns naive UTC times
        created = created.replace(tzinfo=datetime.UTC)
    message["Date"] = format_datetime(created)
    message["Message-ID"] = row.message_id
    message.set_content(links.fill(row.body_text, link))
    message.add_alternative(links.fill(row.body_html, link, html=True), subtype="html")
    return message


def _short_error(error: BaseException, server: SmtpServer) -> str:
    words = f"{type(error).__name__}: {error}"
    if server.password:
        words = words.replace(server.password, "***")
    return " ".join(words.split())[:ERROR_MAX]


def _due_ids(engine: sa.engine.Engine, now: datetime.datetime, limit: int) -> list[int]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.id)
            .where(col(OutboxMessage.sent_at).is_(None), OutboxMessage.next_attempt_at <= now)
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
        ).all()
    return [row for row in rows if row is not None]


def _claim(
    engine: sa.engine.Engine, message_id: int, now: datetime.datetime
) -> OutboxMessage | None:
    """The row, if this caller claimed it (one atomic conditional UPDATE); else None."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        claimed = connection.execute(
            sa.update(table)
            .where(
                table.c.id == message_id,
                table.c.sent_at.is_(None),
                table.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + CLAIM_LEASE, attempts=table.c.attempts + 1)
        ).rowcount
    if claimed != 1:
        return None
    with Session(engine, expire_on_commit=False) as session:
        return session.get(OutboxMessage, message_id)


def _link(engine: sa.engine.Engine, row: OutboxMessage) -> str | None:
    with Session(engine) as session:
        return links.mailed_url(session, row.password_token_id)


def _finish(
    engine: sa.engine.Engine,
    message_id: int,
    now: datetime.datetime,
    *,
    error: str | None,
    attempts: int,
) -> None:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    values: dict[str, object]
    if error is None:
        values = {"sent_at": now, "last_error": ""}
    else:
        values = {"next_attempt_at": now + backoff(attempts), "last_error": error}
    with engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == message_id).values(**values))


async def _send(message: EmailMessage, row: OutboxMessage, sender: str, server: SmtpServer) -> None:
    await aiosmtplib.send(
        message,
        sender=_sender_address(sender),
        recipients=[row.to_address],  # the one recipient: never taken from the headers
        hostname=server.host,
        port=server.port,
        username=server.username,
        password=server.password,
        use_tls=server.use_tls,
        # smtp://: STARTTLS required (never "when offered": an attacker on the way
        # could strip the offer and read the password and the links); False only for
        # smtps:// (TLS already) and smtp+plain:// (a loopback server, settings).
        start_tls=server.start_tls,
        timeout=SMTP_TIMEOUT,
    )


async def deliver_due(
    now: datetime.datetime | None = None,
    *,
    engine: sa.engine.Engine | None = None,
    limit: int = BATCH_SIZE,
) -> int:
    """Send up to ``limit`` unsent messages due at ``now`` (default: the current time)
    through CLOUDLINK_SMTP_URL; the number sent. Without a mail server configured, or
    in demo mode, nothing is sent (0). ``engine``: the app's database unless given. Each message is
    claimed atomically, sent, and marked sent only after the server accepted it; a
    failure is recorded on the message (attempts, next_attempt_at, last_error) and the
    next message is tried."""
    current = settings.get()
    server = current.smtp
    if server is None or current.demo_mode:
        # Demo mode sends nothing, mail server or not: its demo data's contacts have
        # made-up addresses at domains that may well exist (the Outbox page shows it all).
        return 0
    sender = current.sender
    moment = utc_now_or(now)
    engine = engine or get_engine()
    sent = 0
    for message_id in await asyncio.to_thread(_due_ids, engine, moment, limit):
        row = await asyncio.to_thread(_claim, engine, message_id, moment)
        if row is None:  # another sender took it, or it was sent meanwhile
            continue
        try:
            link = await asyncio.to_thread(_link, engine, row) if row.password_token_id else None
            await _send(build_message(row, sender, link), row, sender, server)
        except (aiosmtplib.SMTPException, OSError, ValueError) as error:
            reason = _short_error(error, server)
            logger.warning("Sending outbox message %s failed: %s", row.id, reason)
            await asyncio.to_thread(
                _finish, engine, message_id, moment, error=reason, attempts=row.attempts
            )
            continue
        await asyncio.to_thread(
            _finish, engine, message_id, moment, error=None, attempts=row.attempts
        )
        sent += 1
    return sent


async def deliver_on_schedule() -> None:
    """A lifespan task of the app (cloudlink_app.py): ``deliver_due`` every
    DELIVER_INTERVAL seconds while CLOUDLINK_SMTP_URL is set (checked each round). A
    failure is logged and tried again next round."""
    while True:
        if settings.get().smtp is not None:
            try:
                await deliver_due()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the schedule
                logger.warning("Delivering the outbox failed", exc_info=True)
        await asyncio.sleep(DELIVER_INTERVAL)
