"""The outbox on PostgreSQL (migrated schema) against a real SMTP server (aiosmtpd on
127.0.0.1): two senders running at once send each message exactly once, and a message
written in a rolled-back transaction does not exist."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.models import OutboxMessage
from cloudlink_app.services import outbox

MESSAGES = 20


class Recorder:
    def __init__(self) -> None:
        self.envelopes: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with settings.override(
            smtp_url=f"smtp://127.0.0.1:{port}", mail_from="noreply@cloudlink.example"
        ):
            yield recorder
    finally:
        controller.stop()


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
