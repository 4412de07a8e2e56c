"""The secret key: from CLOUDLINK_SECRET_KEY, or generated once for demo mode."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from cloudlink_app.services import auth

GOOD = "k" * 32


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    """No cached key, no demo mode, and a key file (not yet there) in tmp_path."""
    monkeypatch.setattr(auth, "_key_cache", None)
    monkeypatch.setattr(auth, "SECRET_KEY_FILE", tmp_path / ".cloudlink-secret-key")
    monkeypatch.delenv("CLOUDLINK_DEMO_MODE", raising=False)
    return tmp_path / ".cloudlink-secret-key"


def restart(monkeypatch) -> None:
    """Forget the key as a new process would."""
    monkeypatch.setattr(auth, "_key_cache", None)


def test_the_key_comes_from_the_environment(monkeypatch, fresh):
    monkeypatch.setenv("CLOUDLINK_SECRET_KEY", GOOD)
    assert auth.secret_key() == GOOD.encode()
    assert not fresh.exists()


def test_a_changed_environment_is_read_again(monkeypatch):
    monkeypatch.setenv("CLOUDLINK_SECRET_KEY", GOOD)
    assert auth.secret_key() == GOOD.encode()
    monkeypatch.setenv("CLOUDLINK_SECRET_KEY", "z" * 40)
    assert auth.secret_key() == b"z" * 40


@pytest.mark.parametrize("value", ["short", "k" * 31, " " * 5 + "k" * 30 + " " * 5])
def test_a_too_short_key_is_refused_clearly(monkeypatch, value):
    monkeypatch.setenv("CLOUDLINK_SECRET_KEY", value)
    with pytest.raises(RuntimeError, match="CLOUDLINK_SECRET_KEY must be at least 32"):
        auth.secret_key()


def test_a_too_short_key_is_refused_in_demo_mode_too(monkeypatch, fresh):
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "1")
    monkeypatch.setenv("CLOUDLINK_SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="at least 32"):
        auth.secret_key()
    assert not fresh.exists()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_key_outside_demo_mode_is_refused(monkeypatch, fresh, value):
    if value is None:
        monkeypatch.delenv("CLOUDLINK_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("CLOUDLINK_SECRET_KEY", value)
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "0")
    with pytest.raises(RuntimeError, match=r"^Set CLOUDLINK_SECRET_KEY "):
        auth.secret_key()
    assert not fresh.exists()


def test_demo_mode_generates_a_key_once_and_keeps_it(monkeypatch, fresh):
    monkeypatch.delenv("CLOUDLINK_SECRET_KEY", raising=False)
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "1")
    key = auth.secret_key()
    assert len(key) >= 64  # token_urlsafe(48): 64 characters
    assert fresh.read_text().strip().encode() == key
    if sys.platform != "win32":
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert auth.secret_key() == key
    restart(monkeypatch)
    assert auth.secret_key() == key  # sessions survive a restart
    assert sorted(p.name for p in fresh.parent.iterdir()) == [fresh.name]  # no leftovers


def test_demo_keys_differ_between_installations(monkeypatch, fresh, tmp_path):
    monkeypatch.delenv("CLOUDLINK_SECRET_KEY", raising=False)
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "true")
    first = auth.secret_key()
    other = tmp_path / "elsewhere" / ".cloudlink-secret-key"
    other.parent.mkdir()
    monkeypatch.setattr(auth, "SECRET_KEY_FILE", other)
    assert auth.secret_key() != first


def test_demo_mode_uses_an_existing_key_file(monkeypatch, fresh):
    monkeypatch.delenv("CLOUDLINK_SECRET_KEY", raising=False)
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "yes")
    fresh.write_text("f" * 50 + "\n")
    assert auth.secret_key() == b"f" * 50


def test_a_damaged_key_file_is_refused_clearly(monkeypatch, fresh):
    monkeypatch.delenv("CLOUDLINK_SECRET_KEY", raising=False)
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "on")
    fresh.write_text("")
    with pytest.raises(RuntimeError, match="delete the file"):
        auth.secret_key()


def test_the_environment_wins_over_the_demo_file(monkeypatch, fresh):
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "1")
    fresh.write_text("f" * 50)
    monkeypatch.setenv("CLOUDLINK_SECRET_KEY", GOOD)
    assert auth.secret_key() == GOOD.encode()


def test_a_key_written_by_another_process_first_is_kept(fresh):
    fresh.write_text("a" * 50)
    auth._write_new_key(fresh)  # lost the race: must not overwrite
    assert fresh.read_text() == "a" * 50
    assert sorted(p.name for p in fresh.parent.iterdir()) == [fresh.name]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False),
     ("false", False), ("", False), (None, False), ("demo", False)],
)
def test_demo_mode_flag(monkeypatch, value, expected):
    if value is not None:
        monkeypatch.setenv("CLOUDLINK_DEMO_MODE", value)
    assert auth.demo_mode() is expected


def test_the_test_run_has_a_key():
    # tests/conftest.py sets one, so every other test signs sessions without a file.
    assert len(os.environ["CLOUDLINK_SECRET_KEY"]) >= auth.SECRET_KEY_MIN
    assert auth.secret_key() == os.environ["CLOUDLINK_SECRET_KEY"].encode()
