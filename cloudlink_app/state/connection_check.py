"""The connection check shared by the Connect and Sync steps.

A server that connects where a user says is a network scanner for its users: only
partner users may ask, at most RATE_LIMIT checks a minute each, and the target policy
(services.connection) refuses link-local and metadata addresses always, and loopback
and private networks unless configuration or demo mode allows them.
"""

from __future__ import annotations

import datetime

from cloudlink_app.domain import pbx
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import connection, users, wizard
from cloudlink_app.services.database import get_session


def refusal(session, user: users.CurrentUser) -> str | None:
    """The notice key when this user may not check a connection now, else None."""
    if not user.is_partner:
        return "notice.partners_only_check"
    count, seconds = connection.RATE_LIMIT
    if wizard.checks_in_last(session, user.id, seconds) >= count:
        return "notice.too_many_checks"
    return None


async def run_check(user: users.CurrentUser, account_id: str, address: str,
                    port: str) -> wizard.WizardRecord:
    """Check the connection for real and store the result with the customer."""
    host = pbx.normalize_host(address)
    number = pbx.parse_port(port)
    result = await connection.check_connection(
        host, number, allow_private=connection.allow_private_targets()
    )
    with get_session() as session:
        return wizard.record_check(
            session, partner_id=user.partner_id, account_id=account_id, user_id=user.id,
            target=wizard.target_of(host, str(number)), result=result,
        )


def result_text(record: wizard.WizardRecord, lang: str) -> str:
    """What the last check found, with its time, or "" when there was none."""
    if not record.connection_result or record.connection_checked_at is None:
        return ""
    when = local_time(record.connection_checked_at).strftime("%d %b %Y %H:%M:%S")
    return t(f"check.result.{record.connection_result}", lang,
             target=record.connection_target, time=when)


def local_time(moment: datetime.datetime) -> datetime.datetime:
    """A stored time in the server's local time zone."""
    if moment.tzinfo is None:  # SQLite returns naive datetimes, stored in UTC
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone()
