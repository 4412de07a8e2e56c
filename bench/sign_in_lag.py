"""Benchmark 4: how much a burst of sign-ins delays other users' events.

Every event of every user is processed on one asyncio event loop per backend worker, so
anything slow that runs on the loop (Argon2: about 0.3 s a verification) makes every
other user's keystroke wait. This benchmark measures the loop's lag: a probe sleeps
5 ms again and again (`asyncio.sleep(0.005)`) and records how much later than asked it
wakes up; that lateness is what any other event (a keystroke's live check) would wait
before it even starts.

Three scenarios take turns (round after round, so a slow spell of the machine hits
them alike):

- baseline: the probe alone, for as long as the async round took;
- `sign_in_async`: 10 sign-ins at once (10 users, right passwords, 10 addresses) through
  services.signing_in.sign_in_async, as the sign-in page does now: Argon2 and the
  database work run in the password workers (2 threads), off the loop;
- the same through workers at normal CPU priority: what lowering the workers'
  priority (password_hashing.HASH_WORKER_NICENESS) gains;
- blocking (before): the same 10 sign-ins calling services.signing_in.sign_in on the
  loop, as the old synchronous event handler did.

The database is a temporary SQLite file (bench/_fixtures.py), never the app's:
services.database.get_session, which sign_in_async opens its session with, is pointed at
it for the run. Nothing passes or fails on time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator

from sqlmodel import Session

from bench import _fixtures
from bench._timing import heading, ms, percentile, table
from cloudlink_app import settings
from cloudlink_app.models import AppUser
from cloudlink_app.services import database, password_hashing, signing_in

SIGN_INS = 10
TICK = 0.005  # the probe's sleep, seconds
ROUNDS = 6
PASSWORD = "correct horse battery staple 2026"


async def _probe(stop: asyncio.Event, lags: list[float]) -> None:
    """Sleep TICK again and again until ``stop``; record how late each wake-up was."""
    clock = time.perf_counter
    while not stop.is_set():
        start = clock()
        await asyncio.sleep(TICK)
        lags.append(max(0.0, clock() - start - TICK))


async def _with_probe(
    work: Callable[[], Awaitable[list[float]]],
) -> tuple[list[float], list[float]]:
    """Run ``work`` (which returns its sign-ins' durations) while the probe runs."""
    stop, lags = asyncio.Event(), []
    probe = asyncio.ensure_future(_probe(stop, lags))
    await asyncio.sleep(TICK)  # the probe is running before the work starts
    durations = await work()
    stop.set()
    await probe
    return lags, durations


@contextlib.contextmanager
def _app_database(engine) -> Iterator[None]:
    """services.database.get_session opens sessions on ``engine`` within the block."""
    original = database.get_session
    database.get_session = lambda: Session(engine, expire_on_commit=False)  # type: ignore[assignment]
    try:
        yield
    finally:
        database.get_session = original  # type: ignore[assignment]


@contextlib.contextmanager
def _workers_at_normal_priority() -> Iterator[None]:
    """Within the block, Argon2 runs in a pool like the app's whose threads keep the
    normal CPU priority."""
    original = password_hashing._argon2_pool
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=password_hashing.HASH_WORKERS)
    password_hashing._argon2_pool = pool
    try:
        yield
    finally:
        password_hashing._argon2_pool = original
        pool.shutdown()


def _add_users(engine) -> list[str]:
    partner_id, _ = _fixtures.add_partners(engine)
    password_hash = password_hashing.hash_password(PASSWORD)  # one hash: Argon2 is slow on purpose
    emails = [f"user{index}@northwind-telecom.example" for index in range(SIGN_INS)]
    with _fixtures.session(engine) as s:
        for email in emails:
            s.add(
                AppUser(
                    email=email,
                    display_name=email.split("@")[0],
                    role="partner",
                    partner_id=partner_id,
                    password_hash=password_hash,
                )
            )
        s.commit()
    return emails


async def _measure(engine, emails: list[str], rounds: int) -> dict[str, dict[str, list[float]]]:
    addresses = [f"198.51.100.{index + 1}" for index in range(len(emails))]
    figures: dict[str, dict[str, list[float]]] = {
        name: {"lags": [], "sign_ins": []}
        for name in ("baseline", "async", "normal_priority", "blocking")
    }

    burst = [0.0]  # when the burst of sign-ins started: each one's time counts from it

    async def timed(call: Callable[[], Awaitable[signing_in.SignInResult]]) -> float:
        result = await call()
        if not result.ok:
            raise RuntimeError(f"a benchmark sign-in failed: {result}")
        return time.perf_counter() - burst[0]

    async def run_async() -> list[float]:
        burst[0] = time.perf_counter()
        return list(
            await asyncio.gather(
                *(
                    timed(lambda e=e, a=a: signing_in.sign_in_async(e, PASSWORD, a))
                    for e, a in zip(emails, addresses, strict=True)
                )
            )
        )

    async def blocking_sign_in(email: str, address: str) -> signing_in.SignInResult:
        # The old handler: a synchronous call on the loop.
        with _fixtures.session(engine) as s:
            return signing_in.sign_in(s, email, PASSWORD, address)

    async def run_blocking() -> list[float]:
        burst[0] = time.perf_counter()
        return list(
            await asyncio.gather(
                *(
                    timed(lambda e=e, a=a: blocking_sign_in(e, a))
                    for e, a in zip(emails, addresses, strict=True)
                )
            )
        )

    for _ in range(rounds):
        started = time.perf_counter()
        lags, durations = await _with_probe(run_async)
        figures["async"]["lags"] += lags
        figures["async"]["sign_ins"] += durations
        length = time.perf_counter() - started

        async def idle(length: float = length) -> list[float]:
            await asyncio.sleep(length)
            return []

        lags, _ = await _with_probe(idle)
        figures["baseline"]["lags"] += lags
        with _workers_at_normal_priority():
            lags, durations = await _with_probe(run_async)
        figures["normal_priority"]["lags"] += lags
        figures["normal_priority"]["sign_ins"] += durations
        lags, durations = await _with_probe(run_blocking)
        figures["blocking"]["lags"] += lags
        figures["blocking"]["sign_ins"] += durations
    return figures


def run(quick: bool = False) -> dict:
    """Measure and print; return the figures (for the README)."""
    print(heading("4. Event-loop lag while 10 users sign in (services.signing_in.sign_in_async)"))
    rounds = 2 if quick else ROUNDS
    bench_settings = settings.Settings(secret_key="bench-" * 8, demo_mode=False)
    with (
        _fixtures.TempDatabases() as databases,
        settings.use(bench_settings),
    ):
        engine = databases.engine("sign_in.db")
        emails = _add_users(engine)
        with _app_database(engine):
            # Warm-up: the first Argon2 call, connections, the worker threads.
            asyncio.run(_measure(engine, emails, 1))
            figures = asyncio.run(_measure(engine, emails, rounds))

    labels = {
        "baseline": "baseline: no sign-ins",
        "async": f"{SIGN_INS} sign-ins at once, sign_in_async (now)",
        "normal_priority": f"{SIGN_INS} sign-ins at once, sign_in_async, workers at nice 0",
        "blocking": f"{SIGN_INS} sign-ins at once, blocking sign_in (before)",
    }
    rows = []
    for name, label in labels.items():
        lags, sign_ins = figures[name]["lags"], figures[name]["sign_ins"]
        rows.append(
            [
                label,
                len(lags),
                ms(percentile(lags, 50)),
                ms(percentile(lags, 95)),
                ms(max(lags)),
                ms(percentile(sign_ins, 50)) if sign_ins else "-",
                ms(max(sign_ins)) if sign_ins else "-",
            ]
        )
    print(
        f"Lag of a {TICK * 1000:.0f} ms timer (how late it fired), {rounds} rounds; "
        f"{password_hashing.HASH_WORKERS} password workers. Sign-in: from the start of the "
        "burst to its answer."
    )
    print(
        table(
            [
                "scenario",
                "probes",
                "lag p50 ms",
                "lag p95 ms",
                "lag max ms",
                "sign-in p50 ms",
                "sign-in max ms",
            ],
            rows,
        )
    )
    return figures
