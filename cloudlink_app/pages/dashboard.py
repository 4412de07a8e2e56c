"""The Partner dashboard: counts by status, create a customer, find one, resume or
delete a draft."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.components.backend_link import backend_link
from cloudlink_app.components.button import action_button
from cloudlink_app.components.dialog import confirm_dialog, safe_answer
from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.dashboard import DELETED_MESSAGE_ID, SEARCH_MAX
from cloudlink_app.state.dashboard import DashboardState as S

# A shape besides the colour and the words, hidden from screen readers (they read
# the words).
_STATUS_ICONS = {"next": "\u2192", "problem": "!", "onboarded": "\u2713"}


def _status_tag(text, kind):
    return rx.el.strong(
        rx.el.span(
            rx.match(kind, *_STATUS_ICONS.items(), ""),
            aria_hidden="true",
            class_name="tag__icon",
        ),
        text,
        class_name="tag tag--" + kind,
    )


def _counts():
    counts = (
        (N_("dashboard.counts.in_progress"), S.in_progress_count, "next"),
        (N_("dashboard.counts.problems"), S.problem_count, "problem"),
        (N_("dashboard.counts.onboarded"), S.onboarded_count, "onboarded"),
    )
    return rx.el.section(
        rx.el.h2(tx("dashboard.counts.label"), class_name="visually-hidden"),
        rx.el.ul(
            *[
                rx.el.li(
                    rx.el.span(tx(key), class_name="status-counts__label"),
                    " ",
                    rx.el.span(count, class_name="status-counts__number"),
                    class_name="status-counts__item status-counts__item--" + kind,
                )
                for key, count, kind in counts
            ],
            class_name="status-counts",
        ),
        aria_label=tx_text("dashboard.counts.label"),
    )


def _cell(column_key: str, *children, **props):
    # On a narrow screen the table is a list (assets/styles.css): each value is shown
    # after its column's name, taken from data-label.
    return rx.el.td(*children, custom_attrs={"data-label": tx_text(column_key)}, **props)


def _row(row):
    return rx.el.tr(
        rx.el.td(rx.el.a(row.name, href=row.url, id=row.name_id, class_name="link")),
        _cell("dashboard.col.account_id", row.account_id, class_name="account-id"),
        _cell("dashboard.col.status", _status_tag(row.status, row.status_kind)),
        _cell("dashboard.col.last_saved", rx.el.time(row.last_saved, date_time=row.last_saved_iso)),
        _cell("dashboard.col.registered_users", row.registered_users, class_name="number"),
        _cell(
            "dashboard.col.open_reports",
            rx.el.a(
                row.open_reports,
                href=row.reports_url,
                aria_label=row.reports_label,
                aria_describedby=row.name_id,
                class_name="link",
            ),
            class_name="number",
        ),
        rx.el.td(
            rx.cond(
                row.deletable,
                action_button(
                    tx("dashboard.delete"),
                    S.ask_delete(row.account_id),
                    style="button--secondary button--small",
                    id=row.delete_id,
                    aria_label=row.delete_label,
                ),
            ),
        ),
    )


def _table():
    columns = (N_("dashboard.col.name"), N_("dashboard.col.account_id"), N_("dashboard.col.status"))
    return rx.el.table(
        rx.el.caption(tx("dashboard.caption"), class_name="visually-hidden"),
        rx.el.thead(
            rx.el.tr(
                *[rx.el.th(tx(c), scope="col") for c in columns],
                rx.el.th(tx("dashboard.col.last_saved"), scope="col", aria_sort="descending"),
                rx.el.th(tx("dashboard.col.registered_users"), scope="col"),
                rx.el.th(tx("dashboard.col.open_reports"), scope="col"),
                rx.el.th(
                    rx.el.span(tx("dashboard.col.actions"), class_name="visually-hidden"),
                    scope="col",
                ),
            )
        ),
        rx.el.tbody(rx.foreach(S.rows, _row)),
        class_name="table",
    )


def _paging():
    return rx.el.nav(
        action_button(tx("dashboard.previous"), S.go_to_page(S.page - 1), disabled=S.page <= 1),
        rx.el.span(S.paging_status, class_name="paging__status"),
        action_button(tx("dashboard.next"), S.go_to_page(S.page + 1), disabled=S.page >= S.pages),
        aria_label=tx_text("dashboard.paging_label"),
        class_name="paging",
    )


def _deleted_message():
    # The live region is always there, so the message is announced when it appears.
    return rx.el.div(
        rx.cond(
            S.deleted_message != "",
            rx.el.p(
                S.deleted_message, id=DELETED_MESSAGE_ID, tab_index=-1, class_name="success-message"
            ),
        ),
        role="status",
    )


def _delete_dialog():
    return confirm_dialog(
        "delete-question",
        S.delete_question,
        tx("dashboard.delete.body"),
        rx.el.div(
            action_button(
                tx("dashboard.delete.confirm"),
                S.delete_draft(S.delete_account_id),
                style="button--warning",
            ),
            # The safe answer, focused when the dialog opens.
            safe_answer(action_button(tx("dashboard.delete.keep"), S.keep_draft)),
            class_name="button-group",
        ),
        open=S.delete_dialog_open,
        on_open_change=S.delete_dialog_changed,
    )


def dashboard():
    """The whole dashboard page."""
    return page(
        rx.el.h1(tx("dashboard.heading"), class_name="heading-xl"),
        _deleted_message(),
        _counts(),
        rx.el.div(
            rx.el.a(
                tx("dashboard.create"), href=routes.NEW_CUSTOMER, role="button", class_name="button"
            ),
            rx.el.a(
                tx("dashboard.import"),
                href=routes.CUSTOMERS_IMPORT,
                class_name="button button--secondary",
            ),
            backend_link(
                tx("dashboard.export"),
                routes.CUSTOMERS_EXPORT,
                S.export_query,
                filename="customers.csv",
                class_name="button button--secondary",
            ),
            class_name="button-group",
        ),
        # Demo mode has no mail server: its Outbox page shows what was sent.
        rx.cond(
            S.demo_mode,
            rx.el.p(rx.el.a(tx("outbox.link"), href=routes.OUTBOX, class_name="link")),
        ),
        rx.el.div(
            rx.el.label(tx("dashboard.search"), html_for="search", class_name="label"),
            rx.debounce_input(
                rx.el.input(
                    id="search",
                    type="search",
                    value=S.search,
                    on_change=S.set_search,
                    max_length=SEARCH_MAX,
                    class_name="input input--half",
                ),
                debounce_timeout=300,
            ),
            class_name="form-group search",
            role="search",
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.fragment(_table(), _paging()),
            rx.el.p(rx.cond(S.search != "", tx("dashboard.no_match"), tx("dashboard.empty"))),
        ),
        _delete_dialog(),
    )
