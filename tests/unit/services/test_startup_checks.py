"""Outside demo mode the app does not start while demo accounts exist, without a deploy
URL or without a secret key (services/startup.py); demo mode needs none of these.

The rules one by one through ``startup_problems``; the backend's lifespan task on the
real Reflex app; and the real server, `reflex run --env prod --backend-only`, started
in a subprocess against a scratch database: refused with the message and a non-zero
exit status, and (the control) serving once nothing is wrong.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from alembic import command
from cloudlink_app import settings
from cloudlink_app.demo_data import accounts
from cloudlink_app.services import startup
from tests.support.database import set_demo_partners
from tests.support.migrations import partners_after_the_is_demo_migration
from tests.support.postgres import alembic_config

ROOT = Path(__file__).resolve().parents[3]
KEY = "k" * settings.SECRET_KEY_MIN
DEPLOY_URL = "https://onboarding.example.com"
PRODUCTION = settings.Settings(deploy_url=DEPLOY_URL, secret_key=KEY)


def problems(database, current: settings.Settings) -> list[str]:
    with Session(database) as session:
        return startup.startup_problems(current, session)


# ----- the rules ------------------------------------------------------------------------


def test_production_settings_without_demo_accounts_start(database):
    # The unit tests' partner is not a demo partner (tests.support.database).
    assert problems(database, PRODUCTION) == []


def test_no_deploy_url_is_a_problem(database):
    (problem,) = problems(database, settings.Settings(secret_key=KEY))
    assert problem.startswith("REFLEX_DEPLOY_URL is not set: set it to the app's public address")


def test_no_secret_key_is_a_problem(database):
    (problem,) = problems(database, settings.Settings(deploy_url=DEPLOY_URL))
    assert problem.startswith("CLOUDLINK_SECRET_KEY is not set: set it to a secret of at least")
    assert KEY not in problem


def test_demo_accounts_are_a_problem(database, demo_users):
    set_demo_partners(database, demo=True)
    (problem,) = problems(database, PRODUCTION)
    assert problem.startswith(f"the database holds {len(demo_users)} demo account(s)")


def test_every_problem_is_listed_at_once(database, demo_users):
    set_demo_partners(database, demo=True)
    listed = problems(database, settings.Settings())
    assert [problem.split(" ")[0] for problem in listed] == [
        "REFLEX_DEPLOY_URL",
        "CLOUDLINK_SECRET_KEY",
        "the",
    ]
    message = startup.refusal_message(listed)
    assert message.splitlines()[0] == f"{startup.STOPPED}:"
    assert message.count("\n  - ") == 3


def test_demo_mode_needs_none_of_them(database, demo_users):
    set_demo_partners(database, demo=True)
    assert problems(database, settings.Settings(demo_mode=True)) == []


def test_an_empty_demo_mode_value_is_not_demo_mode(database, demo_users):
    set_demo_partners(database, demo=True)
    current = settings.from_environ({"CLOUDLINK_DEMO_MODE": ""})
    assert len(problems(database, current)) == 3


def test_a_database_that_cannot_be_checked_is_a_problem(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'not-migrated.db'}")  # no tables
    with Session(engine) as session:
        (problem,) = startup.startup_problems(PRODUCTION, session)
    assert problem.startswith("the database could not be checked for demo accounts")
    assert str(tmp_path) not in problem


# ----- the backend's lifespan task, on the real app ----------------------------------------


def _run_lifespan() -> None:
    """Start and stop the real app's lifespan tasks, as the server does at start."""
    from starlette.applications import Starlette

    from cloudlink_app.cloudlink_app import app

    assert startup.refuse_to_start_on_problems in app.get_lifespan_tasks()

    async def run() -> None:
        async with app._run_lifespan_tasks(Starlette()):
            pass

    asyncio.run(run())


def test_the_lifespan_task_stops_the_start_and_logs_why(database, demo_users, caplog):
    set_demo_partners(database, demo=True)
    with (
        settings.use(PRODUCTION),
        caplog.at_level(logging.CRITICAL, logger="cloudlink_app.startup"),
        pytest.raises(startup.StartupRefused),
    ):
        _run_lifespan()
    (record,) = caplog.records
    assert record.getMessage().startswith(f"{startup.STOPPED}:\n  - the database holds")


# ----- the real server ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_backend(tmp_path: Path, db_url: str, **variables: str) -> tuple[subprocess.Popen, int]:
    """`reflex run --env prod --backend-only` on a free localhost port, with its own
    state folder (Reflex empties the states folder at start), output to a file."""
    port = _free_port()
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in settings.VARIABLES.values() and name != "REFLEX_STATES_WORKDIR"
    }
    environ.update(
        REFLEX_DB_URL=db_url,
        REFLEX_STATES_WORKDIR=str(tmp_path / "states"),
        REFLEX_TELEMETRY_ENABLED="false",
        **variables,
    )
    output = open(tmp_path / "output.txt", "w")  # noqa: SIM115 - closed by the caller's stop
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reflex",
            "run",
            "--env",
            "prod",
            "--backend-only",
            "--backend-host",
            "127.0.0.1",
            "--backend-port",
            str(port),
        ],
        cwd=ROOT,
        env=environ,
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, port


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=15)


def _migrated_database(tmp_path: Path, demo_accounts: bool) -> str:
    """A scratch SQLite database at the newest migration, with or without a demo
    account (the demo partner and its first user, as the demo data makes them)."""
    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    command.upgrade(alembic_config(url), "head")
    if demo_accounts:
        engine = sa.create_engine(url)
        with Session(engine) as session:
            accounts.ensure_demo_partner(session)
        engine.dispose()
    return url


@pytest.mark.timeout(180)
def test_the_server_refuses_to_start_with_demo_accounts_outside_demo_mode(tmp_path):
    url = _migrated_database(tmp_path, demo_accounts=True)
    process, port = _start_backend(
        tmp_path, url, CLOUDLINK_SECRET_KEY=KEY, REFLEX_DEPLOY_URL=DEPLOY_URL
    )
    try:
        status = process.wait(timeout=60)
    finally:
        _stop(process)
    output = (tmp_path / "output.txt").read_text()
    assert status != 0, output[-3000:]
    assert f"{startup.STOPPED}:\n  - the database holds 1 demo account(s)" in output, output
    with pytest.raises(OSError):  # it never listened
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


@pytest.mark.timeout(180)
def test_the_server_starts_when_nothing_is_wrong(tmp_path):
    """The control: the same start, without demo accounts, serves."""
    url = _migrated_database(tmp_path, demo_accounts=False)
    process, port = _start_backend(
        tmp_path, url, CLOUDLINK_SECRET_KEY=KEY, REFLEX_DEPLOY_URL=DEPLOY_URL
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp_path / "output.txt").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the backend did not answer /ping"
                time.sleep(0.3)
    finally:
        _stop(process)
    assert startup.STOPPED not in (tmp_path / "output.txt").read_text()


# ----- databases made before the mark -----------------------------------------------------


def test_the_migration_marks_the_partners_of_demo_accounts_already_there(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    assert partners_after_the_is_demo_migration(url) == {
        "Northwind Telecom": True,
        "Rival Telecom": False,
    }
