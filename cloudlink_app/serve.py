"""`make serve`: the production build on PostgreSQL and Redis, with several workers.

    python -m cloudlink_app.serve [--host 127.0.0.1] [--port 8000] [--no-build | --build-only]

In this order, stopping with a message and exit status 2 at the first problem:

1. the settings (cloudlink_app/settings.py): PostgreSQL, not SQLite (a file database
   serves one machine, and not several processes writing at once); Redis when
   CLOUDLINK_WORKERS is more than 1 (each worker process would otherwise keep its own
   copy of every tab's state); never demo mode;
2. the migrations, applied under a PostgreSQL advisory lock, so machines started
   together migrate one after the other (the second finds nothing left to do);
3. the start-up checks of every start (services/startup.py: a deploy URL, a secret key,
   no demo accounts), so a refused start says so before anything is built;
4. the frontend, built for REFLEX_DEPLOY_URL (the address browsers use; the pages open
   their websocket there) into .web/build/client, unless --no-build (a second process
   on this machine serving the same build);
5. the backend: Granian with CLOUDLINK_WORKERS worker processes on --host/--port,
   serving the built pages and the websocket on that one port, inside the app's
   security headers.

`--build-only` does 1-4 and exits (a build step of a deployment pipeline). The pages of
one build name the deploy URL, so every machine behind one address may serve the same
build.

    python -m cloudlink_app.serve --demo [--host 127.0.0.1] [--port 3000]

is `make run`'s demo: the same production build and server (so the demo's pages carry
the same security headers), in demo mode on the embedded database (SQLite), one worker,
at http://localhost:<port>. It builds the frontend only when the sources changed since
the last build (a fingerprint of cloudlink_app/, assets/, rxconfig.py and
requirements.txt beside the build), so a second `make run` starts in seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cloudlink_app import settings
from cloudlink_app.reflex_internals import migrations, production

logger = logging.getLogger("cloudlink_app.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEMO_PORT = 3000
# What a demo build depends on, below the project's folder.
SOURCES = ("cloudlink_app", "assets", "rxconfig.py", "requirements.txt")
# Beside the build: the fingerprint of the sources it was built from.
BUILD_FINGERPRINT = "cloudlink-build-fingerprint"
# pg_advisory_lock key of the migrations: any fixed number, the same on every machine.
MIGRATION_LOCK = 4_242_017


class ServeRefused(RuntimeError):
    """The production server may not start: the message says why and what to do."""


def configuration_problems(current: settings.Settings) -> list[str]:
    """What stops a production start with these settings, one sentence each (what is
    wrong and what to set)."""
    problems = []
    db = settings.VARIABLES["db_url"]
    if make_url(current.db_url).get_backend_name() != "postgresql":
        problems.append(
            f"{db} names SQLite (or is unset): make serve needs PostgreSQL, for example "
            f"{db}=postgresql+psycopg://cloudlink:password@db.example.internal:5432/cloudlink"
            " (make run serves a demo on SQLite)."
        )
    if current.workers > 1 and current.redis_url is None:
        problems.append(
            f"{settings.VARIABLES['workers']}={current.workers} needs "
            f"{settings.VARIABLES['redis_url']} (redis://host:6379/0): several worker "
            "processes share every tab's state through Redis; or set it to 1."
        )
    if current.demo_mode:
        problems.append(
            f"{settings.VARIABLES['demo_mode']} is on: make serve is the production "
            "server; unset it (make run serves the demo)."
        )
    return problems


def migrate(url: str) -> None:
    """Apply the migrations to `url`, one machine at a time (a PostgreSQL advisory lock
    held on the migrating connection)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sa.select(sa.func.pg_advisory_lock(MIGRATION_LOCK)))
            try:
                migrations.upgrade(connection)
                connection.commit()
            finally:
                connection.execute(sa.select(sa.func.pg_advisory_unlock(MIGRATION_LOCK)))
                connection.commit()
    finally:
        engine.dispose()


def startup_problems() -> list[str]:
    """services/startup.py's checks (deploy URL, secret key, no demo accounts). The
    workers forked from this process afterwards never use its pooled connection
    (services/database.py drops it in every child, whichever way the server starts)."""
    from cloudlink_app.services import startup
    from cloudlink_app.services.database import get_session

    with get_session() as session:
        return startup.startup_problems(settings.get(), session)


def build() -> None:
    """The production frontend, opening its websocket at the deploy URL: Reflex's own
    `reflex export` (it also sets up .web on a fresh checkout); REFLEX_API_URL is set."""
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]
    if subprocess.run([*command, "--env", "prod"], check=False).returncode != 0:
        raise ServeRefused("the frontend build failed (its output is above)")
    # The scripts after the first paint (reflex_internals/production.py, issue 21).
    production.lower_script_priority(production.built_pages_dir())


def run_backend(host: str, port: int, workers: int, oplock: bool = False) -> None:
    """Granian with `workers` processes serving the built pages and the backend;
    Reflex's opportunistic Redis lock as `oplock` says (REFLEX_OPLOCK_ENABLED, off by
    default: docs/deployment.md), whatever Reflex's own default."""
    settings.set_for_reflex("GRANIAN_WORKERS", str(workers))
    settings.set_for_reflex("REFLEX_OPLOCK_ENABLED", "1" if oplock else "0")
    production.run_backend(host, port)


def serve(host: str, port: int, *, build_frontend: bool = True, run: bool = True) -> None:
    """Check, migrate, build and run (see the module's docstring). Raises ServeRefused."""
    current = settings.get()
    if problems := configuration_problems(current):
        raise ServeRefused("\n".join(problems))
    migrate(current.db_url)
    if problems := startup_problems():
        raise ServeRefused("\n".join(problems))
    assert current.deploy_url is not None  # a startup problem otherwise
    # The pages' websocket address, and the backend's own (its security headers).
    settings.set_for_reflex("REFLEX_API_URL", current.deploy_url)
    if build_frontend:
        build()
    if run:
        run_backend(host, port, current.workers, current.redis_oplock)


def sources_fingerprint(project: Path, api_url: str) -> str:
    """A hash of every file a build depends on (SOURCES under ``project``, names and
    contents; caches and linked assets left out) and of the URL the pages call."""
    digest = hashlib.sha256(api_url.encode())
    for source in SOURCES:
        path = project / source
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            parts = file.relative_to(project).parts
            if not file.is_file() or "__pycache__" in parts or "external" in parts:
                continue
            digest.update("/".join(parts).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def demo(host: str, port: int, project: Path = Path.cwd()) -> None:
    """`make run`'s demo server (see the module's docstring). Raises ServeRefused."""
    current = settings.get()
    if not current.demo_mode:
        raise ServeRefused(
            f"{settings.VARIABLES['demo_mode']} is not on: --demo serves the demo "
            "(make run sets it); make serve is the production server."
        )
    url = f"http://localhost:{port}"
    settings.set_for_reflex("REFLEX_API_URL", url)
    stamp = production.built_pages_dir().parent / BUILD_FINGERPRINT
    fingerprint = sources_fingerprint(project, url)
    if not stamp.is_file() or stamp.read_text() != fingerprint:
        build()
        stamp.write_text(fingerprint)
    else:
        logger.warning("The pages are built already: %s", url)
    run_backend(host, port, 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cloudlink_app.serve", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    parser.add_argument(
        "--port", type=int, help=f"port to listen on ({DEFAULT_PORT}; --demo: {DEMO_PORT})"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--no-build", action="store_true", help="serve the existing build")
    which.add_argument("--build-only", action="store_true", help="check, migrate, build, exit")
    which.add_argument("--demo", action="store_true", help="make run's demo (demo mode, SQLite)")
    args = parser.parse_args(argv)
    try:
        if args.demo:
            demo(args.host, args.port or DEMO_PORT)
        else:
            port = args.port or DEFAULT_PORT
            serve(args.host, port, build_frontend=not args.no_build, run=not args.build_only)
    except (ServeRefused, settings.SettingsError) as refused:
        print(f"make serve: not started:\n{refused}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
