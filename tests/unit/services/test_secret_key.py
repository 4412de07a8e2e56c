"""The secret key: from CLOUDLINK_SECRET_KEY, or generated once for demo mode.

The variables reach the key through cloudlink_app.settings; these tests put settings in
place with settings.use/override (from_environ where the raw text matters).
"""

from __future__ import annotations

import os
import stat
import sys

import pytest

from cloudlink_app import settings
from cloudlink_app.services import secret_key
from cloudlink_app.settings import SettingsError

GOOD = "k" * 32


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    """No cached key, no demo mode, and a key file (not yet there) in tmp_path."""
    monkeypatch.setattr(secret_key, "_key_cache", None)
    monkeypatch.setattr(secret_key, "SECRET_KEY_FILE", tmp_path / ".cloudlink-secret-key")
    with settings.override(demo_mode=False):
        yield tmp_path / ".cloudlink-secret-key"


def environment(**variables: str) -> settings.Settings:
    """The settings of an environment that has only ``variables`` (and the test
    database)."""
    return settings.from_environ({"REFLEX_DB_URL": settings.get().db_url, **variables})


def restart(monkeypatch) -> None:
    """Forget the key as a new process would."""
    monkeypatch.setattr(secret_key, "_key_cache", None)


def test_the_key_comes_from_the_environment(fresh):
    with settings.use(environment(CLOUDLINK_SECRET_KEY=GOOD)):
        assert secret_key.secret_key() == GOOD.encode()
    assert not fresh.exists()


def test_changed_settings_are_read_again():
    with settings.override(secret_key=GOOD):
        assert secret_key.secret_key() == GOOD.encode()
    with settings.override(secret_key="z" * 40):
        assert secret_key.secret_key() == b"z" * 40


@pytest.mark.parametrize("value", ["short", "k" * 31, " " * 5 + "k" * 30 + " " * 5])
def test_a_too_short_key_is_refused_clearly(value):
    with pytest.raises(SettingsError, match="^CLOUDLINK_SECRET_KEY: .*at least 32"):
        environment(CLOUDLINK_SECRET_KEY=value)
    refused = pytest.raises(SettingsError, match="^CLOUDLINK_SECRET_KEY: .*at least 32")
    with refused, settings.override(secret_key=value):
        pass


def test_a_too_short_key_is_refused_in_demo_mode_too(fresh):
    with pytest.raises(SettingsError, match="at least 32"):
        environment(CLOUDLINK_DEMO_MODE="1", CLOUDLINK_SECRET_KEY="short")
    assert not fresh.exists()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_key_outside_demo_mode_is_refused(fresh, value):
    variables = {"CLOUDLINK_DEMO_MODE": "0"}
    if value is not None:
        variables["CLOUDLINK_SECRET_KEY"] = value
    refused = pytest.raises(RuntimeError, match=r"^Set CLOUDLINK_SECRET_KEY ")
    with settings.use(environment(**variables)), refused:
        secret_key.secret_key()
    assert not fresh.exists()


def test_demo_mode_generates_a_key_once_and_keeps_it(monkeypatch, fresh):
    with settings.use(environment(CLOUDLINK_DEMO_MODE="1")):
        key = secret_key.secret_key()
        assert len(key) >= 64  # token_urlsafe(48): 64 characters
        assert fresh.read_text().strip().encode() == key
        if sys.platform != "win32":
            assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
        assert secret_key.secret_key() == key
        restart(monkeypatch)
        assert secret_key.secret_key() == key  # sessions survive a restart
    assert sorted(p.name for p in fresh.parent.iterdir()) == [fresh.name]  # no leftovers


def test_demo_keys_differ_between_installations(monkeypatch, fresh, tmp_path):
    with settings.use(environment(CLOUDLINK_DEMO_MODE="true")):
        first = secret_key.secret_key()
        other = tmp_path / "elsewhere" / ".cloudlink-secret-key"
        other.parent.mkdir()
        monkeypatch.setattr(secret_key, "SECRET_KEY_FILE", other)
        assert secret_key.secret_key() != first


def test_demo_mode_uses_an_existing_key_file(fresh):
    fresh.write_text("f" * 50 + "\n")
    with settings.use(environment(CLOUDLINK_DEMO_MODE="yes")):
        assert secret_key.secret_key() == b"f" * 50


def test_a_damaged_key_file_is_refused_clearly(fresh):
    fresh.write_text("")
    refused = pytest.raises(RuntimeError, match="delete the file")
    with settings.use(environment(CLOUDLINK_DEMO_MODE="on")), refused:
        secret_key.secret_key()


def test_the_environment_wins_over_the_demo_file(fresh):
    fresh.write_text("f" * 50)
    with settings.use(environment(CLOUDLINK_DEMO_MODE="1", CLOUDLINK_SECRET_KEY=GOOD)):
        assert secret_key.secret_key() == GOOD.encode()


def test_a_key_written_by_another_process_first_is_kept(fresh):
    fresh.write_text("a" * 50)
    secret_key._write_new_key(fresh)  # lost the race: must not overwrite
    assert fresh.read_text() == "a" * 50
    assert sorted(p.name for p in fresh.parent.iterdir()) == [fresh.name]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        (" on ", True),
        ("0", False),
        ("false", False),
        ("", False),
        (None, False),
    ],
)
def test_demo_mode_flag(value, expected):
    variables = {} if value is None else {"CLOUDLINK_DEMO_MODE": value}
    with settings.use(environment(**variables)):
        assert settings.get().demo_mode is expected


def test_an_unknown_demo_mode_value_stops_the_app():
    # It used to mean "off"; a typo must not silently run production as a demo, or
    # the other way round.
    with pytest.raises(SettingsError, match="^CLOUDLINK_DEMO_MODE: 'demo' is not a yes/no"):
        environment(CLOUDLINK_DEMO_MODE="demo")


def test_the_test_run_has_a_key():
    # tests/conftest.py sets one, so every other test signs sessions without a file.
    assert len(os.environ["CLOUDLINK_SECRET_KEY"]) >= secret_key.SECRET_KEY_MIN
    assert settings.get().secret_key == os.environ["CLOUDLINK_SECRET_KEY"]
    assert secret_key.secret_key() == os.environ["CLOUDLINK_SECRET_KEY"].encode()
