"""`make run`'s steps before the app starts, as on a fresh checkout: `make migrate
demo-data` on an empty database, with nothing of the app's set in the environment,
loads the demo customers. It once failed there: loading invites the demo admin
contacts, whose links need the secret key, and demo-data ran outside demo mode (a used
checkout never showed it: its customers were loaded already)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

PROJECT = Path(__file__).resolve().parents[3]


def fresh_environment(database: Path) -> dict[str, str]:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("REFLEX_", "CLOUDLINK_"))
    }
    environ["REFLEX_DB_URL"] = f"sqlite:///{database}"
    return environ


def count(engine: sa.engine.Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql(sql).scalar_one())


def test_make_migrate_and_demo_data_load_an_empty_database(tmp_path):
    database = tmp_path / "fresh.db"
    done = subprocess.run(
        ["make", "--no-print-directory", "migrate", "demo-data"],
        cwd=PROJECT,
        env=fresh_environment(database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Demo data: 29 customers loaded." in done.stdout
    engine = sa.create_engine(f"sqlite:///{database}", poolclass=sa.pool.NullPool)
    assert count(engine, "SELECT count(*) FROM customer") == 29
    assert count(engine, "SELECT count(*) FROM outbox_message WHERE kind = 'invitation'") > 0
    engine.dispose()


def test_outside_demo_mode_without_a_key_it_says_what_is_missing(tmp_path):
    database = tmp_path / "fresh.db"
    environ = fresh_environment(database) | {"CLOUDLINK_DEMO_MODE": ""}
    done = subprocess.run(
        [sys.executable, "-m", "cloudlink_app.demo_data"],
        cwd=PROJECT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Demo data: Set CLOUDLINK_SECRET_KEY"), done.stderr[-2000:]
    assert "Traceback" not in done.stderr
