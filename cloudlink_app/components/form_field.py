"""A labelled form control with its hint and error, as the GOV.UK pattern has it.

The control is described by its hint and, when there is one, its error message
(``aria-describedby``), and says ``aria-invalid`` while it has an error.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app.components.text import tx, tx_text

# Typing is sent to the server after this pause (and always when the field is left).
DEBOUNCE_MS = 250


def _described_by(field_id, has_error, hint: bool):
    hint_id = f"{field_id}-hint"
    error_id = f"{field_id}-error"
    if hint:
        return rx.cond(has_error, f"{hint_id} {error_id}", hint_id)
    return rx.cond(has_error, error_id, "")


def field_group(field_id, label, control, *, errors: Var, hint: Var | str | None = None):
    """Label, optional hint, error message (when there is one) and the control."""
    has_error = errors.contains(field_id)
    return rx.el.div(
        rx.el.label(label, html_for=field_id, class_name="label"),
        rx.el.p(hint, id=f"{field_id}-hint", class_name="hint")
        if hint is not None
        else rx.fragment(),
        rx.cond(
            has_error,
            rx.el.p(
                rx.el.span(tx("title.error_prefix"), class_name="visually-hidden"),
                errors[field_id].to(str),
                id=f"{field_id}-error",
                class_name="error-message",
            ),
        ),
        control,
        class_name=rx.cond(has_error, "form-group form-group--error", "form-group"),
    )


def control_props(field_id, *, errors: Var, on_blur, hint: bool = False) -> dict:
    """The id and ARIA properties every control of a field group carries."""
    has_error = errors.contains(field_id)
    return {
        "id": field_id,
        "aria_invalid": rx.cond(has_error, "true", "false"),
        "aria_describedby": _described_by(field_id, has_error, hint),
        "on_blur": on_blur,
    }


def text_input(
    field_id,
    value,
    on_change,
    *,
    errors: Var,
    on_blur,
    max_length: int,
    hint: bool = False,
    autocomplete: str | Var = "off",
    input_type: str = "text",
    width: str = "input--full",
    spellcheck: bool = True,
    input_mode: str | None = None,
    autocapitalize: str | None = None,
):
    """A text input that sends what is typed after a short pause. ``input_mode``
    ("url", "numeric", ...) and ``autocapitalize`` ("none", "characters") choose the
    keyboard a phone shows; ``autocomplete`` what the browser may fill in."""
    return rx.debounce_input(
        rx.el.input(
            value=value,
            on_change=on_change,
            type=input_type,
            max_length=max_length,
            auto_complete=autocomplete,
            spell_check=spellcheck,
            input_mode=input_mode,
            auto_capitalize=autocapitalize,
            class_name=f"input {width}",
            **control_props(field_id, errors=errors, on_blur=on_blur, hint=hint),
        ),
        debounce_timeout=DEBOUNCE_MS,
    )


def select_input(field_id, value, on_change, options, *, errors: Var, on_blur, hint: bool = False):
    """A native select (labelled, keyboard-friendly) with a "Choose" first option.

    ``options`` is a list of (value, label) pairs, or a Var of [value, label] lists.
    """
    if isinstance(options, Var):
        items = [rx.foreach(options, lambda o: rx.el.option(o[1], value=o[0]))]
    else:
        items = [rx.el.option(label, value=key) for key, label in options]
    return rx.el.select(
        rx.el.option(tx_text("choose"), value=""),
        *items,
        value=value,
        on_change=on_change,
        class_name="select",
        **control_props(field_id, errors=errors, on_blur=on_blur, hint=hint),
    )


def _state_field(state, control, field_id, label, value, on_change, *args, hint, **kwargs):
    # A field group whose control reports to a step's state: its errors, leave_field.
    return field_group(
        field_id,
        label,
        control(
            field_id,
            value,
            on_change,
            *args,
            errors=state.errors,
            on_blur=state.leave_field(field_id),
            hint=hint is not None,
            **kwargs,
        ),
        errors=state.errors,
        hint=hint,
    )


def text_field(
    state, field_id, label, value, on_change, *, hint: Var | str | None = None, **kwargs
):
    """A whole text field group of a step's state (its errors and leave_field)."""
    return _state_field(state, text_input, field_id, label, value, on_change, hint=hint, **kwargs)


def select_field(
    state, field_id, label, value, on_change, options, *, hint: Var | str | None = None
):
    """A whole select field group of a step's state."""
    return _state_field(state, select_input, field_id, label, value, on_change, options, hint=hint)


def code_field(
    state,
    field_id: str,
    label,
    max_length: int,
    *,
    hint: Var | str | None = None,
    width: str,
    input_mode: str | None = None,
):
    """A text field for a typed address, port or identifier (no spell check, no capital
    letter put in by a phone's keyboard) of a step's state whose var and ``set_``
    handler are named after the field id."""
    return text_field(
        state,
        field_id,
        label,
        getattr(state, field_id),
        getattr(state, "set_" + field_id),
        max_length=max_length,
        hint=hint,
        spellcheck=False,
        width=width,
        input_mode=input_mode,
        autocapitalize="none",
    )
