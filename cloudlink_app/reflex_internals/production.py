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


# React Router's prerendered pages (Reflex 0.10.1, react-router 8.4) name every script
# module of the page as <link rel="modulepreload">, which Chromium fetches at High
# priority: as important as the stylesheet, and Lighthouse's simulation counts each
# such script as render-blocking, so the whole bundle sat between the request and the
# first paint although the HTML already shows the page (issue 21). With
# fetchpriority="low" they are still fetched at once, after what the paint needs.
_MODULEPRELOAD = '<link rel="modulepreload" href='
_MODULEPRELOAD_LOW = '<link rel="modulepreload" fetchpriority="low" href='


def lower_script_priority(pages: Path, *, compress: bool = True) -> int:
    """Mark the modulepreload links of every built page low priority and compress the
    build again (its .gz/.br files were made from the pages before). Returns the number
    of pages changed; fails loudly when no page has such a link (Reflex changed)."""
    from reflex.config import get_config
    from reflex.utils import build

    changed = 0
    for page in sorted(pages.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if _MODULEPRELOAD in text:
            page.write_text(text.replace(_MODULEPRELOAD, _MODULEPRELOAD_LOW), encoding="utf-8")
            changed += 1
    if changed == 0 and not any(_MODULEPRELOAD_LOW in p.read_text() for p in pages.rglob("*.html")):
        raise RuntimeError(
            f"no page in {pages} has {_MODULEPRELOAD!r}: re-check lower_script_priority"
        )
    if not compress:
        return changed
    # Reflex's own step of `reflex export` (reflex.utils.build, 0.10.1), run again.
    build._compress_static_output(pages, tuple(get_config().frontend_compression_formats))
    return changed
