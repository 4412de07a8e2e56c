"""Password hashes: Argon2id, in worker threads, never on the event loop.

- Passwords are hashed with Argon2id (argon2-cffi's PasswordHasher, library defaults);
  a password is never logged or stored in clear.
- Argon2 (about 0.3 s of CPU) never runs on the event loop: event handlers await the
  async functions (``in_password_workers``, ``hash_password_async``...), which run the
  work in a pool of HASH_WORKERS threads, with a hard timeout; Argon2 itself runs in
  low-priority threads of its own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import threading
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # Argon2id with the library's (maintained) defaults

# Sign-ins (and any password work an event asks for) run in HASH_WORKERS threads, never
# on the event loop; a burst of sign-ins waits its turn instead of taking every core
# from the other users' events. Argon2 itself runs in as many threads of its own whose
# CPU priority is lowered by HASH_WORKER_NICENESS (Linux nice): when the cores are busy,
# the event loop's thread runs first (bench/sign_in_lag.py). Only Argon2, which releases
# the GIL, runs at the low priority: a starved thread holding the GIL would stall the
# loop instead.
HASH_WORKERS = 2
HASH_WORKER_NICENESS = 10
# Seconds a sign-in (or any password work an event asks for) may take, waiting for a
# worker included; then it answers "try again".
SIGN_IN_TIMEOUT = 10.0


_argon2_thread = threading.local()


def _lower_worker_priority() -> None:
    """Run in each Argon2 worker as it starts: lower this thread's CPU priority (and so
    that of libargon2's own threads, which inherit it). Best effort: where threads have
    no priority of their own (not Linux), nothing changes."""
    _argon2_thread.is_worker = True
    get_native_id = getattr(threading, "get_native_id", None)
    if get_native_id is None or not hasattr(os, "setpriority"):
        return
    with contextlib.suppress(OSError):
        thread = get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + HASH_WORKER_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, 19))


_sign_in_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=HASH_WORKERS, thread_name_prefix="cloudlink-sign-in"
)
_argon2_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=HASH_WORKERS,
    thread_name_prefix="cloudlink-argon2",
    initializer=_lower_worker_priority,
)
_T = TypeVar("_T")


def _in_argon2_workers(work: Callable[[], _T]) -> _T:
    """``work()`` (Argon2) run in a low-priority Argon2 worker; the caller's thread
    waits (blocking: event handlers use the async functions below)."""
    if getattr(_argon2_thread, "is_worker", False):
        return work()
    return _argon2_pool.submit(work).result()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``, with its own random salt. Blocking, about
    0.3 s: an event handler awaits ``hash_password_async``."""
    return _in_argon2_workers(lambda: _hasher.hash(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``. False, never an exception, for an
    empty or malformed hash or a wrong password. Blocking, about 0.3 s: an event
    handler awaits ``verify_password_async``."""
    if not isinstance(stored_hash, str) or not stored_hash or not isinstance(password, str):
        return False
    try:
        return _in_argon2_workers(lambda: _hasher.verify(stored_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    except Exception:  # noqa: BLE001 - a corrupt row must never break sign-in
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash that just verified was made with other parameters than today's
    (sign-in then stores a new one); False, never an exception, when it cannot tell."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except Exception:  # noqa: BLE001 - it verified, so it parses; never fail a sign-in
        return False


async def in_password_workers(work: Callable[[], _T], timeout: float) -> _T:
    """``work()`` run in a sign-in worker (HASH_WORKERS threads; its Argon2 calls go on
    to the low-priority Argon2 workers), awaited at most ``timeout`` seconds. Raises
    TimeoutError then; a call still waiting for a worker is cancelled, one already
    running finishes unobserved."""
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(loop.run_in_executor(_sign_in_pool, work), timeout)


async def hash_password_async(password: str, timeout: float = SIGN_IN_TIMEOUT) -> str:
    """``hash_password`` in the password workers: for event handlers (a new password).
    Raises TimeoutError after ``timeout`` seconds."""
    return await in_password_workers(lambda: hash_password(password), timeout)


async def verify_password_async(
    stored_hash: str, password: str, timeout: float = SIGN_IN_TIMEOUT
) -> bool:
    """``verify_password`` in the password workers: for event handlers (the current
    password of a change). Raises TimeoutError after ``timeout`` seconds."""
    return await in_password_workers(lambda: verify_password(stored_hash, password), timeout)
