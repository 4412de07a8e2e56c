"""The frame of every page: skip link, header, notice and main content."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var
from reflex_components_core.core.banner import has_connection_errors

from cloudlink_app import routes
from cloudlink_app.components.notice import notice
from cloudlink_app.components.post_form import post_form
from cloudlink_app.domain.i18n import t
from cloudlink_app.state.base import SessionState


def numbered(key: str, n: Var):
    """A translated text with a row number from the page, like "Admin contact 2"."""
    before, after = t(key, n="\x00").split("\x00")
    return Var.create(before) + n.to_string() + Var.create(after)


def connection_status():
    """While the websocket is down: the page says it is reconnecting, and that what is
    typed meanwhile is kept (the browser queues the events and sends them once the
    connection is back). Announced politely; it goes away by itself."""
    return rx.el.div(
        rx.cond(
            has_connection_errors,
            rx.el.p(t("connection.lost"), id="connection-status", class_name="connection"),
        ),
        role="status",
    )


def page(*children):
    """Header, notice and the page's main content."""
    return rx.el.div(
        rx.el.a(t("skip_link"), href="#main", class_name="skip-link"),
        rx.el.header(
            rx.el.a(t("app.name"), href=routes.DASHBOARD, class_name="header__name"),
            rx.cond(
                SessionState.user_name != "",
                rx.el.div(
                    rx.el.span(SessionState.user_name, class_name="header__user"),
                    rx.el.a(
                        t("change_password.link"),
                        href=routes.CHANGE_PASSWORD,
                        class_name="header__link",
                    ),
                    # A form the browser posts: the server clears the HttpOnly cookie.
                    post_form(
                        rx.el.button(
                            t("sign_out.button"),
                            type="submit",
                            class_name="button button--header",
                        ),
                        path=routes.AUTH_SIGN_OUT,
                        class_name="header__sign-out",
                    ),
                    class_name="header__account",
                ),
            ),
            class_name="header",
        ),
        connection_status(),
        rx.el.main(
            notice(),
            *children,
            id="main",
            tab_index=-1,
            class_name="main",
            # "true" once the page's state arrived (after its on_load): what the
            # browser tests wait for before they type, as a person waits for the page.
            custom_attrs={"data-ready": rx.cond(rx.State.is_hydrated, "true", "false")},
        ),
        class_name="page",
    )
