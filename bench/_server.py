"""The production backend for the event benchmark, on loopback, in a directory of its own.

    python -m bench._server --workdir DIR --port PORT

One Granian worker process running the app as `make serve` runs it (Reflex's
``run_backend_prod``, ``REFLEX_ENV_MODE=prod``, the compile skipped: the websocket needs
no pages), on a SQLite file in DIR (``bench.db``: migrated, the demo data loaded), with
Reflex's default state manager for one worker (pickles on disk, in ``DIR/.states``).
Demo mode is on, because the benchmark signs in as the demo partner; ``serve.py``
refuses SQLite and demo mode, which is why it is not used here. Nothing of the
developer's (``cloudlink.db``, ``.states``, ``.web``) is read or written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environment(workdir: Path) -> dict[str, str]:
    """The backend's environment: its own database, states and secret, demo mode."""
    env = dict(os.environ)
    env.update(
        REFLEX_DB_URL=f"sqlite:///{workdir / 'bench.db'}",
        REFLEX_STATES_WORKDIR=str(workdir / ".states"),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_ENV_MODE="prod",
        CLOUDLINK_DEMO_MODE="1",
        CLOUDLINK_SECRET_KEY="bench-secret-key-" + "x" * 32,
        CLOUDLINK_WORKERS="1",
        CLOUDLINK_LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("REFLEX_REDIS_URL", None)
    return env


def prepare(workdir: Path) -> None:
    """Migrate the benchmark's database and load the demo data into it."""
    env = environment(workdir)
    for command in (
        [str(Path(sys.executable).with_name("reflex")), "db", "migrate"],
        [sys.executable, "-m", "cloudlink_app.demo_data"],
    ):
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def serve(port: int, pages: bool = False) -> None:
    """Run the backend (this process's environment must be ``environment()``'s); with
    ``pages``, also the built pages of .web/build/client, as `make serve` does."""
    from reflex import constants
    from reflex.environment import environment as reflex_environment
    from reflex.utils import exec as reflex_exec

    from cloudlink_app import settings

    reflex_environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    reflex_environment.REFLEX_SKIP_COMPILE.set(True)
    reflex_environment.REFLEX_USE_GRANIAN.set(True)
    settings.set_for_reflex("GRANIAN_WORKERS", "1")
    reflex_exec.run_backend_prod(
        "127.0.0.1", port, constants.LogLevel.WARNING, mount_frontend_compiled_app=pages
    )


def stop(process: subprocess.Popen | None) -> None:
    """Stop a backend started by a benchmark: SIGTERM, then SIGKILL after 15 s."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--pages", type=Path, help="a copy of the project whose .web/build/client to serve"
    )
    args = parser.parse_args()
    os.chdir(args.pages or ROOT)
    serve(args.port, pages=args.pages is not None)


if __name__ == "__main__":
    main()
