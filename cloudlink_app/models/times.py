"""Times as the tables store them: aware UTC."""

from __future__ import annotations

import datetime


def utc_now() -> datetime.datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.datetime.now(datetime.UTC)


def as_utc(moment: datetime.datetime) -> datetime.datetime:
    """A stored time as an aware UTC time (SQLite returns naive UTC times)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def utc_now_or(now: datetime.datetime | None) -> datetime.datetime:
    """``now`` as an aware UTC time (a naive time is taken to be UTC), or the current
    time when None: what the services do with the ``now`` a caller (a test) may pass."""
    return utc_now() if now is None else as_utc(now)
