"""The Set password page, opened from a one-time link: New password, Confirm password."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.error_summary import error_message_box, error_summary
from cloudlink_app.components.layout import page
from cloudlink_app.components.password_fields import password_form
from cloudlink_app.components.text import tx
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.set_password import LINK_ERROR_ID
from cloudlink_app.state.set_password import SetPasswordState as S


def set_password():
    """The whole Set password page."""
    return page(
        rx.el.h1(tx("set_password.heading"), class_name="heading-xl"),
        rx.cond(
            S.link_valid,
            rx.fragment(
                error_summary(S.error_summary),
                rx.el.p(tx("set_password.intro"), class_name="body"),
                password_form(S.FIELDS, S.errors, N_("set_password.button"), S.set_password),
            ),
            rx.cond(
                S.link_checked,
                error_message_box(tx("set_password.invalid_link"), LINK_ERROR_ID),
            ),
        ),
        signed_in=False,
    )
