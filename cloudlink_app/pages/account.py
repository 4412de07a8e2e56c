"""An account admin's page of their customer account."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx
from cloudlink_app.state.account import AccountState as S


def account():
    """The account admin's start page."""
    return page(
        rx.el.h1(tx("account.heading"), class_name="heading-xl"),
        rx.el.dl(
            rx.el.div(
                rx.el.dt(tx("label.customer_name")),
                rx.el.dd(S.customer_name),
                class_name="review__row",
            ),
            rx.el.div(
                rx.el.dt(tx("customer.account_id")),
                rx.el.dd(S.customer_account_id, class_name="account-id"),
                class_name="review__row",
            ),
            rx.el.div(
                rx.el.dt(tx("dashboard.col.status")), rx.el.dd(S.status), class_name="review__row"
            ),
            class_name="review__list",
        ),
        rx.el.a(tx("account.continue"), href=S.continue_url, role="button", class_name="button"),
        rx.cond(
            S.customer_account_id != "",
            rx.el.ul(
                rx.el.li(
                    rx.el.a(
                        tx("report_problem.link"),
                        href="/customers/" + S.customer_account_id + "/problems/new",
                        class_name="link",
                    )
                ),
                rx.el.li(
                    rx.el.a(
                        tx("problem_reports.heading"),
                        href="/customers/" + S.customer_account_id + "/problems",
                        class_name="link",
                    )
                ),
                class_name="link-list",
            ),
        ),
    )
