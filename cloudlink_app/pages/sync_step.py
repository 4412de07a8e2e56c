"""The Sync step (SMBC/VA path): system address and port, check, synchronise."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.connection_check import connection_check
from cloudlink_app.components.form_field import text_field
from cloudlink_app.components.wizard import group_error, wizard_page
from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.state.sync_step import ADDRESS_MAX, PORT_MAX, SyncStepState as S


def sync_step():
    """The whole Sync page."""
    return wizard_page(
        S, wizard_path.SYNC, "sync.heading", t("sync.intro"),
        text_field(S, forms.SYNC_ADDRESS, t("label.sync_address"), S.sync_address,
                   S.set_sync_address, max_length=ADDRESS_MAX,
                   hint=t("hint.sync_address"), spellcheck=False, width="input--half"),
        text_field(S, forms.SYNC_PORT, t("label.port"), S.sync_port, S.set_sync_port,
                   max_length=PORT_MAX, width="input--quarter", spellcheck=False),
        rx.el.div(
            group_error(S, forms.SYNCHRONISATION),
            connection_check(S),
            rx.el.button(t("sync.start"), type="button", on_click=S.start_synchronisation,
                         class_name="button button--secondary"),
            rx.el.p(S.started_text, role="status", class_name="check-result"),
            id=forms.SYNCHRONISATION,
            tab_index=-1,
        ),
    )
