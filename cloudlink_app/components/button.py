"""A button that acts on the page rather than submitting its form."""

from __future__ import annotations

import reflex as rx


def action_button(label, on_click=None, *, style: str = "button--secondary", **props):
    """A ``type="button"`` button in the style ``style`` ("button--warning",
    "button--link", ...); ``props`` are its other attributes (id, aria_label, disabled).
    Without ``on_click`` it has no handler at all."""
    if on_click is not None:
        props["on_click"] = on_click
    return rx.el.button(label, type="button", class_name=f"button {style}", **props)
