"""State of the PBX step (appliance path): PBX type, address and port."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app.domain import forms, pbx, wizard_path
from cloudlink_app.domain.i18n import N_, Text
from cloudlink_app.services import wizard
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.wizard_step import WizardStepMixin

_PBX_TYPES = frozenset(key for key, _ in pbx.PBX_TYPES)
ADDRESS_MAX = pbx.HOST_MAX
PORT_MAX = pbx.PORT_TYPED_MAX


class PbxStepState(WizardStepMixin, SessionState):
    """The PBX step of one customer."""

    STEP: ClassVar[str] = wizard_path.PBX
    TITLE_KEY: ClassVar[str] = N_("title.pbx_step")
    MAX_LENGTH: ClassVar[dict[str, int]] = {
        forms.PBX_ADDRESS: ADDRESS_MAX,
        forms.PBX_PORT: PORT_MAX,
    }

    pbx_type: str = ""
    pbx_address: str = ""
    pbx_port: str = ""

    def _form(self) -> forms.PbxForm:
        return forms.PbxForm(self.pbx_type, self.pbx_address, self.pbx_port)

    def _show(self, record: wizard.WizardRecord) -> None:
        self.pbx_type = record.pbx.pbx_type
        self.pbx_address = record.pbx.pbx_address
        self.pbx_port = record.pbx.pbx_port

    def _field_ids(self) -> set[str]:
        return {forms.PBX_TYPE, forms.PBX_ADDRESS, forms.PBX_PORT}

    def _validate(self) -> dict[str, Text]:
        return pbx.validate_pbx(self._form())

    def _validate_draft(self) -> dict[str, Text]:
        return pbx.validate_pbx_draft(self._form())

    def _store(self, session, user, complete):
        return self._save_form(wizard.save_pbx, session, user, complete)

    def _after_store(self, record: wizard.WizardRecord) -> None:
        self._show(record)

    @rx.event
    def set_pbx_type(self, value: str):
        """PBX type chosen; an empty port takes the type's usual one."""
        if self._choice_ok(value, _PBX_TYPES):
            self.pbx_type = value
            if value and not self.pbx_port.strip():
                self.pbx_port = str(pbx.DEFAULT_PORTS[value])
            self._changed(forms.PBX_TYPE)

    @rx.event
    def set_pbx_address(self, value: str):
        """PBX address typed."""
        self._set_text(forms.PBX_ADDRESS, value)

    @rx.event
    def set_pbx_port(self, value: str):
        """Port typed."""
        self._set_text(forms.PBX_PORT, value)
