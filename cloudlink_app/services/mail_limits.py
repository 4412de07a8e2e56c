"""The mail limits applied (the rules: domain/limits.py MAIL_LIMITS; docs/email.md).

Every invitation and problem-report message is placed here before it is written
(``place``): it goes at once when each limit it counts in has room in the current
window, else it is held, never dropped, until the first window where all have room.
A held message is an ordinary outbox row whose ``next_attempt_at`` (and
``held_until``) is the start of that window and whose ``held_reason`` names the limit
that held it, so the sender needs no rule of its own and the pages can say why it
waits. The operators' log (logger ``cloudlink_app.mail_limits``) gets one line per
limit reached per transaction: which limit, whose count, which user.

Counting is race-free across workers and instances: the first placement of a
transaction locks the partner's row (PostgreSQL ``SELECT ... FOR NO KEY UPDATE``, which
inserts referring to the partner do not wait for; SQLite: a write to the row, which
takes the database's one write lock), then reads the counts. A concurrent transaction
of the same partner waits for the commit and then counts the messages this one wrote.
The counts are kept in the session for the rest of the transaction (``session.info``,
dropped when the outermost transaction ends), so placing 500 messages reads them once.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import logging

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain import limits
from cloudlink_app.domain.limits import MailLimit
from cloudlink_app.models import OutboxMessage, Partner

logger = logging.getLogger("cloudlink_app.mail_limits")

_INFO_KEY = "cloudlink_app.mail_limits"
# The furthest a message is held: a sanity bound on the search (windows are an hour at
# least), far beyond what any limit's backlog needs.
MAX_STEPS = 24 * 366


@dataclasses.dataclass(frozen=True)
class Slot:
    """When a message may go: ``at``; ``reason`` names the limit that held it back
    ("" when it goes at once)."""

    at: datetime.datetime
    reason: str = ""

    @property
    def held(self) -> bool:
        """Whether a limit held the message back."""
        return bool(self.reason)


@dataclasses.dataclass
class _Counts:
    """One partner's counts in this transaction: (limit, scope key, window start) ->
    messages, and the limits already logged."""

    counts: collections.Counter[tuple[str, object, datetime.datetime]]
    logged: set[tuple[str, object]] = dataclasses.field(default_factory=set)


def lock_partner(session: Session, partner_id: int) -> None:
    """Hold the partner's row until the transaction ends: the counts read after it are
    the committed ones, and no other transaction places that partner's mail meanwhile."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.select(col(Partner.id))
            .where(col(Partner.id) == partner_id)
            .with_for_update(key_share=True)  # PostgreSQL: FOR NO KEY UPDATE
        )
    else:
        # SQLite: the first write of a transaction takes the database's write lock,
        # which other writers wait for until the commit (busy timeout).
        table = Partner.__table__  # type: ignore[attr-defined]
        session.execute(sa.update(table).where(table.c.id == partner_id).values(id=table.c.id))


def _scope_key(limit: MailLimit, partner_id: int, customer_id: int | None, to: str) -> object:
    if limit.scope == limits.PER_CUSTOMER:
        return customer_id
    if limit.scope == limits.PER_RECIPIENT:
        return to.strip().lower()
    return partner_id


def _count_in(
    counts: _Counts, kind: str, partner_id: int, customer_id: int | None, to: str, at
) -> None:
    for limit in limits.mail_limits_of(kind):
        if customer_id is None and limit.scope == limits.PER_CUSTOMER:
            continue  # a colleague's invitation: the partner's, no customer's
        key = _scope_key(limit, partner_id, customer_id, to)
        counts.counts[(limit.name, key, limit.window_start(at))] += 1


def _counts(session: Session, partner_id: int, now: datetime.datetime) -> _Counts:
    """The partner's counts from the start of today's window on (the longest window):
    read once per transaction, after locking the partner."""
    cached: dict[int, _Counts] = session.info.setdefault(_INFO_KEY, {})
    if partner_id in cached:
        return cached[partner_id]
    lock_partner(session, partner_id)
    since = min(limit.window_start(now) for limit in limits.MAIL_LIMITS)
    counted_at = sa.func.coalesce(col(OutboxMessage.held_until), col(OutboxMessage.created_at))
    rows = session.exec(
        select(
            OutboxMessage.kind, OutboxMessage.customer_id, OutboxMessage.to_address, counted_at
        ).where(
            OutboxMessage.partner_id == partner_id,
            col(OutboxMessage.kind).in_(sorted(limits.LIMITED_KINDS)),
            counted_at >= since,
        )
    ).all()
    counts = _Counts(collections.Counter())
    for kind, customer_id, to, at in rows:
        at = at if at.tzinfo else at.replace(tzinfo=datetime.UTC)  # SQLite: naive UTC
        _count_in(counts, kind, partner_id, customer_id, to, at)
    cached[partner_id] = counts
    return counts


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_counts(session: Session, transaction) -> None:
    # Only the outermost transaction ends the lock: a savepoint ending within it
    # keeps the lock and the counts.
    if transaction.parent is None:
        session.info.pop(_INFO_KEY, None)


def place(
    session: Session,
    *,
    partner_id: int,
    kind: str,
    customer_id: int | None,
    to: str,
    now: datetime.datetime,
    by: int | None = None,
    not_before: datetime.datetime | None = None,
    not_before_reason: str = "",
) -> Slot:
    """When a message of ``kind`` from ``partner_id``'s customer ``customer_id`` to
    ``to`` may go, counted (the caller writes it in this transaction: outbox.enqueue
    with the slot). ``not_before``: not before then (``not_before_reason`` says why);
    ``by``: the user whose action makes it, for the log."""
    at, reason = now, ""
    if not_before is not None and not_before > now:
        at, reason = not_before, not_before_reason
    applying = tuple(
        limit
        for limit in limits.mail_limits_of(kind)
        if customer_id is not None or limit.scope != limits.PER_CUSTOMER
    )
    if not applying:
        return Slot(at, reason)
    counts = _counts(session, partner_id, now)
    for _ in range(MAX_STEPS):
        full = [
            limit
            for limit in applying
            if counts.counts[
                (
                    limit.name,
                    _scope_key(limit, partner_id, customer_id, to),
                    limit.window_start(at),
                )
            ]
            >= limit.count
        ]
        if not full:
            break
        for limit in full:
            _log_once(counts, limit, partner_id, customer_id, to, by)
        # The limit whose window ends last decides when it goes: it is the reason.
        binding = max(full, key=lambda limit: limit.next_window(at))
        at, reason = binding.next_window(at), binding.name
    _count_in(counts, kind, partner_id, customer_id, to, at)
    return Slot(at, reason if at > now else "")


def _log_once(
    counts: _Counts,
    limit: MailLimit,
    partner_id: int,
    customer_id: int | None,
    to: str,
    by: int | None,
) -> None:
    key = _scope_key(limit, partner_id, customer_id, to)
    if (limit.name, key) in counts.logged:
        return
    counts.logged.add((limit.name, key))
    log_reached(
        limit.name,
        limit.count,
        limit.window,
        partner_id=partner_id,
        customer_id=customer_id,
        by=by,
        recipient=to if limit.scope == limits.PER_RECIPIENT else None,
    )


def log_reached(
    name: str,
    count: int,
    window: datetime.timedelta,
    *,
    partner_id: int,
    customer_id: int | None,
    by: int | None,
    recipient: str | None = None,
) -> None:
    """Tell the operators' log that the limit ``name`` (``count`` per ``window``) held
    mail of ``partner_id``'s customer ``customer_id``, caused by user ``by``."""
    hours = int(window.total_seconds() // 3600)
    fields: dict[str, object] = {
        "event": "mail_limit_reached",
        "limit": name,
        "count": count,
        "window_hours": hours,
        "partner": partner_id,
        "customer": customer_id,
        "user": by,
    }
    if recipient is not None:
        # Whose invitations: the domain only (the log keeps no whole address).
        fields["recipient_domain"] = recipient.rpartition("@")[2].lower()
    logger.warning(
        "Mail limit reached: %s (%s per %s h) for partner %s, customer %s, by user %s: "
        "further messages wait in the outbox",
        name,
        count,
        hours,
        partner_id,
        customer_id,
        by,
        extra={"fields": fields},
    )
