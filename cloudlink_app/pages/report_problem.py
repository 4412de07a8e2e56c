"""Report a problem: Application, Summary and Description, mailed to the customer's
support contacts; the confirmation names them."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.form_field import (
    DEBOUNCE_MS,
    control_props,
    field_group,
    select_field,
    text_field,
)
from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx
from cloudlink_app.domain import problem_reports
from cloudlink_app.state.report_problem import DONE_ID, MAX_LENGTH
from cloudlink_app.state.report_problem import ReportProblemState as S

APPLICATION = problem_reports.APPLICATION
SUMMARY = problem_reports.SUMMARY
DESCRIPTION = problem_reports.DESCRIPTION


def _confirmation():
    return rx.cond(
        S.done != "",
        rx.el.div(
            rx.el.p(S.done),
            rx.el.ul(rx.foreach(S.notified, lambda contact: rx.el.li(contact))),
            id=DONE_ID,
            tab_index=-1,
            role="status",
            class_name="success-message",
        ),
    )


def _description():
    return field_group(
        DESCRIPTION,
        tx("report_problem.description"),
        rx.debounce_input(
            rx.el.textarea(
                value=S.description,
                on_change=S.set_description,
                max_length=problem_reports.DESCRIPTION_MAX,
                rows=8,
                class_name="input input--full",
                **control_props(
                    DESCRIPTION, errors=S.errors, on_blur=S.leave_field(DESCRIPTION), hint=True
                ),
            ),
            debounce_timeout=DEBOUNCE_MS,
        ),
        errors=S.errors,
        hint=tx("report_problem.description_hint"),
    )


def report_problem():
    """The whole Report a problem page."""
    return page(
        rx.el.h1(tx("report_problem.heading"), class_name="heading-xl"),
        rx.el.p(tx("report_problem.intro", name=S.customer_name, account_id=S.loaded)),
        error_summary(S.error_summary),
        _confirmation(),
        rx.el.form(
            select_field(
                S,
                APPLICATION,
                tx("report_problem.application"),
                S.application,
                S.set_application,
                S.application_options,
            ),
            text_field(
                S,
                SUMMARY,
                tx("report_problem.summary"),
                S.summary,
                S.set_summary,
                hint=tx("report_problem.summary_hint", max=problem_reports.SUMMARY_MAX),
                max_length=MAX_LENGTH[SUMMARY],
            ),
            _description(),
            rx.el.button(tx("report_problem.button"), type="submit", class_name="button"),
            on_submit=S.send_report,
            prevent_default=True,
            no_validate=True,
        ),
    )
