"""The error summary: "There is a problem", focused, a link per error to its field."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app.components.page_effects import focus_field
from cloudlink_app.components.text import tx
from cloudlink_app.state.page import SUMMARY_ID


def error_summary(items: Var):
    """Shown when ``items`` (ErrorLink list) is not empty."""
    return rx.cond(
        items.length() > 0,
        rx.el.div(
            rx.el.h2(
                tx("summary.heading"), class_name="error-summary__title", id="error-summary-title"
            ),
            rx.el.ul(
                rx.foreach(
                    items,
                    lambda item: rx.el.li(
                        rx.el.a(
                            item.message,
                            href="#" + item.field_id,
                            # A plain #anchor does not move focus inside the app.
                            on_click=focus_field(item.field_id).prevent_default,
                        )
                    ),
                ),
                class_name="error-summary__list",
            ),
            id=SUMMARY_ID,
            tab_index=-1,
            role="alert",
            aria_labelledby="error-summary-title",
            class_name="error-summary",
        ),
    )


def error_message_box(message, element_id: str):
    """The summary's box for one message that belongs to no field (a refused sign-in,
    a link that is no longer valid): "There is a problem" and the message, focusable
    under ``element_id``."""
    return rx.el.div(
        rx.el.h2(tx("summary.heading"), class_name="error-summary__title"),
        rx.el.p(message, class_name="error-message"),
        id=element_id,
        tab_index=-1,
        role="alert",
        class_name="error-summary",
    )
