"""The Sync step (SMBC/VA path): system address and port, check, synchronise."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.button import action_button
from cloudlink_app.components.connection_check import connection_check
from cloudlink_app.components.system_address import address_and_port
from cloudlink_app.components.text import tx
from cloudlink_app.components.wizard import group_error, wizard_page
from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.sync_step import ADDRESS_MAX, PORT_MAX
from cloudlink_app.state.sync_step import SyncStepState as S


def sync_step():
    """The whole Sync page."""
    return wizard_page(
        S,
        wizard_path.SYNC,
        N_("sync.heading"),
        tx("sync.intro"),
        *address_and_port(S, forms.SYNC_ADDRESS, forms.SYNC_PORT, ADDRESS_MAX, PORT_MAX),
        rx.el.div(
            group_error(S, forms.SYNCHRONISATION),
            connection_check(S),
            action_button(tx("sync.start"), S.start_synchronisation),
            rx.el.p(S.started_text, role="status", class_name="check-result"),
            id=forms.SYNCHRONISATION,
            tab_index=-1,
        ),
    )
