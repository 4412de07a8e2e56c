"""The step indicator: where the customer stands in the wizard."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES, t
from cloudlink_app.state.session import SessionState


def _position(path: tuple[str, ...], current: str):
    """The line "Step 2 of 5: Gateway" in the page's UI language (a text per language,
    with the step's name in that language)."""

    def text(lang: str) -> str:
        step = t(f"step.{current}", lang)
        return t("steps.position", lang, n=path.index(current) + 1, total=len(path), step=step)

    others = [(lang, text(lang)) for lang in UI_LANGUAGES if lang != DEFAULT_LANGUAGE]
    return rx.match(SessionState.lang, *others, text(DEFAULT_LANGUAGE))


def step_nav(current: str, deployment_type: str = ""):
    """An ordered list of the path's steps, the current one marked for everyone; on a
    phone (assets/styles.css) instead one line, "Step 2 of 5: Gateway", which says how
    many remain where the whole list would take the screen. Either is display:none,
    so a screen reader reads the one shown."""
    path = wizard_path.wizard_path(deployment_type)
    # step_indicator builds both paths' indicators: a step not on this one has no line.
    position = (
        rx.el.p(_position(path, current), class_name="steps__position")
        if current in path
        else rx.fragment()
    )
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
        position,
        rx.el.ol(*items, class_name="steps__list"),
        aria_label=tx_text("steps.label"),
        class_name="steps",
    )
