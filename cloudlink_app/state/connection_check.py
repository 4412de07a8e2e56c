"""The connection check shared by the Connect and Sync steps.

A server that connects where a user says is a network scanner for its users: only
partner users may ask, at most RATE_LIMIT checks a minute each, and the target policy
(services.connection) refuses link-local and metadata addresses always, and loopback
and private networks unless configuration or demo mode allows them.
"""

from __future__ import annotations

import datetime

import reflex as rx

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


class ConnectionCheckMixin(rx.State, mixin=True):
    """"Check connection" for a wizard step (mixed in with WizardStepMixin): the
    caller, the customer and the rate limit are checked, then the real check runs in
    the background while the page shows its progress."""

    checking: bool = False

    def _check_ready(self) -> bool:
        """Whether what is to be checked is complete (else show why, return False)."""
        return True

    def _check_target(self, user: users.CurrentUser) -> tuple[str, str] | None:
        """The address and port to check, as typed or stored; None to stop."""
        raise NotImplementedError

    def _show_check(self, record: wizard.WizardRecord) -> None:
        """Show the stored result."""
        raise NotImplementedError

    @rx.event(background=True)
    async def check_connection(self):
        """Check connection: a real TCP connection from the server, in the background."""
        async with self:
            if self.checking:
                return None
            user = self._user()
            if user is None:
                return None
            blocked = self._blocked(user)
            if blocked:
                return blocked
            if not self._check_ready():
                return None
            with get_session() as session:
                refused = refusal(session, user)
            if refused:
                self._refuse(refused, limit=connection.RATE_LIMIT[0])
                return None
            target = self._check_target(user)
            if target is None:
                return None
            self.notice = ""
            self.checking = True
            account_id = self.loaded
        try:
            record = await run_check(user, account_id, *target)
        finally:
            async with self:
                self.checking = False
        async with self:
            self.saved_version = record.version
            self._show_check(record)
            self.errors = {}
            self.error_summary = []
        return None
