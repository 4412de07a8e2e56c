"""The frame of every page: skip link, header, notice and main content."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from cloudlink_app import routes
from cloudlink_app.components.notice import failure_message, notice
from cloudlink_app.components.page_effects import page_effects
from cloudlink_app.components.post_form import post_form
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.domain.i18n import LANGUAGE_NAMES
from cloudlink_app.reflex_internals.frontend import connection_lost
from cloudlink_app.state.session import SessionState

# The switch's name ("language_switch.label", "Taal / Language") is the same in every
# catalog: whoever cannot read the page's current language still finds it.
# The switch's buttons, each language named in itself.
SWITCH_LANGUAGES = ("nl", "en")


def numbered(key: str, n: Var):
    """A translated text with a row number from the page, like "Admin contact 2"."""
    return tx(key, n=n)


def with_language(title_key: str, on_load) -> list:
    """A page's on_load, after its language is chosen (SessionState.load_language: the
    html lang and the page title ``title_key`` in it, page_effects.py applies them), so
    the page loads in it."""
    return [SessionState.load_language(title_key), on_load]


def language_switch():
    """A button per UI language, named in that language (and marked as such for screen
    readers), the current one pressed. Switching re-words the page in place."""
    return rx.el.nav(
        rx.el.ul(
            *[
                rx.el.li(
                    rx.el.button(
                        LANGUAGE_NAMES[lang],
                        type="button",
                        lang=lang,
                        aria_pressed=rx.cond(SessionState.lang == lang, "true", "false"),
                        on_click=SessionState.set_language(lang),
                        class_name="button button--header language-switch__button",
                        # The current one shown as such, not by colour alone: underlined
                        # and bold by the stylesheet, from <html lang> (right from the
                        # first paint, before the state arrives). Every style of the
                        # switch is in assets/styles.css: no Emotion style at hydration.
                    ),
                    class_name="language-switch__item",
                )
                for lang in SWITCH_LANGUAGES
            ],
            class_name="language-switch__list",
        ),
        aria_label=tx_text("language_switch.label"),
        class_name="language-switch",
    )


def connection_status():
    """While the websocket is down: the page says it is reconnecting, and that what is
    typed meanwhile is kept (the browser queues the events and sends them once the
    connection is back). Announced politely; it goes away by itself."""
    return rx.el.div(
        rx.cond(
            connection_lost,
            rx.el.p(tx("connection.lost"), id="connection-status", class_name="connection"),
        ),
        role="status",
    )


def _account():
    """The signed-in user's name and links (nothing until the state says who)."""
    return rx.fragment(
        rx.el.span(SessionState.user_name, class_name="header__user"),
        rx.cond(
            SessionState.is_partner_admin,
            rx.el.a(tx("team.link"), href=routes.TEAM, class_name="header__link"),
        ),
        rx.el.a(
            tx("change_password.link"),
            href=routes.CHANGE_PASSWORD,
            class_name="header__link",
        ),
        # A form the browser posts: the server clears the HttpOnly cookie.
        post_form(
            rx.el.button(
                tx("sign_out.button"),
                type="submit",
                class_name="button button--header",
            ),
            path=routes.AUTH_SIGN_OUT,
            class_name="header__sign-out",
        ),
    )


def page(*children, signed_in: bool = True):
    """Header, notice and the page's main content. On a page for signed-in users
    (``signed_in``) the header keeps the place of the user's name and links from the
    first paint (assets/styles.css ``header__account--reserved``), so nothing moves
    when the state fills it in (issue 21: no layout shift)."""
    return rx.el.div(
        rx.el.a(tx("skip_link"), href="#main", class_name="skip-link"),
        rx.el.header(
            rx.el.a(tx("app.name"), href=routes.DASHBOARD, class_name="header__name"),
            (
                rx.el.div(
                    rx.cond(SessionState.user_name != "", _account()),
                    class_name="header__account header__account--reserved",
                )
                if signed_in
                else rx.cond(
                    SessionState.user_name != "",
                    rx.el.div(_account(), class_name="header__account"),
                )
            ),
            language_switch(),
            class_name="header",
        ),
        connection_status(),
        failure_message(),
        page_effects(),
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
