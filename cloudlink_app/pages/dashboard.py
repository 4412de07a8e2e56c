"""The Partner dashboard: create a customer, find one, resume a draft."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.components.layout import page
from cloudlink_app.domain.i18n import t
from cloudlink_app.state.dashboard import SEARCH_MAX, DashboardState as S


def _row(row):
    return rx.el.tr(
        rx.el.td(rx.el.a(row.name, href=row.url, class_name="link")),
        rx.el.td(row.account_id, class_name="account-id"),
        rx.el.td(
            rx.el.span(row.status, class_name="tag tag--" + row.status_kind),
        ),
        rx.el.td(row.last_saved),
    )


def _table():
    columns = ("dashboard.col.name", "dashboard.col.account_id", "dashboard.col.status",
               "dashboard.col.last_saved")
    return rx.el.table(
        rx.el.thead(rx.el.tr(*[rx.el.th(t(c), scope="col") for c in columns])),
        rx.el.tbody(rx.foreach(S.rows, _row)),
        class_name="table",
    )


def _paging():
    return rx.el.nav(
        rx.el.button(t("dashboard.previous"), type="button", disabled=S.page <= 1,
                     on_click=S.go_to_page(S.page - 1),
                     class_name="button button--secondary"),
        rx.el.span(S.paging_status, class_name="paging__status"),
        rx.el.button(t("dashboard.next"), type="button", disabled=S.page >= S.pages,
                     on_click=S.go_to_page(S.page + 1),
                     class_name="button button--secondary"),
        aria_label="Pages",
        class_name="paging",
    )


def dashboard():
    """The whole dashboard page."""
    return page(
        rx.el.h1(t("dashboard.heading"), class_name="heading-xl"),
        rx.el.a(t("dashboard.create"), href=routes.NEW_CUSTOMER, role="button",
                class_name="button"),
        rx.el.div(
            rx.el.label(t("dashboard.search"), html_for="search", class_name="label"),
            rx.debounce_input(
                rx.el.input(id="search", type="search", value=S.search,
                            on_change=S.set_search, max_length=SEARCH_MAX,
                            class_name="input input--half"),
                debounce_timeout=300,
            ),
            class_name="form-group",
            role="search",
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.fragment(_table(), _paging()),
            rx.el.p(rx.cond(S.search != "", t("dashboard.no_match"), t("dashboard.empty"))),
        ),
    )
