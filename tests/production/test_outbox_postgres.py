"""The outbox on PostgreSQL (migrated schema) against a real SMTP server (aiosmtpd on
127.0.0.1): two senders running at once send each message exactly once, and a message
written in a rolled-back transaction does not exist."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.models import OutboxMessage
from cloudlink_app.services import outbox
from tests.support import smtp as smtp_server

MESSAGES = 20


@pytest.fixture
def smtp():
    with smtp_server.running("noreply@cloudlink.example") as server:
        yield server.recorder


def test_two_senders_at_once_send_each_message_once(postgres, schema_url, smtp):
    with Session(postgres) as session:
        made = [
            outbox.enqueue(
                session,
                to=f"contact{n}@example.com",
                subject=f"Report {n}",
                text="t",
                html=None,
                kind="problem_report",
            ).message_id
            for n in range(MESSAGES)
        ]
        session.commit()

    # Two workers, each with its own engine (connections), started together.
    engines = [sa.create_engine(schema_url, poolclass=sa.pool.NullPool) for _ in range(2)]
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker(engine: sa.engine.Engine) -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(asyncio.run(outbox.deliver_due(engine=engine)))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert not errors, errors

    sent = Counter(
        email.message_from_bytes(envelope.original_content, policy=email.policy.default)[
            "Message-ID"
        ]
        for envelope in smtp.envelopes
    )
    assert sent == Counter(made), "each message exactly once"
    assert sum(counts) == MESSAGES
    with Session(postgres) as session:
        stored = session.exec(select(OutboxMessage)).all()
    assert all(row.sent_at is not None and row.attempts == 1 for row in stored)


def test_a_rolled_back_transaction_leaves_no_message(postgres):
    with Session(postgres) as session:
        outbox.enqueue(session, to="a@example.com", subject="s", text="t", html=None, kind="k")
        session.rollback()
    with Session(postgres) as session:
        assert session.exec(select(OutboxMessage)).all() == []
