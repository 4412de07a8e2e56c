"""services/outbox.py against a real SMTP server (aiosmtpd on 127.0.0.1, a free port):
messages arrive once with their content, survive the server being down, cannot gain a
header or a recipient from user text, and are written in the caller's transaction."""

from __future__ import annotations

import asyncio
import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.models import OutboxMessage, utc_now
from cloudlink_app.services import outbox
from tests.support import smtp as smtp_server

SENDER = "CloudLink Onboarding <noreply@cloudlink.example>"


@pytest.fixture
def smtp(database):
    """A running SMTP server, and the app's settings pointing at it."""
    with smtp_server.running(SENDER) as server:
        yield server


def add(session: Session, to: str, subject: str = "Hello", text: str = "Body") -> OutboxMessage:
    message = outbox.enqueue(
        session,
        to=to,
        subject=subject,
        text=text,
        html=f"<p>{outbox.escape(text)}</p>",
        kind="problem_report",
    )
    session.commit()
    return message


def rows(database) -> list[OutboxMessage]:
    with Session(database) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def as_utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment


# ----- delivery ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_three_messages_arrive_once_each_with_their_content(smtp, session, database):
    made = [
        add(session, f"contact{n}@example.com", f"Report {n}", f"Text {n} <b>&</b>")
        for n in range(3)
    ]
    ids = {m.to_address: m.message_id for m in made}

    assert await outbox.deliver_due() == 3

    received = smtp.recorder.received()
    assert sorted(rcpt[0] for rcpt, _ in received) == sorted(ids)
    for rcpt, message in received:
        (to,) = rcpt
        n = to.removeprefix("contact").split("@")[0]
        assert message["From"] == SENDER
        assert message["To"] == to
        assert message["Subject"] == f"Report {n}"
        assert message["Message-ID"] == ids[to]
        plain = message.get_body(preferencelist=("plain",))
        rich = message.get_body(preferencelist=("html",))
        assert plain is not None and rich is not None
        assert plain.get_content().strip() == f"Text {n} <b>&</b>"
        assert rich.get_content().strip() == f"<p>Text {n} &lt;b&gt;&amp;&lt;/b&gt;</p>"
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows(database))
    assert await outbox.deliver_due() == 0
    assert len(smtp.recorder.envelopes) == 3


@pytest.mark.asyncio
async def test_a_message_made_while_the_server_is_down_goes_out_once_when_it_is_back(
    smtp, session, database
):
    made = add(session, "support@example.com", "Down")
    smtp.stop()
    started = utc_now()

    assert await outbox.deliver_due(started) == 0
    assert await outbox.deliver_due(started + datetime.timedelta(seconds=5)) == 0  # not due

    (row,) = rows(database)
    assert row.sent_at is None
    assert row.attempts == 1
    assert as_utc(row.next_attempt_at) == started + outbox.BACKOFF_FIRST
    assert row.last_error  # why, for the outbox page

    later = started + datetime.timedelta(minutes=1)
    assert await outbox.deliver_due(later) == 0  # still down: the wait grows
    (row,) = rows(database)
    assert row.attempts == 2
    assert as_utc(row.next_attempt_at) == later + 2 * outbox.BACKOFF_FIRST

    smtp.start()
    back = later + datetime.timedelta(hours=1)
    assert await outbox.deliver_due(back) == 1
    assert await outbox.deliver_due(back + datetime.timedelta(hours=2)) == 0

    (row,) = rows(database)
    assert as_utc(row.sent_at) == back and row.last_error == ""
    ((rcpt, message),) = smtp.recorder.received()
    assert rcpt == ["support@example.com"]
    assert message["Message-ID"] == made.message_id


def test_the_back_off_doubles_up_to_an_hour():
    waits = [outbox.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits[:4] == [30, 60, 120, 240]
    assert waits[-1] == 3600 and max(waits) == 3600


@pytest.mark.asyncio
async def test_without_a_mail_server_messages_stay_in_the_outbox(database, session):
    add(session, "support@example.com")
    with settings.override(smtp_url=None):
        assert await outbox.deliver_due() == 0
    (row,) = rows(database)
    assert row.sent_at is None and row.attempts == 0


# ----- user text never adds a header or a recipient ---------------------------------------


@pytest.mark.asyncio
async def test_a_subject_with_line_breaks_adds_no_header_and_no_recipient(smtp, session):
    subject = "Help\r\nBcc: evil@example.com\nX-Injected: 1\rCc: other@example.com"
    add(session, "support@example.com", subject, "Body\r\nBcc: evil@example.com")

    assert await outbox.deliver_due() == 1

    ((rcpt, message),) = smtp.recorder.received()
    assert rcpt == ["support@example.com"]
    assert {name.lower() for name in message} == {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
    }
    assert message["Subject"] == ("Help Bcc: evil@example.com X-Injected: 1 Cc: other@example.com")
    raw = smtp.recorder.envelopes[0].original_content
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc:" not in header_block and b"\nX-Injected" not in header_block


@pytest.mark.parametrize(
    "to",
    [
        "a@example.com, evil@example.com",
        "a@example.com,evil@example.com",
        "a@example.com;evil@example.com",
        "a@example.com\r\nBcc: evil@example.com",
        "a@example.com\nevil@example.com",
        "Evil <evil@example.com>",
        "not an address",
        "",
    ],
)
def test_a_recipient_that_is_not_one_address_is_refused(database, session, to):
    with pytest.raises(outbox.InvalidRecipient):
        outbox.enqueue(session, to=to, subject="s", text="t", html=None, kind="invitation")
    session.commit()
    assert rows(database) == []


def test_user_text_is_escaped_in_the_generated_html(database, session):
    made = outbox.enqueue(
        session, to="a@example.com", subject="s", text="<script>x</script>", html=None, kind="k"
    )
    assert "<script>" not in made.body_html and "&lt;script&gt;" in made.body_html


# ----- the caller's transaction -----------------------------------------------------------


def test_the_message_is_written_in_the_callers_transaction(database, session):
    outbox.enqueue(session, to="a@example.com", subject="s", text="t", html=None, kind="k")
    # Not committed by enqueue: another connection does not see it...
    with Session(database) as other:
        assert other.exec(select(sa.func.count()).select_from(OutboxMessage)).one() == 0
    # ...and rolling the caller's transaction back leaves no message.
    session.rollback()
    assert rows(database) == []

    made = outbox.enqueue(session, to="b@example.com", subject="s", text="t", html=None, kind="k")
    session.commit()
    assert [row.message_id for row in rows(database)] == [made.message_id]


def test_a_claimed_message_is_not_claimed_again(database, session):
    # The atomic UPDATE that claims a message matches once: a second sender gets nothing.
    made = add(session, "a@example.com")
    now = utc_now()
    engine = database
    assert outbox._claim(engine, made.id, now) is not None
    assert outbox._claim(engine, made.id, now) is None


@pytest.mark.asyncio
async def test_the_lifespan_task_delivers(smtp, session, monkeypatch):
    monkeypatch.setattr(outbox, "DELIVER_INTERVAL", 0.05)
    add(session, "a@example.com")
    task = asyncio.ensure_future(outbox.deliver_on_schedule())
    try:
        for _ in range(100):
            if smtp.recorder.envelopes:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    assert len(smtp.recorder.envelopes) == 1


@pytest.mark.asyncio
async def test_demo_mode_sends_nothing_even_with_a_mail_server(smtp, session, database):
    """The demo data's contacts have made-up addresses at domains that may exist: demo
    mode never sends, it only shows the outbox."""
    add(session, "support@example.com", "Demo")
    with settings.override(demo_mode=True):
        assert await outbox.deliver_due() == 0
    assert smtp.recorder.received() == [] and rows(database)[0].sent_at is None
    assert await outbox.deliver_due() == 1
