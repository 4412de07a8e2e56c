"""Stored times as the pages and mails show them: in the server's local time zone,
worded in the UI language (Babel's month names: "27 Nov 2026 14:02", in Dutch "27 nov
2026 14:02"). Views format with it; services put a When in a mail's text."""

from __future__ import annotations

import dataclasses
import datetime

from babel.dates import format_datetime

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE

_MINUTES = "dd MMM yyyy HH:mm"  # 27 Nov 2026 14:02
_SECONDS = _MINUTES + ":ss"  # 27 Nov 2026 14:02:09

# The Babel locale of each UI language. English is plain "en" (not en_GB, whose
# "Sept" would change the "Sep" every page and test has shown so far).
_LOCALES = {"en": "en", "nl": "nl_NL"}


def local_time(moment: datetime.datetime) -> datetime.datetime:
    """A stored time in the server's local time zone."""
    if moment.tzinfo is None:  # SQLite returns naive datetimes, stored in UTC
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone()


def format_time(
    moment: datetime.datetime,
    lang: str = DEFAULT_LANGUAGE,
    *,
    seconds: bool = False,
    zone: bool = False,
) -> str:
    """A stored time as a page in ``lang`` shows it: "27 Nov 2026 14:02" (Dutch "27 nov
    2026 14:02"), or with ``seconds`` "27 Nov 2026 14:02:09" (a connection check's
    time); ``zone`` adds the time zone's abbreviation ("27 Nov 2026 14:02 UTC"), the
    same in every language."""
    shown = local_time(moment)
    locale = _LOCALES.get(lang, _LOCALES[DEFAULT_LANGUAGE])
    text = format_datetime(shown, _SECONDS if seconds else _MINUTES, locale=locale)
    # The zone's own abbreviation ("UTC", "CET"): Babel's "z" would show "+0100" for
    # the fixed-offset zone astimezone() gives, and English CLDR has no "CET".
    return f"{text} {shown.strftime('%Z')}" if zone else text


@dataclasses.dataclass(frozen=True)
class When:
    """A time kept in a Text's parameters (i18n.LocalParam): worded in the language the
    text is rendered in, so a language switch re-words it."""

    moment: datetime.datetime
    seconds: bool = False
    zone: bool = False

    def format(self, lang: str) -> str:
        return format_time(self.moment, lang, seconds=self.seconds, zone=self.zone)
