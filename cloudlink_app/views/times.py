"""Stored times as the pages show them: in the server's local time zone."""

from __future__ import annotations

import datetime

_MINUTES = "%d %b %Y %H:%M"  # 27 Nov 2026 14:02
_SECONDS = _MINUTES + ":%S"  # 27 Nov 2026 14:02:09


def local_time(moment: datetime.datetime) -> datetime.datetime:
    """A stored time in the server's local time zone."""
    if moment.tzinfo is None:  # SQLite returns naive datetimes, stored in UTC
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone()


def format_time(moment: datetime.datetime, *, seconds: bool = False, zone: bool = False) -> str:
    """A stored time as a page shows it: "27 Nov 2026 14:02", or with ``seconds``
    "27 Nov 2026 14:02:09" (a connection check's time); ``zone`` adds the time zone's
    name ("27 Nov 2026 14:02 UTC")."""
    shown = local_time(moment)
    text = shown.strftime(_SECONDS if seconds else _MINUTES)
    return f"{text} {shown.strftime('%Z')}" if zone else text
