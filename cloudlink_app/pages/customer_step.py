"""The Customer step: details, email domains, admin and support contacts."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.wizard import cancel_dialog, group_error
from cloudlink_app.components.address_fields import address_fields
from cloudlink_app.components.form_field import (
    field_group,
    select_field,
    select_input,
    text_field,
    text_input,
)
from cloudlink_app.components.layout import numbered, page
from cloudlink_app.components.step_nav import step_nav
from cloudlink_app.domain import choices, forms, limits, wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.state.customer_step import CustomerStepState as S

MAX_LENGTH = S.MAX_LENGTH
ROWS = forms.ROW_KINDS

ERRORS = S.errors


def _text(field_id, label, value, on_change, **kwargs):
    return text_field(S, field_id, label, value, on_change, **kwargs)


def customer_details():
    """Name, address, business type and default language."""
    return rx.el.fieldset(
        rx.el.legend(t("customer.details"), class_name="legend"),
        _text(forms.CUSTOMER_NAME, t("label.customer_name"), S.customer_name,
              S.set_customer_name, max_length=MAX_LENGTH[forms.CUSTOMER_NAME],
              autocomplete="organization"),
        *address_fields(S),
        select_field(S, forms.BUSINESS_TYPE, t("label.business_type"), S.business_type,
                     S.set_business_type, choices.business_type_options("en"),
                     hint=t("hint.business_type")),
        select_field(S, forms.DEFAULT_LANGUAGE, t("label.default_language"),
                     S.default_language, S.set_default_language,
                     choices.language_options("en"), hint=t("hint.default_language")),
        class_name="fieldset",
    )


def _remove_button(key: str, n, on_click):
    # Visible "Remove"; the accessible name says which row: "Remove admin contact 2".
    return rx.el.button(
        t("button.remove"),
        aria_label=numbered(key, n),
        type="button",
        on_click=on_click,
        class_name="button button--secondary button--small",
    )


def email_domains():
    """Zero or more email domains."""

    def row(item, index):
        n = index + 1
        field_id = "email_domain-" + item.id.to_string()
        return rx.el.div(
            field_group(
                field_id, numbered("domains.label", n),
                text_input(field_id, item.value,
                           lambda v: S.set_email_domain(item.id, v), errors=ERRORS,
                           on_blur=S.leave_field(field_id),
                           max_length=ROWS[forms.EMAIL_DOMAINS].max_length["value"], spellcheck=False,
                           width="input--half"),
                errors=ERRORS,
            ),
            _remove_button("domains.remove", n, S.remove_email_domain(item.id)),
            class_name="row row--inline",
        )

    return rx.el.fieldset(
        rx.el.legend(t("domains.heading"), class_name="legend"),
        rx.el.p(t("domains.hint"), class_name="hint"),
        rx.foreach(S.email_domains, row),
        rx.el.button(t("domains.add"), type="button", on_click=S.add_email_domain,
                     class_name="button button--secondary"),
        class_name="fieldset",
    )


def admin_contacts():
    """At least one admin contact; as many as needed."""

    def row(item, index):
        n = index + 1
        fid = "admin-" + item.id.to_string()
        return rx.el.fieldset(
            rx.el.legend(numbered("admins.legend", n), class_name="legend legend--small"),
            _text(fid + "-first_name", numbered("admins.first_name", n), item.first_name,
                  lambda v: S.set_admin_first_name(item.id, v),
                  max_length=limits.NAME_MAX, autocomplete="off", width="input--half"),
            _text(fid + "-last_name", numbered("admins.last_name", n), item.last_name,
                  lambda v: S.set_admin_last_name(item.id, v),
                  max_length=limits.NAME_MAX, autocomplete="off", width="input--half"),
            _text(fid + "-email", numbered("admins.email", n), item.email,
                  lambda v: S.set_admin_email(item.id, v), max_length=limits.EMAIL_MAX,
                  input_type="email", autocomplete="off", spellcheck=False),
            rx.cond(
                S.admin_contacts.length() > 1,
                _remove_button("admins.remove", n, S.remove_admin_contact(item.id)),
            ),
            class_name="fieldset row",
        )

    return rx.el.fieldset(
        rx.el.legend(t("admins.heading"), class_name="legend"),
        rx.el.p(t("admins.hint"), class_name="hint"),
        group_error(S, forms.ADMIN_CONTACTS),
        rx.foreach(S.admin_contacts, row),
        rx.el.button(t("admins.add"), type="button", on_click=S.add_admin_contact,
                     class_name="button button--secondary"),
        id=forms.ADMIN_CONTACTS,
        tab_index=-1,
        class_name="fieldset",
    )


def support_contacts():
    """Support contacts with their roles; at least one Maintainer and Onsite Admin."""
    roles = [(role, t(f"role.{role}")) for role in forms.ROLES]

    def row(item, index):
        n = index + 1
        fid = "support-" + item.id.to_string()
        return rx.el.fieldset(
            rx.el.legend(numbered("support.legend", n), class_name="legend legend--small"),
            field_group(
                fid + "-role", numbered("support.role", n),
                select_input(fid + "-role", item.role,
                             lambda v: S.set_support_role(item.id, v), roles,
                             errors=ERRORS, on_blur=S.leave_field(fid + "-role")),
                errors=ERRORS,
            ),
            _text(fid + "-name", numbered("support.name", n), item.name,
                  lambda v: S.set_support_name(item.id, v),
                  max_length=limits.NAME_MAX, autocomplete="off", width="input--half"),
            _text(fid + "-email", numbered("support.email", n), item.email,
                  lambda v: S.set_support_email(item.id, v),
                  max_length=limits.EMAIL_MAX, input_type="email",
                  autocomplete="off", spellcheck=False),
            _remove_button("support.remove", n, S.remove_support_contact(item.id)),
            class_name="fieldset row",
        )

    return rx.el.fieldset(
        rx.el.legend(t("support.heading"), class_name="legend"),
        rx.el.p(t("support.hint"), class_name="hint"),
        group_error(S, forms.SUPPORT_MISSING_MAINTAINER),
        group_error(S, forms.SUPPORT_MISSING_ONSITE_ADMIN),
        rx.foreach(S.support_contacts, row),
        rx.el.button(t("support.add"), type="button", on_click=S.add_support_contact,
                     class_name="button button--secondary"),
        id=forms.SUPPORT_CONTACTS,
        tab_index=-1,
        class_name="fieldset",
    )


def buttons():
    """Next, Save and return (partners only) and Cancel."""
    return rx.el.div(
        rx.el.button(t("button.next"), type="submit", class_name="button"),
        rx.cond(
            S.is_partner,
            rx.el.button(t("button.save_and_return"), type="button",
                         on_click=S.save_and_return, class_name="button button--secondary"),
        ),
        rx.el.button(t("button.cancel"), type="button", on_click=S.cancel,
                     class_name="button button--link"),
        class_name="button-group",
    )


def customer_step():
    """The whole Customer step page."""
    return page(
        rx.cond(S.sync_path, step_nav(wizard_path.CUSTOMER, wizard_path.SMBC),
                step_nav(wizard_path.CUSTOMER)),
        error_summary(S.error_summary),
        rx.el.h1(t("customer.heading"), class_name="heading-xl"),
        rx.cond(
            S.saved_account_id != "",
            rx.el.dl(
                rx.el.dt(t("customer.account_id")),
                rx.el.dd(S.saved_account_id, class_name="account-id"),
                class_name="summary-list",
            ),
        ),
        rx.el.p(t("customer.intro"), class_name="body"),
        rx.el.form(
            customer_details(),
            email_domains(),
            admin_contacts(),
            support_contacts(),
            buttons(),
            on_submit=S.next_step,
            prevent_default=True,
            no_validate=True,
        ),
        cancel_dialog(S),
    )
