"""The mail limits count race-free on PostgreSQL (services/mail_limits.py): two
transactions placing the same partner's mail at once, each on its own connection, never
both see room for the same messages. The first locks the partner's row (SELECT ... FOR
NO KEY UPDATE) and holds it until its commit; the second waits for it, then counts the
first one's messages."""

from __future__ import annotations

import datetime
import threading
import time

import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.domain import limits
from cloudlink_app.models import OutboxMessage
from cloudlink_app.services import mail_limits, outbox

BASE = datetime.datetime(2030, 1, 15, 10, 20, tzinfo=datetime.UTC)
EACH = 80  # per transaction: 160 in all, over the partner's 100 an hour
HOLD = 1.0  # seconds the first transaction keeps its lock after placing


def place_and_write(session: Session, partner: int, who: str) -> None:
    for n in range(EACH):
        to = f"{who}{n}@example.com"
        slot = mail_limits.place(
            session,
            partner_id=partner,
            kind=limits.PROBLEM_REPORT_KIND,
            customer_id=None,
            to=to,
            now=BASE,
        )
        outbox.enqueue(
            session,
            to=to,
            subject="Report",
            text="t",
            html=None,
            kind=limits.PROBLEM_REPORT_KIND,
            partner_id=partner,
            slot=slot,
            now=BASE,
        )


def test_two_transactions_at_once_count_each_others_mail(postgres, schema_url, partner):
    engines = [sa.create_engine(schema_url, poolclass=sa.pool.NullPool) for _ in range(2)]
    first_placed = threading.Event()
    waited: list[float] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with Session(engines[0]) as session:
                place_and_write(session, partner, "a")
                first_placed.set()
                time.sleep(HOLD)  # the second transaction runs meanwhile
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            first_placed.set()

    def second() -> None:
        try:
            assert first_placed.wait(timeout=30)
            started = time.monotonic()
            with Session(engines[1]) as session:
                place_and_write(session, partner, "b")
                session.commit()
            waited.append(time.monotonic() - started)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert not errors, errors

    with Session(postgres) as session:
        rows = session.exec(select(OutboxMessage)).all()
    at_once = [row for row in rows if not row.held_reason]
    assert len(rows) == 2 * EACH  # nothing dropped
    assert len(at_once) == limits.PARTNER_MAIL.count, (
        f"{len(at_once)} messages may go this hour: the limit is {limits.PARTNER_MAIL.count}"
    )
    assert {row.held_reason for row in rows if row.held_reason} == {limits.PARTNER_MAIL.name}
    # The second transaction waited for the first one's commit.
    assert waited and waited[0] >= HOLD * 0.8, waited
