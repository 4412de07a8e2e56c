"""The outbox never sends the SMTP password or a message in clear unless the URL says
so, to a loopback server (setting_checks.smtp_server, outbox._send): against a real
SMTP server (aiosmtpd on 127.0.0.1) that offers AUTH but no STARTTLS, as a server whose
STARTTLS offer an attacker stripped would look."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.models import OutboxMessage
from cloudlink_app.services import outbox, startup
from tests.support import smtp as smtp_server

SENDER = "CloudLink Onboarding <noreply@cloudlink.example>"
PASSWORD = "hunter2-smtp"


@pytest.fixture
def server(database):
    """A running SMTP server without STARTTLS that takes any login (and keeps it)."""
    running = smtp_server.SmtpServer(logins=True)
    running.start()
    yield running
    running.stop()


def queue_one(database) -> None:
    with Session(database) as session:
        outbox.enqueue(
            session, to="ops@example.com", subject="Hi", text="Body", html=None, kind="test"
        )
        session.commit()


def the_row(database) -> OutboxMessage:
    with Session(database) as session:
        return session.exec(select(OutboxMessage)).one()


@pytest.mark.asyncio
async def test_smtp_without_starttls_offered_sends_no_password_and_no_mail(server, database):
    queue_one(database)
    url = f"smtp://mailer:{PASSWORD}@127.0.0.1:{server.port}"
    with settings.override(smtp_url=url, mail_from=SENDER):
        sent = await outbox.deliver_due()
    assert server.logins.seen == [], "the SMTP password was sent without TLS"
    assert server.recorder.envelopes == [], "a message was sent without TLS"
    assert sent == 0
    row = the_row(database)
    assert row.sent_at is None and "STARTTLS" in row.last_error
    assert PASSWORD not in row.last_error


@pytest.mark.asyncio
async def test_smtp_plus_plain_to_a_loopback_server_sends(server, database):
    queue_one(database)
    url = f"smtp+plain://mailer:{PASSWORD}@127.0.0.1:{server.port}"
    with settings.override(smtp_url=url, mail_from=SENDER):
        assert await outbox.deliver_due() == 1
    assert [(user, password) for _, user, password in server.logins.seen] == [("mailer", PASSWORD)]
    ((recipients, _message),) = server.recorder.received()
    assert recipients == ["ops@example.com"]


def test_smtp_plus_plain_to_another_host_is_refused_at_start():
    with pytest.raises(settings.SettingsError) as refused:
        settings.from_environ(
            {
                "CLOUDLINK_SMTP_URL": f"smtp+plain://mailer:{PASSWORD}@192.0.2.10:25",
                "CLOUDLINK_MAIL_FROM": SENDER,
            }
        )
    assert "allowed to a loopback address only" in refused.value.problem
    assert PASSWORD not in str(refused.value)


def test_smtp_plus_plain_is_warned_of_at_start(database, caplog):
    plain = settings.Settings(
        smtp_url="smtp+plain://127.0.0.1:2525",
        mail_from=SENDER,
        deploy_url="https://onboarding.example.com",
        secret_key="k" * settings.SECRET_KEY_MIN,
    )
    (warning,) = startup.startup_warnings(plain)
    assert "without TLS" in warning
    for safe in ("smtp://mail.example.com", "smtps://mail.example.com"):
        assert startup.startup_warnings(settings.Settings(smtp_url=safe, mail_from=SENDER)) == []
    with settings.use(plain), caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        startup.refuse_to_start_on_problems()
    assert any("smtp+plain://" in r.getMessage() for r in caplog.records)
