"""The step indicator: where the customer stands in the wizard."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.text import tx
from cloudlink_app.domain import wizard_path


def step_nav(current: str, deployment_type: str = ""):
    """An ordered list of the path's steps, the current one marked for everyone."""
    path = wizard_path.wizard_path(deployment_type)
    items = []
    for number, step in enumerate(path, start=1):
        is_current = step == current
        items.append(
            rx.el.li(
                rx.el.span(f"{number}. ", tx(f"step.{step}")),
                rx.el.span(" (", tx("steps.current"), ")", class_name="visually-hidden")
                if is_current
                else rx.fragment(),
                aria_current="step" if is_current else None,
                class_name="steps__item steps__item--current" if is_current else "steps__item",
            )
        )
    return rx.el.nav(
        rx.el.ol(*items, class_name="steps__list"),
        aria_label=tx("steps.label"),
        class_name="steps",
    )
