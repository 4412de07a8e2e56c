"""The address and port of a system to connect to: the PBX, or the SMBC/VA."""

from __future__ import annotations

from cloudlink_app.components.form_field import code_field
from cloudlink_app.components.text import tx


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
            tx(f"label.{address_field}"),
            address_max,
            hint=tx(f"hint.{address_field}"),
            width="input--half",
        ),
        code_field(
            state,
            port_field,
            tx("label.port"),
            port_max,
            hint=tx("hint.port") if port_hint else None,
            width="input--quarter",
            input_mode="numeric",
        ),
    ]
