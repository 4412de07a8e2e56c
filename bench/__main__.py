"""Run the benchmarks and print their figures: ``python -m bench`` (or ``make bench``).

    python -m bench                      # all six, about ten minutes (bench/README.md)
    python -m bench --only events        # or validation, dashboard, save, sign_in_lag, pageload
                                         # (events: one worker, then the production topology
                                         # with REFLEX_OPLOCK_ENABLED off and on)
    python -m bench --only bundle        # the bytes per page of the build in .web/build/client
    python -m bench --quick              # fewer repetitions, for a smoke run

Figures are wall-clock times of this run on this machine; each comes with a baseline
measured in the same run. Nothing passes or fails on time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sqlite3
import sys
import time

BENCHMARKS = (
    "validation",
    "dashboard",
    "save",
    "sign_in_lag",
    "events",
    "pageload",
    "customer_files",
)
# Not in the default run (pageload prints the bytes of the build it makes): the bytes of
# the build already in .web/build/client, in seconds.
EXTRA = ("bundle",)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="CloudLink Onboarding benchmarks"
    )
    parser.add_argument(
        "--only",
        choices=BENCHMARKS + EXTRA,
        action="append",
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions: a smoke run, not figures to quote"
    )
    args = parser.parse_args()

    # Telemetry off, as in the tests; the benchmarks never use the app's database URL.
    os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    # A complete save invites the admin contacts, whose mailed links are keyed with the
    # secret key (services/links.py): a fixed one for the run, never the app's.
    os.environ.setdefault("CLOUDLINK_SECRET_KEY", "bench-only-secret-key-" + "x" * 32)
    import email_validator
    import sqlalchemy

    from bench import (
        bundle,
        customer_files,
        dashboard,
        events,
        pageload,
        save,
        sign_in_lag,
        validation,
    )

    modules = {
        "validation": validation,
        "dashboard": dashboard,
        "save": save,
        "sign_in_lag": sign_in_lag,
        "events": events,
        "pageload": pageload,
        "bundle": bundle,
        "customer_files": customer_files,
    }
    print("CloudLink Onboarding benchmarks")
    print(
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, "
        f"email-validator {email_validator.__version__}"
        + (" (--quick: fewer repetitions)" if args.quick else "")
    )
    started = time.perf_counter()
    # Always in this order, so the validation's first call meets cold caches.
    for name in [
        b for b in BENCHMARKS + EXTRA if (b in args.only if args.only else b in BENCHMARKS)
    ]:
        modules[name].run(quick=args.quick)
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
