"""Running Reflex's production backend from our own command (make serve, serve.py), and
where its built pages are.

Reflex 0.10.1 has no API for it: ``reflex run --env prod`` would compile the pages
again in every worker and cannot be told to serve a build made earlier. serve.py sets
the same switches Reflex's CLI sets (``reflex.environment``: production mode, no
compile, Granian) and calls the function the CLI calls
(``reflex.utils.exec.run_backend_prod``), which serves the built pages and the backend
from one port.
"""

from __future__ import annotations

from pathlib import Path


def run_backend(host: str, port: int) -> None:
    """Serve the built pages and the backend on ``host:port`` with Granian (its
    worker count from GRANIAN_WORKERS); returns when the server stops."""
    from reflex import constants
    from reflex.environment import environment
    from reflex.utils import exec as reflex_exec

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)  # the workers serve the build as it is
    environment.REFLEX_USE_GRANIAN.set(True)
    reflex_exec.run_backend_prod(
        host, port, constants.LogLevel.WARNING, mount_frontend_compiled_app=True
    )


def built_pages_dir() -> Path:
    """The folder the production build's pages are served from (Reflex 0.10.1:
    ``.web/build/client``, ``reflex.utils.exec.get_frontend_mount``'s directory)."""
    from reflex import constants
    from reflex.config import get_config
    from reflex.utils import prerequisites

    frontend_path = get_config().frontend_path.strip("/")
    return (prerequisites.get_web_dir() / constants.Dirs.STATIC / frontend_path).resolve()
