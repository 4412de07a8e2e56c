"""Shared test set-up: every test run gets its own database file."""

import os
import tempfile
from pathlib import Path

# Before anything imports rxconfig: the tests never touch the developer's database.
_TMP = Path(tempfile.mkdtemp(prefix="cloudlink-tests-"))
os.environ.setdefault("REFLEX_DB_URL", f"sqlite:///{_TMP / 'test.db'}")
os.environ["REFLEX_TELEMETRY_ENABLED"] = "false"
