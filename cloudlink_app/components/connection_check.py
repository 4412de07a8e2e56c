"""The "Check connection" button with its progress and its last result."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.button import action_button
from cloudlink_app.components.text import tx


def connection_check(state):
    """Button, a live region that announces progress and result, and the result."""
    return rx.el.div(
        action_button(
            rx.cond(state.checking, tx("connect.checking"), tx("connect.check")),
            state.check_connection,
            disabled=state.checking,
            aria_disabled=rx.cond(state.checking, "true", "false"),
        ),
        rx.el.p(
            rx.cond(state.checking, tx("connect.checking"), state.result_text),
            role="status",
            aria_live="polite",
            class_name=rx.cond(state.connected, "check-result check-result--ok", "check-result"),
        ),
        class_name="form-group",
    )
