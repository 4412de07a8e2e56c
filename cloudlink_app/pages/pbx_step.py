"""The PBX step (appliance path): type, address and port."""

from __future__ import annotations

from cloudlink_app.components.form_field import select_field
from cloudlink_app.components.system_address import address_and_port
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.components.wizard import wizard_page
from cloudlink_app.domain import forms, pbx, wizard_path
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.pbx_step import ADDRESS_MAX, PORT_MAX
from cloudlink_app.state.pbx_step import PbxStepState as S


def pbx_step():
    """The whole PBX page."""
    return wizard_page(
        S,
        wizard_path.PBX,
        N_("pbx.heading"),
        tx("pbx.intro"),
        select_field(
            S,
            forms.PBX_TYPE,
            tx("label.pbx_type"),
            S.pbx_type,
            S.set_pbx_type,
            [(key, tx_text(f"pbx_type.{key}")) for key, _ in pbx.pbx_type_options()],
        ),
        *address_and_port(
            S, forms.PBX_ADDRESS, forms.PBX_PORT, ADDRESS_MAX, PORT_MAX, port_hint=True
        ),
    )
