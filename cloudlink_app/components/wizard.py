"""The frame of a wizard step: step indicator, error summary, heading, buttons and the
Cancel question, for any step state with the WizardStepMixin's handlers."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app.components.button import action_button
from cloudlink_app.components.dialog import confirm_dialog, safe_answer
from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.layout import page
from cloudlink_app.components.step_nav import step_nav
from cloudlink_app.components.text import tx
from cloudlink_app.domain import wizard_path


def cancel_dialog(state):
    """Asked when Cancel would drop unsaved changes."""
    return confirm_dialog(
        "cancel-question",
        tx("cancel.title"),
        tx("cancel.body"),
        rx.el.div(
            # The safe answer, focused when the dialog opens.
            safe_answer(action_button(tx("cancel.keep"), state.keep_editing, style="")),
            action_button(tx("cancel.confirm"), state.discard_changes, style="button--warning"),
            class_name="button-group",
        ),
        open=state.confirm_cancel_open,
        on_open_change=state.cancel_dialog_changed,
    )


def step_buttons(state, next_label: Var | None = None, *, back: bool = True):
    """Next (submits the form), Back (not on the first step: ``back=False``), Save and
    return (partners only) and Cancel."""
    return rx.el.div(
        rx.el.button(
            tx("button.next") if next_label is None else next_label,
            type="submit",
            class_name="button",
        ),
        *([action_button(tx("button.back"), state.go_back)] if back else []),
        rx.cond(
            state.is_partner, action_button(tx("button.save_and_return"), state.save_and_return)
        ),
        action_button(tx("button.cancel"), state.cancel, style="button--link"),
        class_name="button-group",
    )


def step_indicator(state, step: str):
    """The step indicator of ``step`` on the customer's path (the SMBC/VA path's or the
    appliance's)."""
    return rx.cond(state.sync_path, step_nav(step, wizard_path.SMBC), step_nav(step))


def wizard_page(
    state,
    step: str,
    heading_key: str,
    intro,
    *fields,
    after_form=(),
    next_label: Var | None = None,
    on_submit=None,
):
    """A later step: its fields in a form whose submit is Next (or ``on_submit``)."""
    return page(
        step_indicator(state, step),
        error_summary(state.error_summary),
        rx.el.p(state.customer_name, class_name="caption"),
        rx.el.h1(tx(heading_key), class_name="heading-xl"),
        rx.el.p(intro, class_name="body"),
        rx.el.form(
            *fields,
            step_buttons(state, next_label),
            on_submit=on_submit or state.next_step,
            prevent_default=True,
            no_validate=True,
        ),
        *after_form,
        cancel_dialog(state),
    )


def group_error(state, key: str):
    """An error about a whole part of a step (not one field), with the id it is
    described by, so the summary link can focus the part."""
    return rx.cond(
        state.errors.contains(key),
        rx.el.p(
            rx.el.span(tx("title.error_prefix"), class_name="visually-hidden"),
            state.errors[key].to(str),
            id=f"{key}-error",
            class_name="error-message",
        ),
    )
