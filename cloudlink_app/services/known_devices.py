"""Known devices: browsers that signed in to an account before (OWASP's device cookies).

Failed sign-ins slow an account down whatever the address they come from
(domain/throttle.py ACCOUNT_LIMIT). So that an attacker cannot use that to keep the real
user out, a browser that signed in to the account carries a known-device cookie
(http/cookies.py) and is not slowed by the account's failures; the per-address and per
(email, address) limits and the password check still apply to it.

The cookie holds up to ENTRIES_MAX entries, newest first, one per account signed in
with the browser: ``<user id>.<issued, Unix seconds>.<HMAC>``. The HMAC, under the
secret key, is of the user id, the time issued and the user's current password hash:

- nobody can make or alter an entry without the key;
- an entry counts only for its own account, and for LIFETIME after it was issued (each
  sign-in issues a new one);
- a new password (changed, set with a link, a hash upgraded on sign-in) voids every
  entry of the account: a browser of someone who once knew the old password is not
  spared any longer.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac

from cloudlink_app.models import AppUser
from cloudlink_app.services import secret_key

# How long a browser stays known after it last signed in to the account.
LIFETIME = datetime.timedelta(days=180)
# Accounts remembered per browser (one shared computer, a few people).
ENTRIES_MAX = 5
# The longest cookie value read: ENTRIES_MAX entries of at most 75 characters.
VALUE_MAX = ENTRIES_MAX * 76
# An entry issued a little in the future (another server's clock) still counts.
CLOCK_SKEW = datetime.timedelta(minutes=5)
_SEPARATOR = "~"


def _mac(user_id: int, issued: int, password_hash: str) -> str:
    # Its own message prefix: no other HMAC of the app can be passed off as an entry.
    message = f"known-device\x00{user_id}\x00{issued}\x00{password_hash}".encode()
    digest = hmac.new(secret_key.secret_key(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _entries(value: object) -> list[tuple[int, int, str]]:
    """The well-formed entries of a cookie value, (user id, issued, HMAC), at most
    ENTRIES_MAX; nothing for anything else."""
    if not isinstance(value, str) or len(value) > VALUE_MAX:
        return []
    found = []
    for entry in value.split(_SEPARATOR)[:ENTRIES_MAX]:
        parts = entry.split(".")
        if len(parts) != 3 or not all(part.isascii() for part in parts):
            continue
        user_id, issued, mac = parts
        if user_id.isdigit() and issued.isdigit() and len(user_id) <= 18 and len(issued) <= 10:
            found.append((int(user_id), int(issued), mac))
    return found


def _fresh(issued: int, now: datetime.datetime) -> bool:
    moment = datetime.datetime.fromtimestamp(issued, datetime.UTC)
    return now - LIFETIME < moment <= now + CLOCK_SKEW


def is_known(value: object, user: AppUser | None, now: datetime.datetime) -> bool:
    """Whether the known-device cookie ``value`` holds a valid entry for ``user`` (an
    active user with a password): signed with the secret key for this user and their
    current password, issued less than LIFETIME ago. False for no user, so an unknown
    email is treated exactly as an account the browser never signed in to."""
    if user is None or user.id is None or not user.active or not user.password_hash:
        return False
    return any(
        user_id == user.id
        and _fresh(issued, now)
        and hmac.compare_digest(mac, _mac(user.id, issued, user.password_hash))
        for user_id, issued, mac in _entries(value)
    )


def remember(value: object, user: AppUser, now: datetime.datetime) -> str:
    """The known-device cookie's new value after ``user`` signed in with this browser
    (its password hash as stored now): a new entry for them first, then the browser's
    other accounts that are not expired, ENTRIES_MAX in all."""
    assert user.id is not None  # a stored user signed in
    issued = int(now.timestamp())
    kept = [f"{user.id}.{issued}.{_mac(user.id, issued, user.password_hash)}"]
    accounts = {user.id}
    for user_id, other_issued, mac in _entries(value):
        if user_id not in accounts and _fresh(other_issued, now) and len(kept) < ENTRIES_MAX:
            kept.append(f"{user_id}.{other_issued}.{mac}")
            accounts.add(user_id)
    return _SEPARATOR.join(kept)
