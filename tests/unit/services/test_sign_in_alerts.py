"""The email to a user whose account keeps failing to sign in (services/sign_in_alerts.py):
one when the account's failures reach the point where its wait starts (10 in 6 hours),
then none for 24 hours, whoever fails and from wherever; in the user's UI language;
never for an email no user has, a deactivated user or one without a password; and it
arrives over SMTP like every other message."""

from __future__ import annotations

import datetime

import pytest
from sqlmodel import Session, col, select

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser, OutboxMessage, SignInAttempt
from cloudlink_app.services import outbox, password_changes, sign_in_alerts, signing_in
from tests.support import smtp as smtp_server

NOW = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)
ANNA = demo_accounts.DEMO_PARTNER_EMAIL
NOBODY = "nobody@northwind-telecom.example"
PASSWORD = demo_accounts.DEMO_PASSWORD
URL = "https://onboarding.example.com"
SENDER = "CloudLink Onboarding <noreply@cloudlink.example>"


@pytest.fixture(autouse=True)
def deploy_url():
    with settings.override(deploy_url=URL):
        yield


def at(seconds: float) -> datetime.datetime:
    return NOW + datetime.timedelta(seconds=seconds)


def add_failures(database, count, email=ANNA, at_moment=NOW):
    """Failures as sign_in records them, each from another address, without an Argon2
    verify each (the one that crosses the line is made by the real sign-in)."""
    with Session(database) as session:
        for index in range(count):
            address = f"198.51.100.{index % 250 + 1}"
            session.add(SignInAttempt(email=email, address=address, attempted_at=at_moment))
        session.commit()


def fail(database, email=ANNA, now=NOW) -> signing_in.SignInResult:
    with Session(database) as session:
        return signing_in.sign_in(session, email, "a wrong guess", "203.0.113.50", now=now)


def alerts(database) -> list[OutboxMessage]:
    with Session(database) as session:
        return list(
            session.exec(
                select(OutboxMessage).where(OutboxMessage.kind == sign_in_alerts.KIND)
            ).all()
        )


def test_the_tenth_failure_mails_the_user_once(database, demo_users):
    add_failures(database, 8, at_moment=at(-3600))
    assert not fail(database).ok  # the 9th
    assert alerts(database) == []
    assert not fail(database, now=at(10)).ok  # the 10th: the account's wait starts
    (message,) = alerts(database)
    assert message.to_address == ANNA and message.customer_id is None
    assert message.subject == t("mail.sign_in_alert_subject")
    assert "10 times since" in message.body_text
    assert f"{URL}{routes.CHANGE_PASSWORD}" in message.body_text
    # More failures, from anywhere, within the day: no more mail.
    add_failures(database, 40, at_moment=at(60))
    assert not fail(database, now=at(3600)).ok
    assert not fail(database, now=at(20 * 3600)).ok
    assert len(alerts(database)) == 1


def test_nine_failures_mail_nobody(database, demo_users):
    add_failures(database, 8)
    assert not fail(database, now=at(1)).ok
    assert alerts(database) == []


def test_failures_out_of_the_window_do_not_count(database, demo_users):
    add_failures(database, 30, at_moment=at(-6 * 3600))
    assert not fail(database, now=at(1)).ok
    assert alerts(database) == []


def test_after_a_day_the_user_is_mailed_again(database, demo_users):
    add_failures(database, 9)
    fail(database, now=at(1))
    add_failures(database, 10, at_moment=at(23 * 3600))
    fail(database, now=at(23 * 3600 + 1))
    assert len(alerts(database)) == 1
    fail(database, now=at(24 * 3600 + 1))
    assert len(alerts(database)) == 2


def test_an_email_no_user_has_gets_no_mail_and_the_same_answer(database, demo_users):
    add_failures(database, 9, NOBODY)
    add_failures(database, 9, ANNA)
    assert fail(database, NOBODY, at(1)) == fail(database, ANNA, at(2))
    assert [m.to_address for m in alerts(database)] == [ANNA]


@pytest.mark.parametrize("change", ["deactivated", "no password"])
def test_a_user_who_cannot_sign_in_gets_no_mail(database, demo_users, change):
    with Session(database) as session:
        anna = session.exec(select(AppUser).where(col(AppUser.email) == ANNA)).one()
        if change == "deactivated":
            anna.active = False
        else:
            anna.password_hash = ""
        session.add(anna)
        session.commit()
    add_failures(database, 9)
    fail(database, now=at(1))
    assert alerts(database) == []


def test_the_mail_is_in_the_users_language(database, demo_users):
    with Session(database) as session:
        anna = session.exec(select(AppUser).where(col(AppUser.email) == ANNA)).one()
        anna.ui_language = "nl"
        session.add(anna)
        session.commit()
    add_failures(database, 9)
    fail(database, now=at(1))
    (message,) = alerts(database)
    assert message.subject == t("mail.sign_in_alert_subject", "nl")
    assert message.subject != t("mail.sign_in_alert_subject", "en")
    assert "10 keer sinds" in message.body_text


def test_wrong_current_passwords_count_too(database, demo_users):
    add_failures(database, 9)
    with Session(database) as session:
        outcome = password_changes.change_password(
            session,
            demo_users[ANNA],
            "not my password",
            "a new and long passphrase",
            "a new and long passphrase",
            keep_session_id=None,
            address="192.0.2.10",
        )
    assert not outcome.done
    assert [m.to_address for m in alerts(database)] == [ANNA]


def test_a_second_worker_that_counted_the_same_failures_sends_nothing(database, demo_users):
    """Two sign-ins that both found the account's 10th failure: the first to mark the
    user sends; the second's conditional update finds the user marked (the race itself,
    on PostgreSQL, is in tests/production/test_postgres_sign_in.py)."""
    add_failures(database, 10)
    with Session(database) as first, Session(database) as second:
        assert sign_in_alerts.alert_if_due(first, ANNA, at(1))
        first.commit()
        assert not sign_in_alerts.alert_if_due(second, ANNA, at(1))
        second.commit()
    assert len(alerts(database)) == 1


@pytest.mark.asyncio
async def test_the_mail_arrives(database, demo_users):
    add_failures(database, 9)
    fail(database)
    with smtp_server.running(SENDER) as server:
        assert await outbox.deliver_due() == 1
        ((recipients, message),) = server.recorder.received()
    assert recipients == [ANNA]
    assert message["Subject"] == t("mail.sign_in_alert_subject")
    body = message.get_body(("plain",))
    assert body is not None and "Someone tried to sign in" in body.get_content()
