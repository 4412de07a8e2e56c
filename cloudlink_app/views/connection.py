"""What the Connect and Sync steps (and Review) say about a connection check and a
synchronisation."""

from __future__ import annotations

from cloudlink_app.domain.i18n import t
from cloudlink_app.services.wizard import WizardRecord
from cloudlink_app.views.times import format_time


def check_result_text(record: WizardRecord, lang: str) -> str:
    """What the last check found, with its target and time, or "" when there was none."""
    if not record.connection_result or record.connection_checked_at is None:
        return ""
    return t(
        f"check.result.{record.connection_result}",
        lang,
        target=record.connection_target,
        time=format_time(record.connection_checked_at, seconds=True),
    )


def sync_started_time(record: WizardRecord) -> str:
    """When the synchronisation was started, or "" when it was not."""
    if record.sync_started_at is None:
        return ""
    return format_time(record.sync_started_at)


def sync_started_text(record: WizardRecord, lang: str) -> str:
    """ "Synchronisation started ..." with its time, or "" when it was not started."""
    started = sync_started_time(record)
    return t("sync.started_at", lang, time=started) if started else ""
