"""The PBX step (appliance path): type, address and port."""

from __future__ import annotations

from cloudlink_app.components.form_field import select_field, text_field
from cloudlink_app.components.wizard import wizard_page
from cloudlink_app.domain import forms, pbx, wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.state.pbx_step import ADDRESS_MAX, PORT_MAX, PbxStepState as S


def pbx_step():
    """The whole PBX page."""
    return wizard_page(
        S, wizard_path.PBX, "pbx.heading", t("pbx.intro"),
        select_field(S, forms.PBX_TYPE, t("label.pbx_type"), S.pbx_type, S.set_pbx_type,
                     pbx.pbx_type_options("en")),
        text_field(S, forms.PBX_ADDRESS, t("label.pbx_address"), S.pbx_address,
                   S.set_pbx_address, max_length=ADDRESS_MAX, hint=t("hint.pbx_address"),
                   spellcheck=False, width="input--half"),
        text_field(S, forms.PBX_PORT, t("label.port"), S.pbx_port, S.set_pbx_port,
                   max_length=PORT_MAX, hint=t("hint.port"), input_type="text",
                   width="input--quarter", spellcheck=False),
    )
