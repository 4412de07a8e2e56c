"""A confirmation question in a native ``<dialog>`` (dialog.jsx beside this module),
opened and closed from state: ``confirm_dialog(title, description, buttons, open=...,
on_open_change=...)``.

It replaces Radix Themes' AlertDialog (issue 21: Radix Themes put 86 KB of CSS, gzip,
on every page for two questions). The same contract as Radix's: role ``alertdialog``
named by its title and described by its body, focus on the safe answer when it opens
(the button made with ``safe_answer``), back to the opener when it closes, Escape
closes it and tells the state through ``on_open_change(False)``. No script is sent
from the server: the component reacts to the ``open`` prop.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import passthrough_event_spec
from reflex.vars import Var

_MODULE = rx.asset("dialog.jsx", shared=True).importable_path


class ConfirmDialog(rx.Component):
    """<ConfirmDialog open onOpenChange titleId descriptionId role className>."""

    library = _MODULE
    tag = "ConfirmDialog"

    open: Var[bool]
    title_id: Var[str]
    description_id: Var[str]
    role: Var[str]
    # Reflex reads the event spec from the annotation (a call, which mypy cannot type).
    on_open_change: rx.EventHandler[passthrough_event_spec(bool)]  # type: ignore[type-arg,valid-type]


def safe_answer(button):
    """Mark ``button`` as the answer focused when the dialog opens."""
    button.custom_attrs["data-autofocus"] = "true"
    return button


def confirm_dialog(dialog_id: str, title, description, buttons, *, open, on_open_change):
    """The question ``title`` (its accessible name) with ``description`` and the
    ``buttons`` (one marked with ``safe_answer``); ``dialog_id`` makes the ids of the
    title and the body."""
    title_id = f"{dialog_id}-title"
    description_id = f"{dialog_id}-description"
    return ConfirmDialog.create(
        rx.el.h2(title, id=title_id, class_name="heading-m dialog__title"),
        rx.el.p(description, id=description_id),
        buttons,
        id=dialog_id,
        open=open,
        on_open_change=on_open_change,
        title_id=title_id,
        description_id=description_id,
        role="alertdialog",
        class_name="dialog",
    )
