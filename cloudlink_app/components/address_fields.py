"""The postal address fields, driven by the chosen country's rules.

Used by the Customer step (no prefix) and the Gateway step's site address ("site_"):
the state must have the vars ``{prefix}country`` ... ``{prefix}postal_code``, their
``set_`` handlers, and ``{prefix}address_rules`` (state.wizard_step.AddressRules).
"""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.form_field import select_field, text_field
from cloudlink_app.domain import choices, limits
from cloudlink_app.domain.i18n import t


def _optional(required, key: str):
    return rx.cond(required, t(f"label.{key}"), t(f"label.{key}_optional"))


def address_fields(state, prefix: str = "") -> list:
    """Country (first: it decides the rules), street, line 2, city, state, postal code."""

    def var(name):
        return getattr(state, prefix + name)

    def setter(name):
        return getattr(state, "set_" + prefix + name)

    def text(name, label, max_length: int, autocomplete: str, width="input--full", **kwargs):
        return text_field(
            state,
            prefix + name,
            label,
            var(name),
            setter(name),
            max_length=max_length,
            autocomplete=autocomplete,
            width=width,
            **kwargs,
        )

    def select(name, label, options):
        return select_field(state, prefix + name, label, var(name), setter(name), options)

    rules = var("address_rules")
    city_label = _optional(rules.city_required, "city")
    state_label = _optional(rules.state_required, "state_province")
    postal_code_label = _optional(rules.postal_code_required, "postal_code")
    return [
        select("country", t("label.country"), choices.countries()),
        text("street_address", t("label.street_address"), limits.ADDRESS_MAX, "address-line1"),
        text("address_line2", t("label.address_line2"), limits.ADDRESS_MAX, "address-line2"),
        text("city", city_label, limits.CITY_MAX, "address-level2", "input--half"),
        rx.cond(
            rules.state_options.length() > 0,
            select("state_province", state_label, rules.state_options),
            text("state_province", state_label, limits.STATE_MAX, "address-level1", "input--half"),
        ),
        text(
            "postal_code",
            postal_code_label,
            limits.POSTAL_CODE_MAX,
            "postal-code",
            "input--quarter",
            spellcheck=False,
        ),
    ]
