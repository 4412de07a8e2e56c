"""What a page says of a message a mail limit holds (services/mail_limits.py): which
limit, and when it goes ("Invitation waiting: the daily limit for this customer is
reached. It will be sent at 8 Dec 2026 01:00 CET.")."""

from __future__ import annotations

import datetime

from cloudlink_app.domain import limits
from cloudlink_app.domain.i18n import Text, t
from cloudlink_app.domain.times import When


def waiting(reason: str, until: datetime.datetime) -> Text:
    """The text of a message held by the limit ``reason`` until ``until``."""
    if reason not in limits.MAIL_LIMIT_NAMES:
        reason = limits.PARTNER_MAIL.name  # a name of a release that had others
    return Text(
        f"mail_limit.{reason}",
        {"when": When(until, zone=True), "count": limits.REPORT_RECIPIENTS},
    )


def waiting_words(reason: str, until: datetime.datetime, lang: str) -> str:
    """``waiting`` worded in ``lang``."""
    text = waiting(reason, until)
    return t(text.key, lang, **text.params)
