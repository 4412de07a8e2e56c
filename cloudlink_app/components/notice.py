"""A notice about a refused action, announced to screen readers."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.domain.i18n import t
from cloudlink_app.state.base import SessionState


def notice():
    """The current notice, if any, with a button to dismiss it."""
    return rx.el.div(
        rx.cond(
            SessionState.notice != "",
            rx.el.div(
                rx.el.p(SessionState.notice),
                rx.el.button(t("notice.dismiss"), type="button",
                             on_click=SessionState.dismiss_notice,
                             class_name="button button--secondary"),
                id="notice",
                tab_index=-1,
                class_name="notice",
            ),
        ),
        role="status",
    )
