"""Signing in on PostgreSQL: text that PostgreSQL cannot take (NUL, a lone surrogate,
which a crafted event can send) is a plain failed sign-in, not a server error; and two
workers that both count the failure that starts an account's wait send its user one
email, not two."""

from __future__ import annotations

import datetime
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.contacts import email_key
from cloudlink_app.models import AppUser, OutboxMessage, SignInAttempt
from cloudlink_app.services import sign_in_alerts, signing_in

EMAIL = demo_accounts.DEMO_PARTNER_EMAIL


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (EMAIL + "\x00", "x"),
        (EMAIL[:4] + "\ud800" + EMAIL[4:], "x"),
        (EMAIL, "x\x00"),
        (EMAIL, "x\ud800"),
    ],
    ids=["NUL in email", "surrogate in email", "NUL in password", "surrogate in password"],
)
def test_unstorable_text_fails_like_a_wrong_password(postgres, partner, email, password):
    with Session(postgres) as session:
        result = signing_in.sign_in(session, email, password, "203.0.113.7")
    assert (result.token, result.user, result.throttled) == (None, None, False)
    with Session(postgres) as session:
        stored = session.exec(select(SignInAttempt.email)).all()
    assert all(email_key(EMAIL) == e for e in stored)


def test_two_workers_at_the_tenth_failure_send_one_email(schema_url, postgres, partner):
    """Each worker (an engine of its own) has counted the account's failures, ten, and
    both then try to mark the user alerted at once (a barrier holds them between):
    the conditional UPDATE lets one through; the other waits for its commit and finds
    the user marked."""
    now = datetime.datetime.now(datetime.UTC)
    with Session(postgres) as session:
        anna = session.exec(select(AppUser).where(AppUser.email == EMAIL)).one()
        anna.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$any-stored-hash"
        session.add(anna)
        for n in range(10):
            session.add(SignInAttempt(email=EMAIL, address=f"198.51.100.{n}", attempted_at=now))
        session.commit()
    barrier = threading.Barrier(2)
    sent: list[bool] = []

    def worker() -> None:
        engine = sa.create_engine(schema_url)
        try:
            with Session(engine) as session:
                flush = session.flush
                waited = threading.Event()

                def flush_then_wait(*args, **kwargs):
                    flush(*args, **kwargs)
                    if not waited.is_set():  # its first flush, before it counts
                        waited.set()
                        barrier.wait(10)

                session.flush = flush_then_wait  # type: ignore[method-assign]
                sent.append(sign_in_alerts.alert_if_due(session, EMAIL, now))
                session.commit()
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not barrier.broken
    assert sorted(sent) == [False, True]
    with Session(postgres) as session:
        mailed = session.exec(select(OutboxMessage.to_address)).all()
    assert mailed == [EMAIL]
