"""The PostgreSQL and Redis servers of the production tests: the machine's own when they
answer at the URLs the tests name, otherwise throwaway ones started here.

A throwaway server gets its own temporary directory and a free port on 127.0.0.1; nothing
is persisted, and stopping it ends its processes and removes the directory. A server
this module did not start is only ever connected to: never started, stopped or changed.

    python -m tests.support.services -- <command> [args...]

ensures both servers, runs the command with CLOUDLINK_TEST_POSTGRES_URL and
CLOUDLINK_TEST_REDIS_URL set to the URLs in use, stops what it started (also when the
command fails, on Ctrl-C and on SIGTERM/SIGHUP) and exits with the command's exit code.
CLOUDLINK_TEST_OWN_SERVICES=1 treats the machine's servers as absent (throwaway ones
even when they answer): the fresh-machine path, without touching the machine's servers.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType

import psycopg
import redis

from tests.support.postgres import POSTGRES_URL, REDIS_URL

POSTGRES_URL_VARIABLE = "CLOUDLINK_TEST_POSTGRES_URL"
REDIS_URL_VARIABLE = "CLOUDLINK_TEST_REDIS_URL"
OWN_SERVICES_VARIABLE = "CLOUDLINK_TEST_OWN_SERVICES"
POSTGRES_USER = "postgres"
DATABASE = "test"
START_TIMEOUT = 30.0  # seconds until a started server must answer
STOP_TIMEOUT = 10.0  # seconds a server gets to stop before it is killed


class ServiceError(RuntimeError):
    """A throwaway server could not be started."""


@dataclasses.dataclass
class Service:
    """A server the tests use: the machine's own (process None) or a throwaway one."""

    name: str
    url: str
    process: subprocess.Popen[bytes] | None = None
    directory: Path | None = None

    @property
    def started_here(self) -> bool:
        return self.process is not None

    def describe(self) -> str:
        if not self.started_here:
            return f"{self.name}: using the running server at {self.url}"
        return f"{self.name}: started its own at {self.url} (data in {self.directory})"

    def stop(self) -> None:
        """Stop a throwaway server and remove its directory; nothing for the machine's."""
        try:
            if self.process is not None:
                _end(self.process)
        finally:
            if self.directory is not None:
                shutil.rmtree(self.directory, ignore_errors=True)


# ----- does a server answer? ----------------------------------------------------------


def postgres_answers(url: str, timeout: float = 2.0) -> bool:
    """Whether `url` (SQLAlchemy form) takes a real connection that runs SELECT 1."""
    try:
        with psycopg.connect(_libpq_url(url), connect_timeout=max(1, round(timeout))) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.Error:
        return False


def redis_answers(url: str, timeout: float = 2.0) -> bool:
    """Whether the Redis at `url` answers PING."""
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def _libpq_url(url: str) -> str:
    """psycopg's form of a SQLAlchemy URL (postgresql+psycopg://...)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# ----- throwaway servers --------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin_dir() -> Path:
    """Debian's PostgreSQL binaries (the newest version installed)."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if not found:
        raise ServiceError(
            "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb "
            "(make setup-test installs Debian's postgresql package)"
        )
    return found[-1]


def start_postgres() -> Service:
    """A throwaway PostgreSQL: its own cluster in a temporary directory, listening on a
    free port of 127.0.0.1 only (trust authentication there, nothing else), its unix
    socket inside that directory, with an empty database `test`. As root the server
    runs as the `postgres` OS user (PostgreSQL refuses to run as root)."""
    bin_dir = postgres_bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="cloudlink-test-postgres-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        owner = _postgres_owner()
        run_as = _RunAs.of(owner)
        if owner is not None:
            os.chown(directory, owner.pw_uid, owner.pw_gid)
        data = directory / "data"
        subprocess.run(
            [
                str(bin_dir / "initdb"),
                f"--pgdata={data}",
                f"--username={POSTGRES_USER}",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            cwd=directory,
            user=run_as.user,
            group=run_as.group,
            extra_groups=run_as.extra_groups,
        )
        # Only TCP from 127.0.0.1, trusted; no rule for the unix socket or other hosts.
        (data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        for attempt in range(3):
            port = free_port()
            log = directory / f"postgres-{attempt}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        str(bin_dir / "postgres"),
                        "-D",
                        str(data),
                        "-p",
                        str(port),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        f"unix_socket_directories={directory}",
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=directory,
                    start_new_session=True,  # Ctrl-C reaches the command, not the server
                    user=run_as.user,
                    group=run_as.group,
                    extra_groups=run_as.extra_groups,
                    preexec_fn=_stop_with_this_process(),  # noqa: PLW1509
                )
            admin_url = f"postgresql://{POSTGRES_USER}@127.0.0.1:{port}/postgres"
            if _wait_until(functools.partial(postgres_answers, admin_url, 1), process):
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {DATABASE}")
                url = f"postgresql+psycopg://{POSTGRES_USER}@127.0.0.1:{port}/{DATABASE}"
                return Service("PostgreSQL", url, process, directory)
            _end(process)  # another process took the port, or it failed: see the log
        raise ServiceError(f"PostgreSQL did not start; its log:\n{_tail(log)}")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(directory, ignore_errors=True)
        output = (error.stdout or b"").decode(errors="replace")
        raise ServiceError(f"initdb failed: {output}") from error
    except BaseException:  # Ctrl-C included: nothing started here may outlive it
        if process is not None:
            _end(process)
        shutil.rmtree(directory, ignore_errors=True)
        raise


def start_redis() -> Service:
    """A throwaway Redis on a free port of 127.0.0.1, saving nothing, its working
    directory a temporary one."""
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        raise ServiceError(
            "redis-server is not installed (make setup-test installs Debian's redis-server)"
        )
    directory = Path(tempfile.mkdtemp(prefix="cloudlink-test-redis-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        for attempt in range(3):
            port = free_port()
            log = directory / f"redis-{attempt}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        server,
                        "--port",
                        str(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        str(directory),
                        "--daemonize",
                        "no",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=directory,
                    start_new_session=True,
                    preexec_fn=_stop_with_this_process(),  # noqa: PLW1509
                )
            url = f"redis://127.0.0.1:{port}"
            if _wait_until(functools.partial(redis_answers, url, 1), process):
                return Service("Redis", url, process, directory)
            _end(process)
        raise ServiceError(f"Redis did not start; its log:\n{_tail(log)}")
    except BaseException:
        if process is not None:
            _end(process)
        shutil.rmtree(directory, ignore_errors=True)
        raise


def ensure_postgres(url: str = POSTGRES_URL, own: bool = False) -> Service:
    """The PostgreSQL at `url` when it answers (and `own` is false), else a throwaway."""
    if not own and postgres_answers(url):
        return Service("PostgreSQL", url)
    return start_postgres()


def ensure_redis(url: str = REDIS_URL, own: bool = False) -> Service:
    """The Redis at `url` when it answers (and `own` is false), else a throwaway."""
    if not own and redis_answers(url):
        return Service("Redis", url)
    return start_redis()


@contextlib.contextmanager
def running_services(own: bool = False) -> Iterator[tuple[Service, Service]]:
    """PostgreSQL and Redis (see ensure_*); what was started here is stopped on exit."""
    with contextlib.ExitStack() as stack:
        postgres = ensure_postgres(own=own)
        stack.callback(postgres.stop)
        redis_service = ensure_redis(own=own)
        stack.callback(redis_service.stop)
        yield postgres, redis_service


def own_services_forced(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether CLOUDLINK_TEST_OWN_SERVICES asks for throwaway servers."""
    return environ.get(OWN_SERVICES_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


# ----- helpers ------------------------------------------------------------------------


def _postgres_owner() -> pwd.struct_passwd | None:
    """The OS user to run PostgreSQL as: `postgres` when this process is root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(POSTGRES_USER)
    except KeyError as error:
        raise ServiceError(
            "running as root, and there is no `postgres` OS user to run PostgreSQL as "
            "(Debian's postgresql package creates it)"
        ) from error


@dataclasses.dataclass(frozen=True)
class _RunAs:
    """Popen's user, group and extra_groups for running a program as `owner` (as
    `runuser -u postgres --` would, without runuser's extra parent process between us
    and the server); all None (this process's own user) when `owner` is None."""

    user: int | None = None
    group: int | None = None
    extra_groups: list[int] | None = None

    @classmethod
    def of(cls, owner: pwd.struct_passwd | None) -> _RunAs:
        if owner is None:
            return cls()
        return cls(owner.pw_uid, owner.pw_gid, [])


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _stop_with_this_process() -> Callable[[], None] | None:
    """Popen's preexec_fn for a server: when this process ends without stopping it
    (SIGKILL, a crash), the kernel sends the server SIGINT (PostgreSQL's fast shutdown;
    Redis shuts down), so no server outlives the run that started it. The kernel sends
    it when the *thread* that started the server ends, so only the main thread (every
    caller today) asks for it. None elsewhere, and where the kernel has no such setting
    (not Linux): stopping stays with stop()."""
    if not sys.platform.startswith("linux") or threading.current_thread() is not (
        threading.main_thread()
    ):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork
    parent = os.getpid()

    def set_parent_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGINT, 0, 0, 0)
        if os.getppid() != parent:  # ended before the setting took: stop now
            os.kill(os.getpid(), signal.SIGINT)

    return set_parent_death_signal


def _wait_until(answers: Callable[[], bool], process: subprocess.Popen[bytes]) -> bool:
    """Poll `answers()` until true; false when the process ends or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if answers():
            return True
        time.sleep(0.05)
    return False


def _end(process: subprocess.Popen[bytes]) -> None:
    """Ask a server to stop (SIGINT: PostgreSQL's fast shutdown, which does not wait for
    clients; Redis shuts down), kill it if it does not within STOP_TIMEOUT, reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ----- the command-line wrapper -------------------------------------------------------


class _Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwind so the servers started here are stopped."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signum)


def _run(command: Sequence[str], environ: dict[str, str]) -> int:
    """Run `command`, wait for it (on Ctrl-C too: it gets the same SIGINT from the
    terminal and may clean up against the servers), return its exit code."""
    try:
        child = subprocess.Popen(list(command), env=environ)
    except OSError as error:
        print(f"tests.support.services: cannot run {command[0]}: {error}", file=sys.stderr)
        return 127
    try:
        return child.wait()
    except (KeyboardInterrupt, _Stopped) as interrupt:
        signum = interrupt.signum if isinstance(interrupt, _Stopped) else signal.SIGINT
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)
        try:
            child.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print("usage: python -m tests.support.services -- <command> [args...]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_stopped)
    signal.signal(signal.SIGHUP, _raise_stopped)
    try:
        with running_services(own=own_services_forced()) as (postgres, redis_service):
            print(
                f"tests.support.services: {postgres.describe()}; {redis_service.describe()}",
                flush=True,
            )
            environ = dict(os.environ)
            environ[POSTGRES_URL_VARIABLE] = postgres.url
            environ[REDIS_URL_VARIABLE] = redis_service.url
            return _run(args, environ)
    except ServiceError as error:
        print(f"tests.support.services: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    except _Stopped as stopped:
        return 128 + stopped.signum


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
