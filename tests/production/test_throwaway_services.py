"""Throwaway PostgreSQL and Redis servers (tests/support/services.py): what `make test`
starts on a machine where neither answers at the URLs the tests name.

These tests always take that path, also when the machine's servers answer: they start
their own servers on free ports, use them as the production tests do, stop them and check
that nothing is left (processes, ports, directories) and that the machine's own servers,
which the code must never touch, still answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from alembic import command
from tests.support import services
from tests.support.postgres import (
    DEFAULT_POSTGRES_URL,
    DEFAULT_REDIS_URL,
    POSTGRES_URL,
    PROJECT,
    REDIS_URL,
    alembic_config,
)


def _answering() -> dict[str, bool]:
    """Which of the machine's servers (and the ones these tests run against) answer."""
    found = {}
    for url in {DEFAULT_POSTGRES_URL, POSTGRES_URL}:
        found[url] = services.postgres_answers(url)
    for url in {DEFAULT_REDIS_URL, REDIS_URL}:
        found[url] = services.redis_answers(url)
    return found


def _port_closed(url: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", urlsplit(url).port or 0), timeout=1):
            return False
    except OSError:
        return True


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (PostgreSQL's backends and workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _processes_in(directory: str) -> list[int]:
    """The processes working in `directory` or below (the servers run there; Redis
    rewrites its command line, so that does not name the directory)."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            where = os.readlink(cwd)
        except OSError:
            continue
        if where == directory or where.startswith((f"{directory}/", f"{directory} ")):
            found.append(int(cwd.parent.name))
    return found


def test_throwaway_servers_serve_the_migrations_and_redis_and_leave_nothing_behind():
    before = _answering()
    postgres = services.start_postgres()
    try:
        redis_service = services.start_redis()
    except BaseException:
        postgres.stop()
        raise
    try:
        assert postgres.started_here and redis_service.started_here
        assert postgres.url not in (DEFAULT_POSTGRES_URL, POSTGRES_URL)
        assert redis_service.url not in (DEFAULT_REDIS_URL, REDIS_URL)
        assert postgres.directory is not None and postgres.directory.is_dir()
        assert redis_service.directory is not None and redis_service.directory.is_dir()

        config = alembic_config(postgres.url)
        command.upgrade(config, "head")
        engine = sa.create_engine(postgres.url, poolclass=sa.pool.NullPool)
        with engine.connect() as connection:
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert revision.scalar_one() == ScriptDirectory.from_config(config).get_current_head()
            assert {"partner", "app_user", "customer"} <= set(
                sa.inspect(connection).get_table_names()
            )
            # The postmaster and its children (checkpointer, writers, this backend...).
            server_pids = [postgres.process.pid, *_children(postgres.process.pid)]  # type: ignore[union-attr]
            assert len(server_pids) > 1

            client = redis.Redis.from_url(redis_service.url)
            client.set("cloudlink-test-key", "Bakkerij")
            assert client.get("cloudlink-test-key") == b"Bakkerij"
            client.close()
            server_pids.append(redis_service.process.pid)  # type: ignore[union-attr]
    finally:
        redis_service.stop()
        postgres.stop()
    engine.dispose()

    assert [pid for pid in server_pids if _alive(pid)] == []
    assert _port_closed(postgres.url) and _port_closed(redis_service.url)
    assert not postgres.directory.exists() and not redis_service.directory.exists()
    assert _answering() == before


def _sigint_as_a_terminal_gives_it() -> None:
    # A test run started in the background of a shell without job control inherits
    # SIGINT ignored, and Python then never raises KeyboardInterrupt: the wrapper would
    # not see the Ctrl-C this test sends.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wrapper(code: str, environ: dict[str, str]) -> subprocess.Popen[str]:
    """`python -m tests.support.services -- python -c code`, in a session of its own (a
    terminal's Ctrl-C reaches its whole process group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.services", "--", sys.executable, "-c", code],
        cwd=PROJECT,
        env=environ,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_sigint_as_a_terminal_gives_it,  # noqa: PLW1509 - no threads here
    )


def _end_wrapper(wrapper: subprocess.Popen[str]) -> None:
    """After a failed check: stop the wrapper as Ctrl-C would, so that it still stops its
    servers; kill its process group only if it does not end."""
    if wrapper.poll() is None:
        os.killpg(wrapper.pid, signal.SIGINT)
        try:
            wrapper.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(wrapper.pid, signal.SIGKILL)
            wrapper.wait()


# The command writes the URLs it was given, and whether they answer, to a file, then
# fails or waits to be stopped.
_COMMAND = """
import json, os, sys, time
from pathlib import Path
from tests.support.services import postgres_answers, redis_answers
urls = {n: os.environ[n] for n in ("CLOUDLINK_TEST_POSTGRES_URL", "CLOUDLINK_TEST_REDIS_URL")}
answered = postgres_answers(urls["CLOUDLINK_TEST_POSTGRES_URL"]) and redis_answers(
    urls["CLOUDLINK_TEST_REDIS_URL"]
)
Path(sys.argv[1] + ".part").write_text(json.dumps({"urls": urls, "answered": answered}))
Path(sys.argv[1] + ".part").rename(sys.argv[1])
if sys.argv[2] == "fail":
    sys.exit(3)
time.sleep(60)
"""


def _report(wrapper: subprocess.Popen[str], urls_file: Path) -> dict:
    """What the wrapper's command wrote (_COMMAND), once it has."""
    deadline = time.monotonic() + 30
    while not urls_file.exists():
        assert wrapper.poll() is None, "the wrapper ended before the command reported"
        assert time.monotonic() < deadline, "the command never ran"
        time.sleep(0.05)
    return json.loads(urls_file.read_text())


@pytest.mark.parametrize(
    ("ending", "exit_code"),
    [("fail", 3), (signal.SIGINT, 128 + signal.SIGINT)],
    ids=["command-fails", "ctrl-c"],
)
def test_the_wrapper_gives_its_servers_to_the_command_and_stops_them(tmp_path, ending, exit_code):
    before = _answering()
    urls_file = tmp_path / "urls.json"
    code = f"import sys; sys.argv[1:] = [{str(urls_file)!r}, {str(ending)!r}]\n{_COMMAND}"
    environ = {**os.environ, services.OWN_SERVICES_VARIABLE: "1"}
    wrapper = _wrapper(code, environ)
    try:
        seen = _report(wrapper, urls_file)
        urls = seen["urls"]
        assert seen["answered"], "the command's servers did not answer"
        if ending != "fail":
            os.killpg(wrapper.pid, ending)
        output, _ = wrapper.communicate(timeout=30)
    finally:
        _end_wrapper(wrapper)

    assert wrapper.returncode == exit_code
    directories = re.findall(r"\(data in (\S+)\)", output)
    assert len(directories) == 2, output
    assert urls[services.POSTGRES_URL_VARIABLE] in output
    assert urls[services.REDIS_URL_VARIABLE] in output
    for directory in directories:
        assert not Path(directory).exists()
        assert _processes_in(directory) == []
    assert all(_port_closed(url) for url in urls.values())
    assert _answering() == before


def test_a_wrapper_killed_outright_leaves_no_server_running(tmp_path):
    """SIGKILL gives the wrapper no chance to stop its servers: the kernel does (their
    parent-death signal). Their directories stay (removed here)."""
    before = _answering()
    urls_file = tmp_path / "urls.json"
    code = f"import sys; sys.argv[1:] = [{str(urls_file)!r}, 'wait']\n{_COMMAND}"
    wrapper = _wrapper(code, {**os.environ, services.OWN_SERVICES_VARIABLE: "1"})
    try:
        urls = _report(wrapper, urls_file)["urls"]
        # The wrapper and its command (the servers run in sessions of their own).
        os.killpg(wrapper.pid, signal.SIGKILL)
        wrapper.wait(timeout=10)
        output = wrapper.stdout.read() if wrapper.stdout else ""
    finally:
        _end_wrapper(wrapper)
    directories = re.findall(r"\(data in (\S+)\)", output)
    assert len(directories) == 2, output
    try:
        deadline = time.monotonic() + services.STOP_TIMEOUT
        while any(_processes_in(directory) for directory in directories):
            assert time.monotonic() < deadline, [_processes_in(d) for d in directories]
            time.sleep(0.1)
        assert all(_port_closed(url) for url in urls.values())
    finally:
        for directory in directories:  # after a failure too: nothing left behind
            for pid in _processes_in(directory):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            shutil.rmtree(directory, ignore_errors=True)
    assert _answering() == before


def test_the_wrapper_uses_servers_that_answer_and_passes_the_exit_code(tmp_path):
    # The servers these tests run against answer (or the production tests fail anyway).
    assert services.postgres_answers(POSTGRES_URL) and services.redis_answers(REDIS_URL)
    urls_file = tmp_path / "urls.json"
    code = f"import sys; sys.argv[1:] = [{str(urls_file)!r}, 'fail']\n{_COMMAND}"
    environ = {
        **os.environ,
        services.OWN_SERVICES_VARIABLE: "0",
        services.POSTGRES_URL_VARIABLE: POSTGRES_URL,
        services.REDIS_URL_VARIABLE: REDIS_URL,
    }
    wrapper = _wrapper(code, environ)
    try:
        output, _ = wrapper.communicate(timeout=30)
    finally:
        _end_wrapper(wrapper)

    assert wrapper.returncode == 3
    seen = json.loads(urls_file.read_text())
    assert seen["urls"] == {
        services.POSTGRES_URL_VARIABLE: POSTGRES_URL,
        services.REDIS_URL_VARIABLE: REDIS_URL,
    }
    assert seen["answered"]
    assert f"PostgreSQL: using the running server at {POSTGRES_URL}" in output
    assert f"Redis: using the running server at {REDIS_URL}" in output
    assert "started its own" not in output
    assert services.postgres_answers(POSTGRES_URL) and services.redis_answers(REDIS_URL)
