"""make serve (cloudlink_app/serve.py): what it refuses before it starts anything.

Serving itself (migrate, build, Granian workers, /_health through nginx) is run by the
topology tests (make topology, tests/support/topology.py), which start two instances
with `make serve`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cloudlink_app import serve, settings
from cloudlink_app.settings import Settings, SettingsError, from_environ

PROJECT = Path(__file__).resolve().parents[2]
POSTGRES = "postgresql+psycopg://cloudlink@db.internal:5432/cloudlink"
REDIS = "redis://redis.internal:6379/0"


def problems(**values) -> list[str]:
    return serve.configuration_problems(Settings(**values))


def test_postgres_and_redis_with_several_workers_may_start():
    assert problems(db_url=POSTGRES, redis_url=REDIS, workers=4) == []
    assert problems(db_url=POSTGRES, workers=1) == []


@pytest.mark.parametrize("db_url", ["sqlite:///cloudlink.db", "sqlite://"])
def test_sqlite_is_refused(db_url):
    (problem,) = problems(db_url=db_url, redis_url=REDIS, workers=2)
    assert problem.startswith("REFLEX_DB_URL names SQLite")
    assert "postgresql+psycopg://" in problem


def test_several_workers_without_redis_are_refused():
    (problem,) = problems(db_url=POSTGRES, workers=2)
    assert problem.startswith("CLOUDLINK_WORKERS=2 needs REFLEX_REDIS_URL")


def test_demo_mode_is_refused():
    (problem,) = problems(db_url=POSTGRES, demo_mode=True)
    assert problem.startswith("CLOUDLINK_DEMO_MODE is on")


def test_every_problem_at_once():
    assert len(problems(db_url="sqlite:///x.db", workers=3, demo_mode=True)) == 3


@pytest.mark.parametrize(("value", "workers"), [("", 1), (" 3 ", 3), ("64", 64)])
def test_workers_setting(value, workers):
    assert from_environ({"CLOUDLINK_WORKERS": value}).workers == workers


@pytest.mark.parametrize("value", ["0", "65", "two", "-1", "1.5", "٣"])
def test_a_bad_workers_setting_names_the_variable(value):
    with pytest.raises(SettingsError) as raised:
        from_environ({"CLOUDLINK_WORKERS": value})
    assert raised.value.variable == "CLOUDLINK_WORKERS"


def test_the_command_refuses_sqlite_before_doing_anything(tmp_path):
    """The real command, in its own process: exit status 2, the reason on stderr, no
    database file made, nothing built."""
    environment = {
        "PATH": os.environ["PATH"],
        "REFLEX_DB_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "CLOUDLINK_WORKERS": "2",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    finished = subprocess.run(
        [sys.executable, "-m", "cloudlink_app.serve", "--port", "1"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 2, finished.stderr
    assert "make serve: not started" in finished.stderr
    assert "REFLEX_DB_URL names SQLite" in finished.stderr
    assert "CLOUDLINK_WORKERS=2 needs REFLEX_REDIS_URL" in finished.stderr
    assert not (tmp_path / "serve.db").exists()


def test_a_refused_start_does_not_migrate(monkeypatch):
    """The checks come before the migrations: nothing touches the database."""
    migrated = []
    monkeypatch.setattr(serve, "migrate", migrated.append)
    with settings.override(db_url="sqlite:///unused.db"), pytest.raises(serve.ServeRefused):
        serve.serve("127.0.0.1", 1, build_frontend=False, run=False)
    assert migrated == []


@pytest.mark.parametrize(("value", "held"), [("", False), ("off", False), ("on", True)])
def test_reflex_oplock_is_the_settings_whatever_reflexs_default(monkeypatch, value, held):
    """make serve gives Reflex REFLEX_OPLOCK_ENABLED as the settings read it (off
    unless set: docs/deployment.md says why), also were Reflex's default on, and in
    the words Reflex reads ("on" is not one of them)."""
    from reflex.environment import environment

    oplock = environment.REFLEX_OPLOCK_ENABLED
    monkeypatch.setattr(oplock, "default", True)  # a Reflex release that turns it on
    monkeypatch.setenv(oplock.name, value)
    monkeypatch.setenv("GRANIAN_WORKERS", "1")
    seen = []
    monkeypatch.setattr(
        serve.production, "run_backend", lambda host, port: seen.append(oplock.get())
    )
    current = from_environ(dict(os.environ))
    serve.run_backend("127.0.0.1", 8000, 2, current.redis_oplock)
    assert seen == [held]


def test_the_demo_needs_demo_mode():
    with settings.override(demo_mode=False), pytest.raises(serve.ServeRefused) as refused:
        serve.demo("127.0.0.1", 3000)
    assert "CLOUDLINK_DEMO_MODE is not on" in str(refused.value)


def test_the_demo_is_built_again_only_when_a_source_or_the_url_changed(tmp_path):
    (tmp_path / "cloudlink_app" / "__pycache__").mkdir(parents=True)
    (tmp_path / "cloudlink_app" / "page.py").write_text("A = 1\n")
    (tmp_path / "cloudlink_app" / "__pycache__" / "page.pyc").write_bytes(b"x")
    (tmp_path / "rxconfig.py").write_text("config = None\n")
    url = "http://localhost:3000"
    first = serve.sources_fingerprint(tmp_path, url)
    assert serve.sources_fingerprint(tmp_path, url) == first
    (tmp_path / "cloudlink_app" / "__pycache__" / "page.pyc").write_bytes(b"y")  # a cache
    assert serve.sources_fingerprint(tmp_path, url) == first
    assert serve.sources_fingerprint(tmp_path, "http://localhost:3001") != first
    (tmp_path / "cloudlink_app" / "page.py").write_text("A = 2\n")
    assert serve.sources_fingerprint(tmp_path, url) != first
