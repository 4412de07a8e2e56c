"""The Change password page of a signed-in user: Current, New and Confirm password."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.layout import page
from cloudlink_app.components.password_fields import password_form
from cloudlink_app.components.text import tx
from cloudlink_app.domain.i18n import N_
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
        password_form(S.FIELDS, S.errors, N_("change_password.button"), S.change_password),
    )
