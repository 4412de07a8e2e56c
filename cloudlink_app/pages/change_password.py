"""The Change password page of a signed-in user: Current, New and Confirm password."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.layout import page
from cloudlink_app.components.password_fields import password_field
from cloudlink_app.components.text import tx
from cloudlink_app.domain import passwords
from cloudlink_app.state.change_password import DONE_ID
from cloudlink_app.state.change_password import ChangePasswordState as S


def change_password():
    """The whole Change password page."""
    return page(
        rx.el.h1(tx("change_password.heading"), class_name="heading-xl"),
        error_summary(S.error_summary),
        rx.cond(
            S.done != "",
            rx.el.p(S.done, id=DONE_ID, tab_index=-1, role="status", class_name="success-message"),
        ),
        rx.el.form(
            password_field(passwords.CURRENT_PASSWORD, S.errors),
            password_field(passwords.NEW_PASSWORD, S.errors),
            password_field(passwords.CONFIRM_PASSWORD, S.errors),
            rx.el.button(tx("change_password.button"), type="submit", class_name="button"),
            on_submit=S.change_password,
            reset_on_submit=True,
            no_validate=True,
        ),
    )
