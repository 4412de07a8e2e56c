"""Shared test set-up: every test run gets its own database file."""

import os
import tempfile
from pathlib import Path

import pytest

# The helpers' asserts (tests/support, e.g. assert_refused) explain their failures as
# the tests' own do. Before anything imports them.
pytest.register_assert_rewrite("tests.support")

# Reflex reads any REFLEX_<setting> of the environment over rxconfig.py (rx.Config: the
# state manager, auto setters, an env file to load...) and more REFLEX_ variables at run
# time: the caller's shell must not change the app under test (REFLEX_STATE_AUTO_SETTERS
# would give every var a setter event). Only where the tools and build folders are is
# kept.
_TOOL_LOCATIONS = {
    "REFLEX_BUN_PATH",
    "REFLEX_USE_SYSTEM_BUN",
    "REFLEX_USE_NPM",
    "REFLEX_DIR",
    "REFLEX_WEB_WORKDIR",
    "REFLEX_STATES_WORKDIR",
    "REFLEX_CHECK_LATEST_VERSION",
}
for _name in [n for n in os.environ if n.startswith("REFLEX_") and n not in _TOOL_LOCATIONS]:
    del os.environ[_name]

# The browser tests' production topology (make topology; tests/support/topology.py):
# the app instances and these tests share a new PostgreSQL database of their own.
TOPOLOGY = os.environ.get("CLOUDLINK_TEST_TOPOLOGY") == "1"

# Before anything imports rxconfig: the tests never touch the developer's database.
_TMP = Path(tempfile.mkdtemp(prefix="cloudlink-tests-"))
if TOPOLOGY:
    from tests.support import postgres, topology

    os.environ["REFLEX_DB_URL"] = topology.create_database(postgres.POSTGRES_URL)
else:
    os.environ["REFLEX_DB_URL"] = f"sqlite:///{_TMP / 'test.db'}"
os.environ["REFLEX_TELEMETRY_ENABLED"] = "false"
# Session tokens are keyed with it (services/secret_key.py); tests that need another use
# cloudlink_app.settings.override(secret_key=...). Set, not defaulted: a short key in
# the caller's shell would stop every test.
os.environ["CLOUDLINK_SECRET_KEY"] = "test-secret-" + "x" * 40
# One log line per event would flood the browser runs' output (the app runs in the
# test process there); tests/unit/state/test_event_log.py sets its own level.
os.environ["CLOUDLINK_LOG_LEVEL"] = "WARNING"
os.environ.pop("CLOUDLINK_LOG_FORMAT", None)
# settings.py reads the environment once: the caller's shell (make run's demo mode, a
# deployment's URL or Redis) must not change what the tests see.
for _name in (
    "CLOUDLINK_DEMO_MODE",
    "CLOUDLINK_ALLOW_PRIVATE_TARGETS",
    "REFLEX_DEPLOY_URL",
    "REFLEX_REDIS_URL",
):
    os.environ.pop(_name, None)
# The bun that `make setup` installs (Reflex would otherwise try to download one).
_BUN = Path(__file__).resolve().parents[1] / ".tools/bun/node_modules/bun/bin/bun.exe"
if _BUN.exists():
    os.environ.setdefault("REFLEX_BUN_PATH", str(_BUN))


def pytest_unconfigure(config):
    """The topology's database is dropped after the run."""
    if TOPOLOGY:
        from reflex.model import get_engine

        get_engine().dispose()
        topology.drop_database(os.environ["REFLEX_DB_URL"])
