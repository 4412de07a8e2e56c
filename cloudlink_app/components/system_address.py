"""The address and port of a system to connect to: the PBX, or the SMBC/VA."""

from __future__ import annotations

from cloudlink_app.components.form_field import code_field
from cloudlink_app.domain.i18n import t


def address_and_port(
    state,
    address_field: str,
    port_field: str,
    address_max: int,
    port_max: int,
    *,
    port_hint: bool = False,
) -> list:
    """The address (label and hint named after its field id) and the port, with the
    port's hint when ``port_hint``; the state's vars are named after the field ids."""
    return [
        code_field(
            state,
            address_field,
            t(f"label.{address_field}"),
            address_max,
            hint=t(f"hint.{address_field}"),
            width="input--half",
        ),
        code_field(
            state,
            port_field,
            t("label.port"),
            port_max,
            hint=t("hint.port") if port_hint else None,
            width="input--quarter",
        ),
    ]
