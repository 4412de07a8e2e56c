"""The Connect step (appliance path): check the connection to the PBX for real."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.button import action_button
from cloudlink_app.components.connection_check import connection_check
from cloudlink_app.components.wizard import group_error, wizard_page
from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.state.connect_step import ConnectStepState as S


def connect_step():
    """The whole Connect page."""
    before, after = t("connect.intro", target="\x00").split("\x00")
    return wizard_page(
        S,
        wizard_path.CONNECT,
        "connect.heading",
        rx.fragment(before, rx.el.strong(S.target), after),
        rx.el.div(
            group_error(S, forms.CONNECTION),
            connection_check(S),
            id=forms.CONNECTION,
            tab_index=-1,
        ),
        after_form=(
            rx.el.div(
                action_button(t("connect.continue_without"), S.continue_without_connection),
                rx.el.p(t("connect.continue_hint"), class_name="hint"),
                class_name="form-group",
            ),
        ),
    )
