"""The Set password page, opened from a one-time link: New password, Confirm password."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.layout import page
from cloudlink_app.components.password_fields import password_field
from cloudlink_app.components.text import tx
from cloudlink_app.domain import passwords
from cloudlink_app.state.set_password import LINK_ERROR_ID
from cloudlink_app.state.set_password import SetPasswordState as S


def _invalid_link():
    return rx.el.div(
        rx.el.h2(tx("summary.heading"), class_name="error-summary__title"),
        rx.el.p(tx("set_password.invalid_link"), class_name="error-message"),
        id=LINK_ERROR_ID,
        tab_index=-1,
        role="alert",
        class_name="error-summary",
    )


def set_password():
    """The whole Set password page."""
    return page(
        rx.el.h1(tx("set_password.heading"), class_name="heading-xl"),
        rx.cond(
            S.link_valid,
            rx.fragment(
                error_summary(S.error_summary),
                rx.el.p(tx("set_password.intro"), class_name="body"),
                rx.el.form(
                    password_field(passwords.NEW_PASSWORD, S.errors),
                    password_field(passwords.CONFIRM_PASSWORD, S.errors),
                    rx.el.button(tx("set_password.button"), type="submit", class_name="button"),
                    on_submit=S.set_password,
                    reset_on_submit=True,
                    no_validate=True,
                ),
            ),
            rx.cond(S.link_checked, _invalid_link()),
        ),
    )
