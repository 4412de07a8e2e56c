"""Old failed sign-ins and ended sessions are deleted on a schedule, not only when
someone signs in: ``signing_in.prune`` and the app's lifespan task ``prune_on_schedule``."""

from __future__ import annotations

import asyncio
import datetime
import threading

import pytest
from sqlmodel import Session, select

from cloudlink_app.models import AppUser, SignInAttempt, UserSession
from cloudlink_app.services import signing_in

NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def ago(**delta: float) -> datetime.datetime:
    return NOW - datetime.timedelta(**delta)


@pytest.fixture
def records(database):
    """Sessions and failures of every age: name -> (table, id)."""
    with Session(database) as session:
        user_id = session.exec(select(AppUser.id)).first()
    rows = {
        "expired 2 days ago": UserSession(
            token_hash="a" * 64, user_id=user_id, created_at=ago(days=3), expires_at=ago(days=2)
        ),
        "expired an hour ago": UserSession(
            token_hash="b" * 64, user_id=user_id, created_at=ago(hours=9), expires_at=ago(hours=1)
        ),
        "revoked 2 days ago": UserSession(
            token_hash="c" * 64,
            user_id=user_id,
            created_at=ago(days=2, hours=1),
            expires_at=ago(days=1),
            revoked_at=ago(days=2),
        ),
        "revoked an hour ago": UserSession(
            token_hash="d" * 64,
            user_id=user_id,
            created_at=ago(hours=2),
            expires_at=ago(hours=-6),
            revoked_at=ago(hours=1),
        ),
        "live": UserSession(
            token_hash="e" * 64, user_id=user_id, created_at=ago(hours=1), expires_at=ago(hours=-7)
        ),
        # Kept for the longest window, the account's 6 hours (domain/throttle.py).
        "failure 6 hours and a minute ago": SignInAttempt(
            email="x@example.com", address="1.2.3.4", attempted_at=ago(hours=6, minutes=1)
        ),
        "failure 5 hours ago": SignInAttempt(
            email="x@example.com", address="1.2.3.4", attempted_at=ago(hours=5)
        ),
        "failure 14 minutes ago": SignInAttempt(
            email="x@example.com", address="1.2.3.4", attempted_at=ago(minutes=14)
        ),
    }
    with Session(database) as session:
        for row in rows.values():
            session.add(row)
        session.commit()
        return {name: (type(row), row.id) for name, row in rows.items()}


KEPT = {
    "expired an hour ago",
    "revoked an hour ago",
    "live",
    "failure 5 hours ago",
    "failure 14 minutes ago",
}


def remaining(database, records) -> set[str]:
    with Session(database) as session:
        return {name for name, (table, id_) in records.items() if session.get(table, id_)}


def test_prune_deletes_old_failures_and_sessions_ended_a_day_ago(database, records):
    with Session(database) as session:
        signing_in.prune(session, NOW)
        session.commit()
    assert remaining(database, records) == KEPT


def test_prune_now_commits_on_its_own_session(database, records):
    signing_in.prune_now(NOW)
    assert remaining(database, records) == KEPT


def test_prune_now_uses_the_current_time(database, records):
    signing_in.prune_now()  # NOW is in the past: everything but the live session has ended
    with Session(database) as session:
        assert session.exec(select(SignInAttempt)).all() == []


@pytest.mark.asyncio
async def test_the_schedule_prunes_again_and_again_and_survives_a_failure(monkeypatch, caplog):
    calls: list[int] = []
    enough = threading.Event()

    def prune_now() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        if len(calls) >= 3:
            enough.set()

    monkeypatch.setattr(signing_in, "prune_now", prune_now)
    monkeypatch.setattr(signing_in, "PRUNE_INTERVAL", datetime.timedelta(milliseconds=5))
    task = asyncio.ensure_future(signing_in.prune_on_schedule())
    try:
        for _ in range(2000):
            if enough.is_set():
                break
            await asyncio.sleep(0.005)
    finally:
        task.cancel()
    assert enough.is_set()
    assert "Pruning old sign-in records failed" in caplog.text


def test_the_schedule_is_a_lifespan_task_of_the_app():
    from cloudlink_app.cloudlink_app import app

    assert signing_in.prune_on_schedule in app.get_lifespan_tasks()
    assert datetime.timedelta(minutes=1) <= signing_in.PRUNE_INTERVAL <= datetime.timedelta(hours=1)
