"""Invite a colleague: Name, Email address, Role and Customers; "Send invitation"
mails them a one-time link."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.components.customer_picker import customer_picker
from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.form_field import select_field, text_field
from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx
from cloudlink_app.domain import team
from cloudlink_app.state.team_invite import DONE_ID, MAX_LENGTH
from cloudlink_app.state.team_invite import TeamInviteState as S


def _confirmation():
    return rx.el.div(
        rx.cond(
            S.done != "",
            rx.el.div(
                rx.el.p(S.done),
                rx.el.p(
                    rx.el.a(tx("team_invite.open_member"), href=S.invited_url, class_name="link")
                ),
                id=DONE_ID,
                tab_index=-1,
                class_name="success-message",
            ),
        ),
        role="status",
    )


def team_invite():
    """The whole Invite a colleague page."""
    return page(
        rx.el.p(rx.el.a(tx("team.back"), href=routes.TEAM, class_name="link")),
        rx.el.h1(tx("team_invite.heading"), class_name="heading-xl"),
        error_summary(S.error_summary),
        _confirmation(),
        rx.el.form(
            text_field(
                S,
                team.MEMBER_NAME,
                tx("team.name"),
                S.member_name,
                S.set_member_name,
                max_length=MAX_LENGTH[team.MEMBER_NAME],
                autocomplete="off",
            ),
            text_field(
                S,
                team.MEMBER_EMAIL,
                tx("team.email"),
                S.member_email,
                S.set_member_email,
                hint=tx("team_invite.email_hint"),
                max_length=MAX_LENGTH[team.MEMBER_EMAIL],
                input_type="email",
                spellcheck=False,
                autocapitalize="none",
            ),
            select_field(
                S,
                team.MEMBER_ROLE,
                tx("team.role"),
                S.member_role,
                S.set_member_role,
                S.role_options,
            ),
            customer_picker(S),
            rx.el.button(tx("team_invite.button"), type="submit", class_name="button"),
            on_submit=S.send_invitation,
            prevent_default=True,
            no_validate=True,
        ),
    )
