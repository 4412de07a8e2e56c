"""The "Customers" choice of the Team pages: two radio buttons, "All customers" and
"Selected customers"; with the latter, a search box and a checkbox per customer,
labelled by its name (state/customer_picker.py holds what is chosen)."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.form_field import DEBOUNCE_MS
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.domain import team
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.customer_picker import CUSTOMER_SEARCH_ID, CUSTOMER_SEARCH_MAX

FIELD_ID = team.MEMBER_CUSTOMERS
_CHOICES = (
    (team.ALL_CUSTOMERS, N_("team.all_customers")),
    (team.SELECTED_CUSTOMERS, N_("team.selected_customers")),
)


def _radio(state, value: str, label_key: str, first: bool):
    # The first radio carries the field's id: the error summary's link focuses it.
    element_id = FIELD_ID if first else f"{FIELD_ID}-{value}"
    return rx.el.div(
        rx.el.input(
            type="radio",
            id=element_id,
            name=FIELD_ID,
            value=value,
            checked=state.customers == value,
            on_change=lambda _checked: state.set_customers(value),
            class_name="checkbox",
        ),
        rx.el.label(tx(label_key), html_for=element_id, class_name="checkbox-label"),
        class_name="checkbox-group",
    )


def _option(state, option):
    return rx.el.li(
        rx.el.input(
            type="checkbox",
            id=option.id,
            checked=option.checked,
            on_change=lambda checked: state.toggle_customer(option.account_id, checked),
            class_name="checkbox",
        ),
        rx.el.label(option.name, html_for=option.id, class_name="checkbox-label"),
        class_name="checkbox-group picker__item",
    )


def _selection(state):
    return rx.el.div(
        rx.el.label(tx("team.picker.search"), html_for=CUSTOMER_SEARCH_ID, class_name="label"),
        rx.el.p(tx("team.picker.search_hint"), id="customer-search-hint", class_name="hint"),
        rx.debounce_input(
            rx.el.input(
                id=CUSTOMER_SEARCH_ID,
                type="search",
                value=state.customer_search,
                on_change=state.search_customers,
                max_length=CUSTOMER_SEARCH_MAX,
                aria_describedby="customer-search-hint",
                class_name="input input--half",
            ),
            debounce_timeout=DEBOUNCE_MS,
        ),
        # Announced as it changes: how many are selected.
        rx.el.p(state.selected_status, role="status", class_name="picker__status"),
        rx.cond(
            state.customer_options.length() > 0,
            rx.el.ul(
                rx.foreach(state.customer_options, lambda option: _option(state, option)),
                aria_label=tx_text("team.picker.list"),
                class_name="picker__list",
            ),
            rx.el.p(tx("team.picker.none_found")),
        ),
        class_name="picker",
    )


def customer_picker(state):
    """The "Customers" fieldset of ``state`` (a CustomerPickerMixin), with its error."""
    has_error = state.errors.contains(FIELD_ID)
    return rx.el.fieldset(
        rx.el.legend(tx("team.customers"), class_name="label"),
        rx.cond(
            has_error,
            rx.el.p(
                rx.el.span(tx("title.error_prefix"), class_name="visually-hidden"),
                state.errors[FIELD_ID].to(str),
                id=f"{FIELD_ID}-error",
                class_name="error-message",
            ),
        ),
        *[_radio(state, value, key, index == 0) for index, (value, key) in enumerate(_CHOICES)],
        rx.cond(state.customers == team.SELECTED_CUSTOMERS, _selection(state)),
        aria_describedby=rx.cond(has_error, f"{FIELD_ID}-error", ""),
        class_name=rx.cond(
            has_error, "fieldset form-group form-group--error", "fieldset form-group"
        ),
    )
