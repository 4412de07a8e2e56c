"""Review: every answer by step, a Change link per section, Finish onboarding."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.button import action_button
from cloudlink_app.components.text import tx
from cloudlink_app.components.wizard import wizard_page
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.review_step import ReviewStepState as S


def _section(section):
    return rx.el.section(
        rx.el.div(
            rx.el.h2(section.title, class_name="heading-m"),
            rx.el.a(
                tx("review.change"),
                rx.el.span(" ", section.title, class_name="visually-hidden"),
                href=section.change_url,
                class_name="link",
            ),
            class_name="review__header",
        ),
        rx.el.dl(
            rx.foreach(
                section.rows,
                lambda row: rx.el.div(
                    rx.el.dt(row.label), rx.el.dd(row.value), class_name="review__row"
                ),
            ),
            class_name="review__list",
        ),
        class_name="review__section",
    )


def _admin_access(row):
    return rx.el.li(
        rx.el.span(row.name, class_name="review__admin-name"),
        " (",
        rx.el.span(row.email, class_name="review__admin-email"),
        "): ",
        row.status,
        rx.cond(
            row.can_resend,
            rx.el.span(
                " ",
                action_button(
                    rx.fragment(
                        tx("review.send_invitation_again"),
                        rx.el.span(" ", row.name, class_name="visually-hidden"),
                    ),
                    S.send_invitation_again(row.email),
                    style="button--link",
                ),
            ),
        ),
        class_name="review__admin",
    )


def review_step():
    """The whole Review page; its form's submit is Finish onboarding."""
    return wizard_page(
        S,
        wizard_path.REVIEW,
        N_("review.heading"),
        tx("review.intro"),
        rx.foreach(S.sections, _section),
        # Admin contacts become account admins (services/invitations.py): who has
        # access, who is invited until when, and sending an invitation again.
        rx.cond(
            S.admin_access.length() > 0,
            rx.el.section(
                rx.el.h2(tx("review.account_admins"), class_name="heading-m"),
                rx.el.p(tx("review.account_admins_hint")),
                rx.el.ul(rx.foreach(S.admin_access, _admin_access), class_name="review__admins"),
                class_name="review__section",
            ),
        ),
        rx.cond(
            S.last_changes.length() > 0,
            rx.el.section(
                rx.el.h2(tx("review.last_changes"), class_name="heading-m"),
                rx.el.ul(
                    rx.foreach(S.last_changes, lambda line: rx.el.li(line)),
                    class_name="review__changes",
                ),
                class_name="review__section",
            ),
        ),
        # Partner users report a customer's problem from here (account admins from
        # their account page): the customer's page, so the link needs no name.
        rx.cond(
            S.loaded != "",
            rx.el.p(
                rx.el.a(
                    tx("report_problem.link"),
                    href="/customers/" + S.loaded + "/problems/new",
                    class_name="link",
                )
            ),
        ),
        next_label=tx("review.finish"),
        on_submit=S.finish_onboarding,
    )
