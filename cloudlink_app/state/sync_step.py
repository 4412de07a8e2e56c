"""State of the Sync step (SMBC/VA path): the system's address and port, a real
connection check, then the start of the synchronisation."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app.domain import checks, forms, pbx, wizard_path
from cloudlink_app.domain.i18n import N_, Text, render
from cloudlink_app.services import wizard
from cloudlink_app.state.connection_check import ConnectionCheckMixin
from cloudlink_app.state.session import SessionState
from cloudlink_app.views.connection import check_result, sync_started

ADDRESS_MAX = pbx.HOST_MAX
PORT_MAX = pbx.PORT_TYPED_MAX


class SyncStepState(ConnectionCheckMixin, SessionState):
    """The Sync step of one customer."""

    STEP: ClassVar[str] = wizard_path.SYNC
    TITLE_KEY: ClassVar[str] = N_("title.sync_step")
    MAX_LENGTH: ClassVar[dict[str, int]] = {
        forms.SYNC_ADDRESS: ADDRESS_MAX,
        forms.SYNC_PORT: PORT_MAX,
    }

    sync_address: str = ""
    sync_port: str = ""
    # What the last check found and when the synchronisation started, worded in the
    # UI language by ``result_text`` and ``started_text``.
    _result: Text | None = None
    _started_text: Text | None = None
    # The last check: what it found and the "host:port" it was about.
    _check_result: str = ""
    _checked_target: str = ""
    _started: bool = False

    @rx.var(cache=True)
    def connected(self) -> bool:
        """Whether the last check reached what is typed now."""
        return checks.is_connected(
            self._check_result,
            self._checked_target,
            checks.target_of(self.sync_address, self.sync_port),
        )

    @rx.var
    def result_text(self) -> str:
        """What the last check found, in the UI language ("" when none was made)."""
        return render(self._result, self._page_lang)

    @rx.var
    def started_text(self) -> str:
        """When the synchronisation started, in the UI language ("" when it did not)."""
        return render(self._started_text, self._page_lang)

    def _form(self) -> forms.SyncForm:
        return forms.SyncForm(self.sync_address, self.sync_port)

    def _show(self, record: wizard.WizardRecord) -> None:
        self.sync_address = record.sync.sync_address
        self.sync_port = record.sync.sync_port
        self._show_check(record)

    def _show_check(self, record: wizard.WizardRecord) -> None:
        self._check_result = record.connection_result
        self._checked_target = record.connection_target
        self._started = record.sync_started_at is not None
        self._result = check_result(record)
        self._started_text = sync_started(record)

    def _field_ids(self) -> set[str]:
        return {forms.SYNC_ADDRESS, forms.SYNC_PORT}

    def _validate(self) -> dict[str, Text]:
        errors = pbx.validate_sync(self._form())
        if not errors and not (self.connected and self._started):
            done_first = Text("sync.required") if self.connected else None
            errors[forms.SYNCHRONISATION] = done_first or Text("connection.required_sync")
        return errors

    def _validate_draft(self) -> dict[str, Text]:
        return pbx.validate_sync_draft(self._form())

    def _store(self, session, user, complete):
        return self._save_form(wizard.save_sync, session, user, complete)

    def _after_store(self, record: wizard.WizardRecord) -> None:
        self._show_check(record)

    @rx.event
    def set_sync_address(self, value: str):
        """System address typed."""
        self._set_text(forms.SYNC_ADDRESS, value)

    @rx.event
    def set_sync_port(self, value: str):
        """Port typed."""
        self._set_text(forms.SYNC_PORT, value)

    def _check_ready(self) -> bool:
        errors = pbx.validate_sync(self._form())
        if errors:
            self._show_errors(errors)
        return not errors

    def _check_target(self, user):
        # What is checked is stored first, so the result belongs to it.
        if self._store_as(user, complete=False):
            return None
        return self.sync_address, self.sync_port

    @rx.event
    def start_synchronisation(self):
        """Start synchronisation: recorded with its time, after a successful check."""
        user, stop = self._acting_user()
        if user is None:
            return stop
        if not self.connected:
            return self._show_errors({forms.SYNCHRONISATION: Text("connection.required_sync")})
        record, stop = self._apply(user, wizard.start_sync)
        if record is None:
            return stop
        self._show_check(record)
        self._errors = {}
        self._summary = {}
        return None
