"""The Connect step (appliance path): check the connection to the PBX for real."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.button import action_button
from cloudlink_app.components.connection_check import connection_check
from cloudlink_app.components.text import tx
from cloudlink_app.components.wizard import group_error, wizard_page
from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, N_, UI_LANGUAGES, t
from cloudlink_app.state.connect_step import ConnectStepState as S
from cloudlink_app.state.session import SessionState


def _intro_part(index: int):
    """The intro's text before (0) or after (1) the address, in the page's language."""

    def part(lang: str) -> str:
        return t("connect.intro", lang, target="\x00").split("\x00")[index]

    others = [(lang, part(lang)) for lang in UI_LANGUAGES if lang != DEFAULT_LANGUAGE]
    return rx.match(SessionState.lang, *others, part(DEFAULT_LANGUAGE))


def connect_step():
    """The whole Connect page."""
    return wizard_page(
        S,
        wizard_path.CONNECT,
        N_("connect.heading"),
        rx.fragment(_intro_part(0), rx.el.strong(S.target), _intro_part(1)),
        rx.el.div(
            group_error(S, forms.CONNECTION),
            connection_check(S),
            id=forms.CONNECTION,
            tab_index=-1,
        ),
        after_form=(
            rx.el.div(
                action_button(tx("connect.continue_without"), S.continue_without_connection),
                rx.el.p(tx("connect.continue_hint"), class_name="hint"),
                class_name="form-group",
            ),
        ),
    )
