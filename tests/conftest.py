"""Shared test set-up: every test run gets its own database file."""

import os
import tempfile
from pathlib import Path

# Before anything imports rxconfig: the tests never touch the developer's database.
_TMP = Path(tempfile.mkdtemp(prefix="cloudlink-tests-"))
os.environ["REFLEX_DB_URL"] = f"sqlite:///{_TMP / 'test.db'}"
os.environ["REFLEX_TELEMETRY_ENABLED"] = "false"
# Session tokens are keyed with it (services/auth.py); tests that need another set it.
os.environ.setdefault("CLOUDLINK_SECRET_KEY", "test-secret-" + "x" * 40)
# The bun that `make setup` installs (Reflex would otherwise try to download one).
_BUN = Path(__file__).resolve().parents[1] / ".tools/bun/node_modules/bun/bin/bun.exe"
if _BUN.exists():
    os.environ.setdefault("REFLEX_BUN_PATH", str(_BUN))
