"""The production topology of the browser tests (`make topology`): nginx in front of two
app instances (`make serve`, two Granian workers each) sharing one PostgreSQL database
and one Redis.

    nginx 127.0.0.1:<port>  (deploy/nginx/cloudlink-proxy.conf, cloudlink-log.conf and
                             cloudlink-assets.conf, docs/deployment.md's)
      -> instance a: make serve PORT=<a>   \\  PostgreSQL (through a TCP proxy the tests
      -> instance b: make serve PORT=<b>   /   can cut) and Redis

Everything is started here and stopped afterwards: its own database on the test
PostgreSQL server (dropped at the end), its own Redis database number, nginx with its
own prefix directory. The first instance builds the pages (make serve); the second
serves that build (--no-build). Instances can be killed and started again, nginx
stopped and started again, and the database cut, for the fault tests.
CLOUDLINK_TEST_TOPOLOGY_LOGS=<directory> keeps the instances' and nginx's logs there.

The instances get only the variables of ``environment()``: REFLEX_OPLOCK_ENABLED unset,
as docs/deployment.md deploys, so `make serve` gives Reflex the oplock off (with it on,
test_an_instance_killed_between_typing_and_next loses the typed form). The event
benchmark's topology (bench/_topology.py) turns it on for its comparison.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

PROJECT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
PROXY_CONF = PROJECT / "deploy/nginx/cloudlink-proxy.conf"
LOG_CONF = PROJECT / "deploy/nginx/cloudlink-log.conf"
ASSETS_CONF = PROJECT / "deploy/nginx/cloudlink-assets.conf"
BROTLI_CONF = PROJECT / "deploy/nginx/cloudlink-assets-brotli.conf"
# Debian's ngx_brotli static module (libnginx-mod-http-brotli-static; make test-deps).
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
# The build the first instance makes (make serve): nginx serves its /assets/ from disk.
BUILD = PROJECT / ".web/build/client"
WORKERS = 2
START_TIMEOUT = 240  # s: the first instance builds the pages
STARTED_TIMEOUT = 60  # s: a restart serves the existing build


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def create_database(server_url: str) -> str:
    """A new, empty database on the PostgreSQL server of `server_url`; its URL."""
    name = f"cloudlink_topology_{secrets.token_hex(6)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop the database of `url` (made by create_database), ending its connections."""
    parsed = make_url(url)
    name = parsed.database
    assert name and name.startswith("cloudlink_topology_"), name
    server = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def wait_for_health(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Until GET url/_health answers 200 (raises after `timeout`, or when `process`
    exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server at {url} exited with {process.returncode}")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{url}/_health", timeout=2) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{url}/_health did not answer 200 within {timeout} s")


def health(url: str) -> int:
    """The status code of GET url/_health."""
    try:
        with urllib.request.urlopen(f"{url}/_health", timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@dataclass
class Instance:
    """One app machine: `make serve` on its own port."""

    name: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Topology:
    """nginx and two app instances; `frontend_url` is nginx's (the deploy URL)."""

    database_url: str  # what the instances use (through `db_proxy` when given)
    redis_url: str
    secret_key: str
    directory: Path
    port: int = field(default_factory=free_port)
    instances: list[Instance] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    # The TCP proxy in front of the database that the fault tests cut (tests/e2e).
    db_proxy: Any = None

    @property
    def frontend_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Where the backend answers: nginx too (one origin)."""
        return self.frontend_url

    # ----- the app instances -----------------------------------------------------------

    def environment(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "REFLEX_BUN_PATH", "TMPDIR")
        environment = {name: os.environ[name] for name in keep if name in os.environ}
        environment.update(
            REFLEX_DB_URL=self.database_url,
            REFLEX_REDIS_URL=self.redis_url,
            REFLEX_DEPLOY_URL=self.frontend_url,
            REFLEX_TELEMETRY_ENABLED="false",
            CLOUDLINK_SECRET_KEY=self.secret_key,
            CLOUDLINK_WORKERS=str(WORKERS),
            CLOUDLINK_TRUSTED_PROXY_HOPS="1",
            # The PBX simulators of the tests listen on 127.0.0.1.
            CLOUDLINK_ALLOW_PRIVATE_TARGETS="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        return environment

    def start_instance(self, instance: Instance, *, build: bool) -> None:
        """`make serve` for `instance` (building the pages first when `build`), until
        its /_health answers."""
        command = ["make", "--no-print-directory", "serve", "HOST=127.0.0.1"]
        command.append(f"PORT={instance.port}")
        if not build:
            command.append("SERVE_FLAGS=--no-build")
        with instance.log.open("ab") as log:
            instance.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: make, python, workers
            )
        timeout = START_TIMEOUT if build else STARTED_TIMEOUT
        try:
            wait_for_health(instance.url, timeout, instance.process)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}; its log:\n{instance.log.read_text()[-4000:]}") from None

    def log_tails(self, lines: int = 60) -> str:
        """The last ``lines`` lines of each instance's log (and nginx's error log): what
        a failed fault test prints for its post-mortem."""
        parts = []
        nginx = self.directory / "nginx"
        for log in [i.log for i in self.instances] + [nginx / "error.log", nginx / "access.log"]:
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"----- {log.name} -----\n" + "\n".join(tail))
        return "\n".join(parts)

    def logs(self) -> dict[str, str]:
        """Every log of the run so far, by file name: the instances', and nginx's
        access and error logs."""
        nginx = self.directory / "nginx"
        files = [i.log for i in self.instances] + [nginx / "access.log", nginx / "error.log"]
        return {log.name: log.read_text(errors="replace") for log in files if log.exists()}

    def kill_instance(self, instance: Instance) -> None:
        """SIGKILL to every process of the instance (make, the server, its workers)."""
        if instance.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(instance.process.pid, signal.SIGKILL)
        instance.process.wait(timeout=10)
        instance.process = None

    def stop_instance(self, instance: Instance) -> None:
        if instance.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(instance.process.pid, signal.SIGTERM)
        try:
            instance.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill_instance(instance)
        instance.process = None

    def websockets(self) -> dict[str, int]:
        """How many connections nginx holds open to each instance (the websockets:
        nginx keeps no idle upstream connections)."""
        counts = {}
        for instance in self.instances:
            listing = subprocess.run(
                ["ss", "-Htn", "state", "established", f"( dport = :{instance.port} )"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            counts[instance.name] = len([line for line in listing.splitlines() if line.strip()])
        return counts

    # ----- nginx -----------------------------------------------------------------------

    def nginx_conf(self) -> str:
        servers = "\n".join(
            f"        server 127.0.0.1:{i.port} max_fails=1 fail_timeout=2s;"
            for i in self.instances
        )
        temp = self.directory / "nginx"
        brotli = BROTLI_MODULE.exists()
        load = f"load_module {BROTLI_MODULE};" if brotli else ""
        include_brotli = f"include {BROTLI_CONF};" if brotli else ""
        return f"""
{load}
daemon off;
worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include {LOG_CONF};
    access_log {temp}/access.log cloudlink;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    upstream cloudlink {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            include {PROXY_CONF};
        }}
        location /assets/ {{
            root {BUILD};
            include {ASSETS_CONF};
            {include_brotli}
        }}
        location @cloudlink {{
            include {PROXY_CONF};
        }}
    }}
}}
"""

    def start_nginx(self) -> None:
        temp = self.directory / "nginx"
        temp.mkdir(exist_ok=True)
        conf = temp / "nginx.conf"
        conf.write_text(self.nginx_conf())
        with (temp / "stderr.log").open("ab") as stderr:
            self.nginx = subprocess.Popen(
                [NGINX, "-p", str(temp), "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,  # master and worker: one process group
            )
        try:
            wait_for_health(self.frontend_url, 20, self.nginx)
        except (RuntimeError, TimeoutError) as error:
            log = (temp / "error.log").read_text() if (temp / "error.log").exists() else ""
            raise RuntimeError(f"{error}; nginx's log:\n{log[-3000:]}") from None

    def stop_nginx(self) -> None:
        """Stop nginx at once: every websocket through it is cut (the worker too: a
        killed master leaves its worker serving the open connections)."""
        if self.nginx is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.nginx.pid, signal.SIGKILL)
        self.nginx.wait(timeout=10)
        self.nginx = None

    # ----- all of it -------------------------------------------------------------------

    def start(self) -> None:
        self.instances = [
            Instance(name, free_port(), self.directory / f"instance-{name}.log")
            for name in ("a", "b")
        ]
        first, second = self.instances
        self.start_instance(first, build=True)
        self.start_instance(second, build=False)
        self.start_nginx()

    def stop(self) -> None:
        self.stop_nginx()
        for instance in self.instances:
            self.stop_instance(instance)

    def ensure_running(self) -> None:
        """Start again what a test stopped (the fault tests' clean-up)."""
        for instance in self.instances:
            if instance.process is None or instance.process.poll() is not None:
                self.start_instance(instance, build=False)
        if self.nginx is None or self.nginx.poll() is not None:
            self.start_nginx()


@contextlib.contextmanager
def running(database_url: str, redis_url: str, secret_key: str) -> Iterator[Topology]:
    """The topology on `database_url` (migrated by the first instance) and `redis_url`;
    stopped and its directory removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="cloudlink-topology-"))
    topology = Topology(database_url, redis_url, secret_key, directory)
    try:
        topology.start()
        yield topology
    finally:
        topology.stop()
        if keep := os.environ.get("CLOUDLINK_TEST_TOPOLOGY_LOGS"):
            # For a failure's post-mortem: the instances' and nginx's logs.
            shutil.copytree(directory, keep, dirs_exist_ok=True)
        shutil.rmtree(directory, ignore_errors=True)
