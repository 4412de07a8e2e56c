"""Every use of a private part of Reflex (and of alembic, which Reflex drives), in one
package: names with a leading underscore, ``reflex_base`` internals, and patches.

Each module says why the app needs it and what of Reflex it relies on. All of them
were checked against Reflex ``REFLEX_VERSION``; ``requirements.txt`` pins that version
and tests/unit/reflex_internals/test_reflex_version.py fails when the installed Reflex
differs, so that an upgrade starts by re-checking this package:

- ``events``: the event being processed (its tab's token and transaction id), and the
  task Reflex runs it in.
- ``app_hooks``: the app's connection toast removed, the Socket.IO origin check.
- ``token_manager``: a tab keeps its state when its instance dies (Redis).
- ``dev_server``: the development frontend listens on 127.0.0.1 only.
- ``migrations``: Reflex's migration calls, and its model comparison filtered.
- ``frontend``: JavaScript expressions as Vars (the backend's URL in a page), and the
  Var of Reflex's connection banner.
- ``production``: Reflex's production backend run from ``make serve``.

The tests' counterpart is tests/support/tabs.py, which drives the states as Reflex's
event processor does (its registry, event context and middleware): re-check it with
this package.
"""

from __future__ import annotations

from importlib import metadata

# The Reflex release every module of this package was checked against.
REFLEX_VERSION = "0.10.1"
# The distributions whose private parts this package uses (Reflex's own split).
REFLEX_PACKAGES = ("reflex", "reflex-base")


def version_problem(installed: str | None = None) -> str | None:
    """None when the installed Reflex is REFLEX_VERSION; otherwise what to re-check.

    ``installed`` is the version to judge (default: what is installed)."""
    found = installed if installed is not None else metadata.version("reflex")
    if found == REFLEX_VERSION:
        return None
    return (
        f"Reflex {found} is installed, but cloudlink_app/reflex_internals was checked "
        f"against Reflex {REFLEX_VERSION}: re-check every module of "
        "cloudlink_app.reflex_internals against the new release (each says what of "
        "Reflex it relies on), then set REFLEX_VERSION and the pin in requirements.txt."
    )
