"""A customer's Problem reports: open ones first, each with Mark resolved."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.button import action_button
from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx
from cloudlink_app.state.problem_reports import ProblemReportsState as S


def _report(report):
    return rx.el.article(
        rx.el.h2(report.summary, class_name="heading-m"),
        rx.el.dl(
            rx.el.div(rx.el.dt(tx("report_problem.application")), rx.el.dd(report.application)),
            rx.el.div(rx.el.dt(tx("problem_reports.status")), rx.el.dd(report.status)),
            class_name="review__list",
        ),
        rx.el.p(report.reported),
        rx.el.p(report.description, class_name="report__description"),
        rx.cond(
            report.is_open,
            action_button(
                tx("problem_reports.resolve"),
                S.mark_resolved(report.id),
                aria_label=report.resolve_label,
            ),
        ),
        id=report.element_id,
        class_name="review__section",
    )


def problem_reports_page():
    """The whole page."""
    return page(
        rx.el.h1(tx("problem_reports.heading"), class_name="heading-xl"),
        rx.el.p(S.customer_name, " (", S.loaded, ")"),
        rx.el.p(rx.el.a(tx("report_problem.link"), href=S.report_problem_url, class_name="link")),
        rx.cond(
            S.reports.length() > 0,
            rx.el.div(rx.foreach(S.reports, _report)),
            rx.el.p(tx("problem_reports.none")),
        ),
    )
