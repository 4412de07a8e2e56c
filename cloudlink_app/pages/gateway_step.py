"""The Gateway step: the customer site, its address and the gateway."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.address_fields import address_fields
from cloudlink_app.components.form_field import (
    code_field,
    control_props,
    select_field,
    text_field,
)
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.components.wizard import wizard_page
from cloudlink_app.domain import forms, gateway, wizard_path
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.gateway_step import GatewayStepState as S

MAX_LENGTH = S.MAX_LENGTH


def _same_address():
    return rx.el.div(
        rx.el.input(
            type="checkbox",
            checked=S.site_same_address,
            on_change=S.set_site_same_address,
            class_name="checkbox",
            **control_props(
                forms.SITE_SAME_ADDRESS,
                errors=S.errors,
                on_blur=S.leave_field(forms.SITE_SAME_ADDRESS),
            ),
        ),
        rx.el.label(
            tx("gateway.same_address"),
            html_for=forms.SITE_SAME_ADDRESS,
            class_name="checkbox-label",
        ),
        class_name="form-group checkbox-group",
    )


def _gateway_id_field(field_id: str):
    # The MAC address or the system ID: its label and hint are named after its id.
    return code_field(
        S,
        field_id,
        tx(f"label.{field_id}"),
        MAX_LENGTH[field_id],
        hint=tx(f"hint.{field_id}"),
        width="input--half",
    )


def gateway_step():
    """The whole Gateway page."""
    return wizard_page(
        S,
        wizard_path.GATEWAY,
        N_("gateway.heading"),
        tx("gateway.intro"),
        rx.el.fieldset(
            rx.el.legend(tx("gateway.site"), class_name="legend"),
            text_field(
                S,
                forms.SITE_NAME,
                tx("label.site_name"),
                S.site_name,
                S.set_site_name,
                max_length=MAX_LENGTH[forms.SITE_NAME],
            ),
            _same_address(),
            rx.cond(
                ~S.site_same_address,
                rx.el.fieldset(
                    rx.el.legend(tx("gateway.site_address"), class_name="legend legend--small"),
                    *address_fields(S, forms.SITE_PREFIX),
                    class_name="fieldset row",
                ),
            ),
            class_name="fieldset",
        ),
        rx.el.fieldset(
            rx.el.legend(tx("gateway.deployment"), class_name="legend"),
            select_field(
                S,
                forms.DEPLOYMENT_TYPE,
                tx("label.deployment_type"),
                S.deployment_type,
                S.set_deployment_type,
                [
                    (key, tx_text(f"deployment_type.{key}"))
                    for key, _ in gateway.deployment_type_options()
                ],
                hint=tx("hint.deployment_type"),
            ),
            rx.cond(
                S.appliance,
                _gateway_id_field(forms.MAC_ADDRESS),
                rx.cond(S.deployment_type != "", _gateway_id_field(forms.SYSTEM_ID)),
            ),
            class_name="fieldset",
        ),
    )
