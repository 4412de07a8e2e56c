"""The postal address fields, driven by the chosen country's rules.

Used by the Customer step (no prefix) and the Gateway step's site address ("site_"):
the state must have the vars ``{prefix}country`` ... ``{prefix}postal_code``, their
``set_`` handlers, and ``{prefix}address_rules`` (views.address.AddressRules).

Every text follows the page's UI language in place (``tx``), the country names too:
the options of every UI language are compiled into the page as data and the select
shows the list of the current language, so a switch neither asks the server nor
changes the chosen country (the option values are the ISO codes in every language).
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app.components.form_field import select_field, text_field
from cloudlink_app.components.text import tx
from cloudlink_app.domain import choices, limits
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES
from cloudlink_app.state.session import SessionState


def _optional(required, label: Var, optional_label: Var) -> Var:
    # Both texts written out as tx() calls, so that extraction sees their keys.
    return rx.cond(required, label, optional_label)


def country_options() -> Var:
    """The countries as [code, name] lists in the page's current UI language, sorted in
    that language. One array literal per language in the page's JS (about 6 KB each),
    picked on SessionState.lang and mapped to options by one rx.foreach: lighter than
    one set of option elements per language (about twice the size), and a computed
    var would send the whole list again from the server on every switch."""

    def rows(lang: str) -> list[list[str]]:
        return [[code, name] for code, name in choices.country_options(lang)]

    others = [(lang, rows(lang)) for lang in UI_LANGUAGES if lang != DEFAULT_LANGUAGE]
    return rx.match(SessionState.lang, *others, rows(DEFAULT_LANGUAGE)).to(list[list[str]])


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
    city_label = _optional(rules.city_required, tx("label.city"), tx("label.city_optional"))
    state_label = _optional(
        rules.state_required, tx("label.state_province"), tx("label.state_province_optional")
    )
    postal_code_label = _optional(
        rules.postal_code_required, tx("label.postal_code"), tx("label.postal_code_optional")
    )
    return [
        select("country", tx("label.country"), country_options()),
        text("street_address", tx("label.street_address"), limits.ADDRESS_MAX, "address-line1"),
        text("address_line2", tx("label.address_line2"), limits.ADDRESS_MAX, "address-line2"),
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
            # Postal codes with letters (1234 AB, SW1A 1AA) are written in capitals.
            autocapitalize="characters",
        ),
    ]
