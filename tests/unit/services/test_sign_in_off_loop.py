"""Signing in off the event loop (services/signing_in.py ``sign_in_async``): Argon2 runs
in a pool of HASH_WORKERS threads, the event loop goes on meanwhile, a sign-in that cannot
finish in time answers "try again" (and leaves no live session). The sign-in endpoint
(cloudlink_app/http) awaits it. How little a sign-in delays other users' events is measured by
bench/sign_in_lag.py, not asserted here."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import SignInAttempt, UserSession
from cloudlink_app.services import password_hashing, sessions, signing_in

pytestmark = pytest.mark.asyncio

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
PASSWORD = demo_accounts.DEMO_PASSWORD
HOME = "203.0.113.7"
# Long enough for any loaded test machine; only reached when something is broken.
PATIENCE = 10.0


@pytest.fixture(autouse=True)
def demo_mode():
    """The demo accounts sign in only in demo mode."""
    with settings.override(demo_mode=True):
        yield


def slow_verify(release: threading.Event, calls: list[str]):
    """A verify_password that waits for ``release`` (a stand-in for 0.3 s of Argon2),
    then gives the real answer."""
    real_verify = password_hashing.verify_password

    def verify(stored_hash: str, password: str) -> bool:
        calls.append(threading.current_thread().name)
        release.wait(PATIENCE)
        return real_verify(stored_hash, password)

    return verify


async def test_sign_in_async_signs_in(database, demo_users):
    result = await signing_in.sign_in_async(ANNA, PASSWORD, HOME)
    assert result.ok and result.user.email == ANNA
    with Session(database) as session:
        assert sessions.user_for_token(session, result.token) == result.user


async def test_sign_in_async_fails_and_throttles_like_sign_in(database, demo_users):
    for _ in range(signing_in.PAIR_LIMIT.free):
        assert (await signing_in.sign_in_async(ANNA, "wrong", HOME)) == signing_in.SignInResult(
            token=None, user=None, throttled=False
        )
    result = await signing_in.sign_in_async(ANNA, PASSWORD, HOME)
    assert result.throttled and 0 < result.retry_after <= 1


async def test_the_password_is_checked_in_a_worker_while_the_loop_goes_on(
    database, demo_users, monkeypatch
):
    """verify_password blocks until a coroutine on the loop releases it: were it run
    on the event loop, that coroutine could not run, and the check would wait for
    PATIENCE and fail."""
    release, calls = threading.Event(), []
    monkeypatch.setattr(password_hashing, "verify_password", slow_verify(release, calls))

    async def another_users_event() -> None:
        while not calls:  # the verification has started
            await asyncio.sleep(0.001)
        release.set()

    started = time.monotonic()
    result, _ = await asyncio.gather(
        signing_in.sign_in_async(ANNA, PASSWORD, HOME), another_users_event()
    )
    assert result.ok
    assert time.monotonic() - started < PATIENCE
    assert calls[0].startswith("cloudlink-sign-in")
    assert calls[0] != threading.current_thread().name


async def test_at_most_two_passwords_are_checked_at_once(database, demo_users, monkeypatch):
    assert password_hashing.HASH_WORKERS == 2
    running, most = [0], [0]
    lock = threading.Lock()

    def counting_verify(stored_hash: str, password: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(password_hashing, "verify_password", counting_verify)
    results = await asyncio.gather(
        *(
            signing_in.sign_in_async(f"user{i}@example.com", "x", f"198.51.100.{i}")
            for i in range(8)
        )
    )
    assert all(not r.ok and not r.throttled for r in results)
    assert 1 <= most[0] <= 2


async def wait_for_row(database, query, patience: float = PATIENCE):
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        with Session(database) as session:
            row = session.exec(query).first()
        if row is not None:
            return row
        await asyncio.sleep(0.01)
    pytest.fail("the worker never finished")


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no thread priorities here")
async def test_argon2_yields_the_cpu_to_the_event_loop(monkeypatch):
    """Argon2 runs at a lower priority than the loop's thread (nice), so it takes the
    cores only when the loop does not need them; the Python part of a sign-in (which
    holds the GIL) does not, or a starved thread could stall the loop."""
    seen = {}

    class Argon2:
        def verify(self, stored_hash: str, password: str) -> bool:
            seen["argon2"] = niceness()
            return False

    monkeypatch.setattr(password_hashing, "_hasher", Argon2())

    def sign_in_work() -> bool:
        seen["sign-in"] = niceness()
        return password_hashing.verify_password("$argon2id$...", "a password")

    assert await password_hashing.in_password_workers(sign_in_work, PATIENCE) is False
    assert seen["sign-in"] == niceness()
    assert (
        seen["argon2"] == min(niceness() + password_hashing.HASH_WORKER_NICENESS, 19) > niceness()
    )


async def test_the_blocking_functions_run_argon2_in_the_workers_too():
    hashed = password_hashing.hash_password("a long enough password")
    assert password_hashing.verify_password(hashed, "a long enough password")
    thread = await asyncio.to_thread(
        lambda: password_hashing._in_argon2_workers(lambda: threading.current_thread().name)
    )
    assert thread.startswith("cloudlink-argon2")


async def test_a_sign_in_that_takes_too_long_answers_try_again_and_leaves_no_session(
    database, demo_users, monkeypatch
):
    release, calls = threading.Event(), []
    monkeypatch.setattr(password_hashing, "verify_password", slow_verify(release, calls))
    monkeypatch.setattr(password_hashing, "SIGN_IN_TIMEOUT", 0.05)
    result = await signing_in.sign_in_async(ANNA, PASSWORD, HOME)
    assert result == signing_in.SignInResult(token=None, user=None, throttled=False, timed_out=True)
    # The worker finishes the sign-in later: the session nobody received is ended.
    release.set()
    row = await wait_for_row(
        database, select(UserSession).where(UserSession.revoked_at.is_not(None))
    )
    assert row.revoked_at is not None
    with Session(database) as session:
        live = session.exec(select(UserSession).where(UserSession.revoked_at.is_(None))).all()
    assert live == []


async def test_a_sign_in_waiting_for_a_worker_is_dropped_at_the_timeout(
    database, demo_users, monkeypatch
):
    """Both workers busy: the third sign-in never starts, and records nothing."""
    release, calls = threading.Event(), []
    monkeypatch.setattr(password_hashing, "verify_password", slow_verify(release, calls))
    busy = [
        asyncio.ensure_future(signing_in.sign_in_async(f"busy{i}@example.com", "x", HOME))
        for i in range(password_hashing.HASH_WORKERS)
    ]
    while len(calls) < password_hashing.HASH_WORKERS:
        await asyncio.sleep(0.001)
    monkeypatch.setattr(password_hashing, "SIGN_IN_TIMEOUT", 0.05)
    third = await signing_in.sign_in_async("third@example.com", "x", "198.51.100.1")
    assert third.timed_out
    release.set()
    await asyncio.gather(*busy)
    await asyncio.sleep(0.05)  # a cancelled call would have run by now
    with Session(database) as session:
        emails = set(session.exec(select(SignInAttempt.email)).all())
    assert "third@example.com" not in emails
    assert len(calls) == password_hashing.HASH_WORKERS


async def test_hash_and_verify_have_async_versions(monkeypatch):
    hashed = await password_hashing.hash_password_async("a long enough password")
    assert await password_hashing.verify_password_async(hashed, "a long enough password")
    assert not await password_hashing.verify_password_async(hashed, "another password")
