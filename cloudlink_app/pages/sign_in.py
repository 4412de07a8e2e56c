"""The sign-in page: email address, password, and the demo accounts in demo mode.

A plain form the browser posts to the backend (cloudlink_app/http/endpoints.py).
"""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.components.error_summary import error_message_box
from cloudlink_app.components.layout import page
from cloudlink_app.components.post_form import backend_link, post_form
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.domain import passwords
from cloudlink_app.domain.i18n import N_
from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.state.sign_in import ERROR_ID
from cloudlink_app.state.sign_in import SignInState as S


def _field(field_id: str, label_key: str, input_type: str, autocomplete: str, **events):
    return rx.el.div(
        rx.el.label(tx(label_key), html_for=field_id, class_name="label"),
        rx.el.input(
            id=field_id,
            name=field_id,
            type=input_type,
            auto_complete=autocomplete,
            spell_check=False,
            auto_capitalize="none",
            max_length=EMAIL_MAX if input_type == "email" else passwords.PASSWORD_MAX,
            aria_describedby=rx.cond(S.error != "", ERROR_ID, ""),
            class_name="input input--half",
            **events,
        ),
        class_name="form-group",
    )


def _demo_accounts():
    return rx.cond(
        S.demo_mode,
        rx.el.section(
            rx.el.h2(tx("sign_in.demo_heading"), class_name="heading-m"),
            rx.el.p(
                tx("sign_in.demo_password"),
                " ",
                rx.el.code(S.demo_password, class_name="account-id"),
            ),
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(tx("sign_in.demo_email"), scope="col"),
                        rx.el.th(tx("sign_in.demo_name"), scope="col"),
                        rx.el.th(tx("sign_in.demo_role"), scope="col"),
                    )
                ),
                rx.el.tbody(
                    rx.foreach(
                        S.demo_accounts,
                        lambda a: rx.el.tr(rx.el.td(a.email), rx.el.td(a.name), rx.el.td(a.role)),
                    )
                ),
                class_name="table",
            ),
            class_name="demo-accounts",
            aria_label=tx_text("sign_in.demo_heading"),
        ),
    )


def sign_in():
    """The whole sign-in page."""
    return page(
        rx.el.h1(tx("sign_in.heading"), class_name="heading-xl"),
        rx.cond(
            S.password_set & (S.error == ""),
            rx.el.p(tx("set_password.done"), role="status", class_name="success-message"),
        ),
        rx.cond(
            S.error != "",
            error_message_box(S.error, ERROR_ID),
        ),
        # Posted by the browser to the backend, which sets the HttpOnly session cookie
        # and sends the browser on (or back here with ?error=...).
        # The email first: when its domain signs in with a partner's own provider,
        # "Continue with single sign-on" (a link to GET /auth/sso/start,
        # cloudlink_app/http/sso.py) takes the place of the password.
        post_form(
            _field("email", N_("sign_in.email"), "email", "username", on_blur=S.email_changed),
            rx.cond(
                S.sso_covered,
                rx.el.div(
                    rx.el.p(tx("sign_in.sso_hint"), class_name="hint"),
                    backend_link(
                        tx("sign_in.sso_button"),
                        path=routes.AUTH_SSO_START,
                        query=S.sso_query,
                        class_name="button",
                    ),
                ),
                rx.fragment(
                    _field("password", N_("sign_in.password"), "password", "current-password"),
                    rx.el.input(type="hidden", name="next", value=S.next_path),
                    rx.el.button(tx("sign_in.button"), type="submit", class_name="button"),
                ),
            ),
            path=routes.AUTH_SIGN_IN,
            no_validate=True,
        ),
        _demo_accounts(),
        signed_in=False,
    )
