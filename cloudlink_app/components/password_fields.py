"""The password form of the Set password and Change password pages.

Uncontrolled inputs (no value sent to or kept in the state): the typed passwords leave
the browser only with the form's submit event. Each field is a form_field.field_group:
label, hint, error message and ``aria-describedby`` as on every other page.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app.components.form_field import field_group
from cloudlink_app.components.text import tx
from cloudlink_app.domain import passwords
from cloudlink_app.domain.i18n import N_

LABELS = {
    passwords.CURRENT_PASSWORD: N_("password.current"),
    passwords.NEW_PASSWORD: N_("password.new"),
    passwords.CONFIRM_PASSWORD: N_("password.confirm"),
}
AUTOCOMPLETE = {
    passwords.CURRENT_PASSWORD: "current-password",
    passwords.NEW_PASSWORD: "new-password",
    passwords.CONFIRM_PASSWORD: "new-password",
}


def password_field(field_id: str, errors: Var):
    """A labelled password input; the new password's field has the policy as its hint."""
    has_error = errors.contains(field_id)
    hint = (
        tx("password.hint", min=passwords.PASSWORD_MIN)
        if field_id == passwords.NEW_PASSWORD
        else None
    )
    error_id = f"{field_id}-error"
    if hint is not None:
        described_by = rx.cond(has_error, f"{field_id}-hint {error_id}", f"{field_id}-hint")
    else:
        described_by = rx.cond(has_error, error_id, "")
    return field_group(
        field_id,
        tx(LABELS[field_id]),
        rx.el.input(
            id=field_id,
            name=field_id,
            type="password",
            auto_complete=AUTOCOMPLETE[field_id],
            spell_check=False,
            max_length=passwords.PASSWORD_MAX,
            aria_invalid=rx.cond(has_error, "true", "false"),
            aria_describedby=described_by,
            class_name="input input--half",
        ),
        errors=errors,
        hint=hint,
    )


def password_form(fields: tuple[str, ...], errors: Var, button_key: str, on_submit):
    """The form: a password field per id of ``fields``, in order, and its button. Its
    values leave the browser only with the submit event, and the form is emptied then."""
    return rx.el.form(
        *(password_field(field_id, errors) for field_id in fields),
        rx.el.button(tx(button_key), type="submit", class_name="button"),
        on_submit=on_submit,
        reset_on_submit=True,
        no_validate=True,
    )
