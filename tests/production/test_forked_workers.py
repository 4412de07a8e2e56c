"""Worker processes forked from a process that used the database share no connection.

Both ways of starting the production server fork three Granian workers from a process
that has used PostgreSQL: `reflex run --env prod` checks the schema first, `make serve`
(cloudlink_app/serve.py) runs its start-up checks. Each then takes 40 sign-ins, 4 at a
time, through the real endpoint (POST /auth/sign-in): none may fail with HTTP 500
(psycopg's "connection in transaction status INTRANS" or "server closed the connection
unexpectedly" when the workers talk over one inherited connection;
services/database.py's fork guard).

Slow (`reflex run --env prod` builds the pages): marked `workers`, run by
`make topology`, not by `make unit` (tests/production/conftest.py).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from alembic import command
from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.reflex_internals import production
from tests.support import topology
from tests.support.database import set_demo_partners
from tests.support.postgres import POSTGRES_URL, PROJECT, REDIS_URL, alembic_config

pytestmark = [pytest.mark.workers, pytest.mark.timeout(900)]

WORKERS = 3
SIGN_INS = 40
AT_ONCE = 4
BUILD_TIMEOUT = 600  # s: `reflex run --env prod` builds the pages before it serves
START_TIMEOUT = 120  # s: make serve's way, on the pages built already
# What Granian writes when a worker process could not start (it goes on without it).
WORKER_FAILED = ("Unexpected exit from worker", "ASGI lifespan startup failed")


@pytest.fixture
def database_url() -> Iterator[str]:
    """A new PostgreSQL database, migrated, with the demo people as real accounts."""
    url = topology.create_database(POSTGRES_URL)
    try:
        command.upgrade(alembic_config(url), "head")
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with Session(engine) as session:
            demo_accounts.ensure_demo_users(session)
        set_demo_partners(engine, demo=False)
        engine.dispose()
        yield url
    finally:
        topology.drop_database(url)


def environment(database_url: str, port: int) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "REFLEX_BUN_PATH", "TMPDIR")
    variables = {name: os.environ[name] for name in keep if name in os.environ}
    variables.update(
        REFLEX_DB_URL=database_url,
        REFLEX_REDIS_URL=REDIS_URL,
        REFLEX_DEPLOY_URL=f"http://127.0.0.1:{port}",
        REFLEX_TELEMETRY_ENABLED="false",
        CLOUDLINK_SECRET_KEY="forked-workers-" + "x" * 40,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return variables


def reflex_run(port: int) -> tuple[list[str], dict[str, str], float]:
    """`reflex run --env prod` on one port, Granian's workers set as Reflex documents."""
    command = [sys.executable, "-m", "reflex", "run", "--env", "prod"]
    command += ["--frontend-port", str(port), "--backend-port", str(port)]
    return command, {"GRANIAN_WORKERS": str(WORKERS)}, BUILD_TIMEOUT


def make_serve(port: int) -> tuple[list[str], dict[str, str], float]:
    """`make serve`'s command (its checks, migrations, workers); on the pages built
    already when there are some (the frontend plays no part here)."""
    command = [sys.executable, "-m", "cloudlink_app.serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    if production.built_pages_dir().is_dir():
        command.append("--no-build")
        return command, {"CLOUDLINK_WORKERS": str(WORKERS)}, START_TIMEOUT
    return command, {"CLOUDLINK_WORKERS": str(WORKERS)}, BUILD_TIMEOUT


def sign_in(url: str) -> int | str:
    """POST the sign-in form as the page does; the status code (303 when signed in),
    or why there was no answer."""
    form = urllib.parse.urlencode(
        {
            "email": demo_accounts.DEMO_PARTNER_EMAIL,
            "password": demo_accounts.DEMO_PASSWORD,
            "next": "/",
        }
    ).encode()
    request = urllib.request.Request(
        url + routes.AUTH_SIGN_IN,
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": url},
    )
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, http.client.HTTPException) as error:
        return f"no answer: {error}"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_until_serving(url: str, timeout: float, server: subprocess.Popen, log: Path) -> None:
    """Until GET /_health answers 200; fails at once when the server exits or a worker
    of it failed to start (Granian goes on with the others, or waits)."""
    deadline = time.monotonic() + timeout
    while (status := health(url)) != 200:
        output = log.read_text(errors="replace")
        failed = [marker for marker in WORKER_FAILED if marker in output]
        if failed or server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(
                f"the server at {url} is not serving ({failed or status or server.poll()}); "
                f"the end of its output:\n{output[-3000:]}"
            )
        time.sleep(0.3)


def health(url: str) -> int | None:
    """The status of GET /_health, None while nothing answers."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        return topology.health(url)
    return None


@contextlib.contextmanager
def served(command: list[str], env: dict[str, str], timeout: float, log: Path) -> Iterator[str]:
    """The server of ``command`` (its own process group), until /_health answers; its
    URL. Stopped afterwards (SIGTERM, then SIGKILL)."""
    port = env["REFLEX_DEPLOY_URL"].rsplit(":", 1)[1]
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, timeout, server, log)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):  # its workers too
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.mark.parametrize("start", [reflex_run, make_serve], ids=["reflex-run", "make-serve"])
def test_forty_sign_ins_on_three_forked_workers_answer_no_500(
    database_url: str, tmp_path: Path, start
):
    port = topology.free_port()
    command, workers, timeout = start(port)
    log = tmp_path / "server.log"
    with (
        served(command, environment(database_url, port) | workers, timeout, log) as url,
        concurrent.futures.ThreadPoolExecutor(AT_ONCE) as pool,
    ):
        statuses = list(pool.map(lambda _n: sign_in(url), range(SIGN_INS)))
    output = log.read_text(errors="replace").splitlines()
    errors = sorted({line for line in output if line.startswith(("psycopg.", "sqlalchemy.exc."))})
    assert statuses.count(303) == SIGN_INS, (
        f"{statuses.count(500)} of {SIGN_INS} sign-ins answered 500 (answers: "
        f"{ {str(s): statuses.count(s) for s in statuses} }); psycopg in the log: {errors[:5]}"
    )
