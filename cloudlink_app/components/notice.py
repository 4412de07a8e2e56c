"""A notice about a refused action, announced to screen readers."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.button import action_button
from cloudlink_app.components.text import tx
from cloudlink_app.state.page import NOTICE_ID
from cloudlink_app.state.session import SessionState


def notice():
    """The current notice, if any, with a button to dismiss it."""
    return rx.el.div(
        rx.cond(
            SessionState.notice != "",
            rx.el.div(
                rx.el.p(SessionState.notice),
                action_button(tx("notice.dismiss"), SessionState.dismiss_notice),
                id=NOTICE_ID,
                tab_index=-1,
                class_name="notice",
            ),
        ),
        role="status",
    )


def failure_message():
    """Why the last event failed on the server (SessionState.show_failure), announced at
    once, with a button to dismiss it; what was typed is kept."""
    return rx.el.div(
        rx.cond(
            SessionState.failure != "",
            rx.el.div(
                rx.el.p(SessionState.failure),
                action_button(tx("notice.dismiss"), SessionState.dismiss_failure),
                id="failure",
                class_name="notice notice--failure",
            ),
        ),
        role="alert",
    )
