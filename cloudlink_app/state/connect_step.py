"""State of the Connect step (appliance path): a real check of the PBX connection."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app.domain import checks, forms, wizard_path
from cloudlink_app.domain.i18n import N_, Text, render
from cloudlink_app.services import wizard
from cloudlink_app.state.connection_check import ConnectionCheckMixin
from cloudlink_app.state.session import SessionState
from cloudlink_app.views.connection import check_result


class ConnectStepState(ConnectionCheckMixin, SessionState):
    """The Connect step of one customer."""

    STEP: ClassVar[str] = wizard_path.CONNECT
    TITLE_KEY: ClassVar[str] = N_("title.connect_step")

    # The stored PBX address and port (the PBX step's), as "host:port".
    target: str = ""
    # What the last check found (``result_text`` words it in the UI language).
    _result: Text | None = None
    connected: bool = False
    skipped: bool = False
    _address: str = ""
    _port: str = ""

    @rx.var
    def result_text(self) -> str:
        """What the last check found, in the UI language ("" when none was made)."""
        return render(self._result, self._page_lang)

    def _show(self, record: wizard.WizardRecord) -> None:
        self._address = record.pbx.pbx_address
        self._port = record.pbx.pbx_port
        self.target = checks.target_of(self._address, self._port)
        self._result = check_result(record)
        self.connected = checks.is_connected(
            record.connection_result, record.connection_target, self.target
        )
        self.skipped = record.connection_skipped

    def _validate(self) -> dict[str, Text]:
        if self.connected:
            return {}
        return {forms.CONNECTION: Text("connection.required")}

    def _store(self, session, user, complete):
        if not complete:  # nothing is typed on this step
            return wizard.load_wizard(session, user.scope, self.loaded)
        return wizard.complete_connect(
            session,
            scope=user.scope,
            account_id=self.loaded,
            expected_version=self.saved_version,
            skipped=False,
            saved_by=user.id,
        )

    def _check_target(self, user):
        return self._address, self._port

    def _show_check(self, record: wizard.WizardRecord) -> None:
        self._show(record)

    @rx.event
    def continue_without_connection(self):
        """Go on without a working connection; the dashboard shows it as a problem."""
        user, stop = self._acting_user()
        if user is None:
            return stop
        record, stop = self._apply(user, wizard.complete_connect, skipped=not self.connected)
        if record is None:
            return stop
        return self._go(wizard_path.REVIEW)
