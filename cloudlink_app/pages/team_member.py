"""A member of the partner's team: their role and customers ("Save changes"),
"Deactivate" (asks first), "Reactivate", "Send invitation again", their history."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.components.button import action_button
from cloudlink_app.components.customer_picker import customer_picker
from cloudlink_app.components.dialog import confirm_dialog, safe_answer
from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.form_field import control_props, field_group
from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx
from cloudlink_app.domain import team
from cloudlink_app.state.team_member import DEACTIVATE_ID, DONE_ID
from cloudlink_app.state.team_member import TeamMemberState as S


def _confirmation():
    return rx.el.div(
        rx.cond(
            S.done != "",
            rx.el.p(S.done, id=DONE_ID, tab_index=-1, class_name="success-message"),
        ),
        role="status",
    )


def _summary():
    return rx.el.dl(
        rx.el.div(rx.el.dt(tx("team.email")), rx.el.dd(S.member_email), class_name="review__row"),
        rx.el.div(
            rx.el.dt(tx("team.col.status")),
            rx.el.dd(rx.el.strong(S.status_text, class_name="tag tag--" + S.status)),
            class_name="review__row",
        ),
        class_name="review__list",
    )


def _role():
    field_id = team.MEMBER_ROLE
    props = control_props(field_id, errors=S.errors, on_blur=None)
    props.pop("on_blur")
    return field_group(
        field_id,
        tx("team.role"),
        rx.el.select(
            rx.foreach(S.role_options, lambda o: rx.el.option(o[1], value=o[0])),
            value=S.member_role,
            on_change=S.set_member_role,
            class_name="select",
            **props,
        ),
        errors=S.errors,
    )


def _status_actions():
    return rx.el.div(
        rx.cond(
            S.status == team.INVITED_STATUS,
            action_button(tx("team_member.send_again"), S.send_invitation_again),
        ),
        rx.cond(
            S.status == team.DEACTIVATED_STATUS,
            action_button(tx("team_member.reactivate"), S.reactivate),
            action_button(
                tx("team_member.deactivate"),
                S.ask_deactivate,
                style="button--warning",
                id=DEACTIVATE_ID,
            ),
        ),
        class_name="button-group",
    )


def _history():
    return rx.el.section(
        rx.el.h2(tx("team_member.history"), class_name="heading-m"),
        rx.cond(
            S.history.length() > 0,
            rx.el.ol(
                rx.foreach(
                    S.history,
                    lambda row: rx.el.li(
                        rx.el.time(row.at, date_time=row.at_iso),
                        ": ",
                        row.what,
                        " (",
                        row.actor,
                        ")",
                        key=row.id,
                    ),
                ),
                class_name="history",
            ),
            rx.el.p(tx("team_member.no_history")),
        ),
        class_name="review__section",
    )


def _deactivate_dialog():
    return confirm_dialog(
        "deactivate-question",
        S.deactivate_question,
        tx("team_member.deactivate.body"),
        rx.el.div(
            action_button(tx("team_member.deactivate"), S.deactivate, style="button--warning"),
            # The safe answer, focused when the dialog opens (see the dashboard's).
            safe_answer(
                action_button(tx("team_member.deactivate.keep"), S.deactivate_dialog_changed(False))
            ),
            class_name="button-group",
        ),
        open=S.deactivate_open,
        on_open_change=S.deactivate_dialog_changed,
    )


def team_member():
    """The whole member page."""
    return page(
        rx.el.p(rx.el.a(tx("team.back"), href=routes.TEAM, class_name="link")),
        rx.el.h1(
            rx.cond(S.member_name != "", S.member_name, tx("team_member.heading")),
            class_name="heading-xl",
        ),
        rx.cond(
            S.loaded > 0,
            rx.fragment(
                error_summary(S.error_summary),
                _confirmation(),
                _summary(),
                rx.el.form(
                    _role(),
                    customer_picker(S),
                    rx.el.button(tx("team_member.save"), type="submit", class_name="button"),
                    on_submit=S.save_changes,
                    prevent_default=True,
                    no_validate=True,
                ),
                _status_actions(),
                _history(),
                _deactivate_dialog(),
            ),
        ),
    )
