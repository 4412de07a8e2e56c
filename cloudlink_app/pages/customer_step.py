"""The Customer step: details, email domains, admin and support contacts."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.address_fields import address_fields
from cloudlink_app.components.button import action_button
from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.form_field import select_field, text_field
from cloudlink_app.components.layout import numbered, page
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.components.wizard import (
    cancel_dialog,
    group_error,
    step_buttons,
    step_indicator,
)
from cloudlink_app.domain import choices, forms, wizard_path
from cloudlink_app.state.customer_step import CustomerStepState as S

MAX_LENGTH = S.MAX_LENGTH
ROWS = forms.ROW_KINDS


def _text(field_id, label, value, on_change, **kwargs):
    return text_field(S, field_id, label, value, on_change, **kwargs)


def customer_details():
    """Name, address, business type and default language."""
    return rx.el.fieldset(
        rx.el.legend(tx("customer.details"), class_name="legend"),
        _text(
            forms.CUSTOMER_NAME,
            tx("label.customer_name"),
            S.customer_name,
            S.set_customer_name,
            max_length=MAX_LENGTH[forms.CUSTOMER_NAME],
            autocomplete="organization",
        ),
        *address_fields(S),
        select_field(
            S,
            forms.BUSINESS_TYPE,
            tx("label.business_type"),
            S.business_type,
            S.set_business_type,
            [(key, tx_text(f"business_type.{key}")) for key, _ in choices.business_type_options()],
            hint=tx("hint.business_type"),
        ),
        select_field(
            S,
            forms.DEFAULT_LANGUAGE,
            tx("label.default_language"),
            S.default_language,
            S.set_default_language,
            [(code, tx_text(f"language.{code}")) for code, _ in choices.language_options()],
            hint=tx("hint.default_language"),
        ),
        class_name="fieldset",
    )


def _remove_button(key: str, n, on_click):
    # Visible "Remove"; the accessible name says which row: "Remove admin contact 2".
    return action_button(
        tx("button.remove"),
        on_click,
        style="button--secondary button--small",
        aria_label=tx_text(key, n=n),
    )


def _row_list(key: str, rows, row, on_add, *group_errors, **props):
    """One list of rows (``key`` "domains", "admins" or "support"): heading, hint, the
    errors about the whole list, a row each, and the Add button."""
    return rx.el.fieldset(
        rx.el.legend(tx(f"{key}.heading"), class_name="legend"),
        rx.el.p(tx(f"{key}.hint"), class_name="hint"),
        *group_errors,
        rx.foreach(rows, row),
        action_button(tx(f"{key}.add"), on_add),
        class_name="fieldset",
        **props,
    )


def email_domains():
    """Zero or more email domains."""

    def row(item, index):
        n = index + 1
        field_id = "email_domain-" + item.id.to_string()
        return rx.el.div(
            _text(
                field_id,
                numbered("domains.label", n),
                item.value,
                lambda v: S.set_email_domain(item.id, v),
                max_length=ROWS[forms.EMAIL_DOMAINS].max_length["value"],
                spellcheck=False,
                # A domain is typed on a phone's URL keyboard (with "." and no capital).
                input_mode="url",
                autocapitalize="none",
                width="input--half",
            ),
            _remove_button("domains.remove", n, S.remove_email_domain(item.id)),
            class_name="row row--inline",
        )

    return _row_list("domains", S.email_domains, row, S.add_email_domain)


_ROLES = [(role, tx_text(f"role.{role}")) for role in forms.ROLES]
# What the browser may fill in, per part of a contact row (HTML autofill tokens).
_AUTOCOMPLETE = {
    ("admin", "first_name"): "given-name",
    ("admin", "last_name"): "family-name",
    ("admin", "email"): "email",
    ("support", "name"): "name",
    ("support", "email"): "email",
}


def _contact_row(kind: str, key: str, item, index, removable=None):
    """The fieldset of contact row ``index`` of forms.ROW_KINDS' list ``{kind}_contacts``:
    a field per part ("{kind}-{row id}-{part}", set by S.set_{kind}_{part}), labelled
    with the row's number from ``key`` ("Admin contact 2: First name"), and Remove
    (only while ``removable``, when given)."""
    n = index + 1
    fid = kind + "-" + item.id.to_string()

    def field(part: str, max_length: int):
        field_id = fid + f"-{part}"
        label = numbered(f"{key}.{part}", n)
        value = getattr(item, part)
        set_part = getattr(S, f"set_{kind}_{part}")

        def on_change(v):
            return set_part(item.id, v)

        if part == "role":
            return select_field(S, field_id, label, value, on_change, _ROLES)
        # An email address is typed as such (a phone shows its @ keyboard) and not
        # spell-checked; a name is shorter. Each row is an autofill section of its own,
        # so filling one contact's name never fills the others' (or the customer's).
        props: dict = {"autocomplete": "section-" + fid + " " + _AUTOCOMPLETE[kind, part]}
        if part == "email":
            props |= {"input_type": "email", "spellcheck": False, "autocapitalize": "none"}
        else:
            props |= {"width": "input--half", "autocapitalize": "words"}
        return _text(field_id, label, value, on_change, max_length=max_length, **props)

    remove = _remove_button(f"{key}.remove", n, getattr(S, f"remove_{kind}_contact")(item.id))
    return rx.el.fieldset(
        rx.el.legend(numbered(f"{key}.legend", n), class_name="legend legend--small"),
        *[field(part, most) for part, most in ROWS[f"{kind}_contacts"].max_length.items()],
        remove if removable is None else rx.cond(removable, remove),
        class_name="fieldset row",
    )


def _contacts(kind: str, key: str, *group_errors, removable=None):
    """The list ``{kind}_contacts`` of forms.ROW_KINDS (also the fieldset's id, which
    the error summary links to), its rows made by _contact_row."""
    name = f"{kind}_contacts"
    return _row_list(
        key,
        getattr(S, name),
        lambda item, index: _contact_row(kind, key, item, index, removable),
        getattr(S, f"add_{kind}_contact"),
        *group_errors,
        id=name,
        tab_index=-1,
    )


def admin_contacts():
    """At least one admin contact; as many as needed."""
    return _contacts(
        "admin",
        "admins",
        group_error(S, forms.ADMIN_CONTACTS),
        removable=S.admin_contacts.length() > 1,
    )


def support_contacts():
    """Support contacts with their roles; at least one Maintainer and Onsite Admin."""
    return _contacts(
        "support",
        "support",
        group_error(S, forms.SUPPORT_MISSING_MAINTAINER),
        group_error(S, forms.SUPPORT_MISSING_ONSITE_ADMIN),
    )


def customer_step():
    """The whole Customer step page."""
    return page(
        step_indicator(S, wizard_path.CUSTOMER),
        error_summary(S.error_summary),
        rx.el.h1(tx("customer.heading"), class_name="heading-xl"),
        rx.cond(
            S.saved_account_id != "",
            rx.el.dl(
                rx.el.dt(tx("customer.account_id")),
                rx.el.dd(S.saved_account_id, class_name="account-id"),
                class_name="summary-list",
            ),
        ),
        rx.el.p(tx("customer.intro"), class_name="body"),
        rx.el.form(
            customer_details(),
            email_domains(),
            admin_contacts(),
            support_contacts(),
            # The first step: nothing to go back to.
            step_buttons(S, back=False),
            on_submit=S.next_step,
            prevent_default=True,
            no_validate=True,
        ),
        cancel_dialog(S),
    )
