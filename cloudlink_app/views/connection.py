"""What the Connect and Sync steps (and Review) say about a connection check and a
synchronisation: as Texts (key and parameters) that states keep, worded when shown."""

from __future__ import annotations

from cloudlink_app.domain.i18n import Text, render
from cloudlink_app.domain.times import When, format_time
from cloudlink_app.services.wizard import WizardRecord


def check_result(record: WizardRecord) -> Text | None:
    """What the last check found, with its target and time, or None when there was none."""
    if not record.connection_result or record.connection_checked_at is None:
        return None
    return Text(
        f"check.result.{record.connection_result}",
        {
            "target": record.connection_target,
            "time": When(record.connection_checked_at, seconds=True),
        },
    )


def check_result_text(record: WizardRecord, lang: str) -> str:
    """``check_result`` worded in ``lang`` ("" when there was no check)."""
    return render(check_result(record), lang)


def sync_started_time(record: WizardRecord, lang: str) -> str:
    """When the synchronisation was started, in ``lang``, or "" when it was not."""
    if record.sync_started_at is None:
        return ""
    return format_time(record.sync_started_at, lang)


def sync_started(record: WizardRecord) -> Text | None:
    """ "Synchronisation started ..." with its time, or None when it was not started."""
    if record.sync_started_at is None:
        return None
    return Text("sync.started_at", {"time": When(record.sync_started_at)})


def sync_started_text(record: WizardRecord, lang: str) -> str:
    """``sync_started`` worded in ``lang`` ("" when it was not started)."""
    return render(sync_started(record), lang)
