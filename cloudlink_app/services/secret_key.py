"""The server's secret key, which session tokens and password links are keyed with.

It comes from CLOUDLINK_SECRET_KEY (read and checked by settings.py); in demo mode, when
it is unset, one is generated once and kept in SECRET_KEY_FILE so that sessions survive
a restart.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from pathlib import Path

from cloudlink_app import settings

SECRET_KEY_ENV = settings.SECRET_KEY_ENV
SECRET_KEY_MIN = settings.SECRET_KEY_MIN
# Where demo mode keeps its generated key: the project root. Tests point it elsewhere.
SECRET_KEY_FILE = Path(__file__).resolve().parents[2] / ".cloudlink-secret-key"

_key_lock = threading.Lock()
_key_cache: tuple[tuple, bytes] | None = None


def secret_key() -> bytes:
    """The server's secret key: CLOUDLINK_SECRET_KEY, or in demo mode a generated one
    kept in SECRET_KEY_FILE. Raises RuntimeError when there is none or the file's is too
    short (settings.py already refused a too short CLOUDLINK_SECRET_KEY)."""
    global _key_cache
    current = settings.get()
    source = (current.secret_key, current.demo_mode, str(SECRET_KEY_FILE))
    cached = _key_cache
    if cached is not None and cached[0] == source:
        return cached[1]
    with _key_lock:
        if current.secret_key is not None:
            key = current.secret_key
        elif current.demo_mode:
            key = _demo_key(SECRET_KEY_FILE)
        else:
            raise RuntimeError(
                f"Set {SECRET_KEY_ENV} to a secret of at least {SECRET_KEY_MIN} characters "
                '(for example the output of: python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"). Only demo mode '
                "(CLOUDLINK_DEMO_MODE=1) generates one."
            )
        value = key.encode("utf-8")
        _key_cache = (source, value)
        return value


def _demo_key(path: Path) -> str:
    """The key kept in ``path``, generated (readable by the owner only) when missing."""
    if not path.exists():
        _write_new_key(path)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < SECRET_KEY_MIN:
        raise RuntimeError(
            f"The demo secret key in {path} is shorter than {SECRET_KEY_MIN} characters; "
            f"delete the file to generate a new one, or set {SECRET_KEY_ENV}."
        )
    return key


def _write_new_key(path: Path) -> None:
    # Written to a private temporary file, then linked into place: another process
    # starting at the same moment either wins (and we read its key) or loses, but
    # nobody ever reads a half-written file.
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
            file.flush()
            os.fsync(file.fileno())
        # Another process made the key first: theirs is kept.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
