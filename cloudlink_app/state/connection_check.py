"""The "Check connection" button shared by the Connect and Sync steps.

Who may check, the rate limit and the check itself are services.connection_checks';
this mixin runs them in a background event while the page shows its progress.
"""

from __future__ import annotations

import reflex as rx

from cloudlink_app.services import connection_checks, users, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state.wizard_step import WizardStepMixin


class ConnectionCheckMixin(WizardStepMixin, mixin=True):
    """ "Check connection" for a wizard step: the step base (WizardStepMixin) checks the
    caller and the customer, the service the permission and the rate limit, then the
    real check runs in the background. Each step supplies the hooks below."""

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
        """Check connection: a real TCP connection from the server, in the background.

        The check is reserved (services.connection_checks.reserve: permission, one at a
        time per user, the rate limit, the process's cap) before "Checking" shows."""
        async with self:
            if self.checking:
                return None
            user, stop = self._acting_user()
            if user is None:
                return stop
            if not self._check_ready():
                return None
            # Asked before the target, which the Sync step stores first; asked again
            # by reserve() under the user's lock.
            with get_session() as session:
                refused = connection_checks.refusal(session, user, self.loaded)
            if refused:
                self._refuse(refused, limit=connection_checks.RATE_LIMIT[0])
                return None
            target = self._check_target(user)
            if target is None:
                return None
            reserved = connection_checks.reserve(user, self.loaded, *target)
            if isinstance(reserved, str):
                self._refuse(reserved, limit=connection_checks.RATE_LIMIT[0])
                return None
            self._notice = None
            self.checking = True
        try:
            outcome = await connection_checks.run_check(reserved)
        finally:
            async with self:
                self.checking = False
        async with self:
            if isinstance(outcome, str):
                self._refuse(outcome)
                return None
            self.saved_version = outcome.version
            self._show_check(outcome)
            self._errors = {}
            self._summary = {}
        return None
