"""The frame of every page: skip link, header, notice and main content."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app import routes
from cloudlink_app.components.notice import notice
from cloudlink_app.domain.i18n import t


def numbered(key: str, n: Var):
    """A translated text with a row number from the page, like "Admin contact 2"."""
    before, after = t(key, n="\x00").split("\x00")
    return Var.create(before) + n.to_string() + Var.create(after)


def page(*children):
    """Header, notice and the page's main content."""
    return rx.el.div(
        rx.el.a(t("skip_link"), href="#main", class_name="skip-link"),
        rx.el.header(
            rx.el.a(t("app.name"), href=routes.DASHBOARD, class_name="header__name"),
            class_name="header",
        ),
        rx.el.main(notice(), *children, id="main", tab_index=-1, class_name="main"),
        class_name="page",
    )
