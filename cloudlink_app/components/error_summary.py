"""The error summary: "There is a problem", focused, a link per error to its field."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app.domain.i18n import t

SUMMARY_ID = "error-summary"


def _focus_field(field_id: Var):
    # A plain #anchor does not move focus inside the app, so the link does it.
    return rx.call_script(
        "(function(){const e=document.getElementById(" + field_id.to_string() + ");"
        "if(e){e.scrollIntoView({block:'center'});e.focus();}})()"
    )


def error_summary(items: Var):
    """Shown when ``items`` (ErrorLink list) is not empty."""
    return rx.cond(
        items.length() > 0,
        rx.el.div(
            rx.el.h2(t("summary.heading"), class_name="error-summary__title",
                     id="error-summary-title"),
            rx.el.ul(
                rx.foreach(
                    items,
                    lambda item: rx.el.li(
                        rx.el.a(
                            item.message,
                            href="#" + item.field_id,
                            on_click=_focus_field(item.field_id).prevent_default,
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
