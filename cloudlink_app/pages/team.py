"""The Team page: the partner's members with their role, customers, status and last
sign-in, searchable and paged; "Invite a colleague"."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.components.button import action_button
from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.domain.i18n import N_
from cloudlink_app.state.team import SEARCH_MAX
from cloudlink_app.state.team import TeamState as S

_COLUMNS = (
    N_("team.col.email"),
    N_("team.col.role"),
    N_("team.col.customers"),
    N_("team.col.status"),
    N_("team.col.last_signed_in"),
)


def _cell(column_key: str, *children, **props):
    # On a narrow screen the table is a list (assets/styles.css): each value is shown
    # after its column's name, taken from data-label.
    return rx.el.td(*children, custom_attrs={"data-label": tx_text(column_key)}, **props)


def _row(row):
    return rx.el.tr(
        rx.el.td(rx.el.a(row.name, href=row.url, class_name="link")),
        _cell("team.col.email", row.email),
        _cell("team.col.role", row.role),
        _cell("team.col.customers", row.customers),
        _cell(
            "team.col.status", rx.el.strong(row.status, class_name="tag tag--" + row.status_kind)
        ),
        _cell(
            "team.col.last_signed_in",
            rx.cond(
                row.last_signed_in != "",
                rx.el.time(row.last_signed_in, date_time=row.last_signed_in_iso),
                tx("team.never"),
            ),
        ),
    )


def _table():
    return rx.el.table(
        rx.el.caption(tx("team.caption"), class_name="visually-hidden"),
        rx.el.thead(
            rx.el.tr(
                rx.el.th(tx("team.col.name"), scope="col", aria_sort="ascending"),
                *[rx.el.th(tx(key), scope="col") for key in _COLUMNS],
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
        aria_label=tx_text("team.paging_label"),
        class_name="paging",
    )


def team_page():
    """The whole Team page."""
    return page(
        rx.el.h1(tx("team.heading"), class_name="heading-xl"),
        rx.el.a(tx("team.invite"), href=routes.TEAM_INVITE, role="button", class_name="button"),
        rx.el.div(
            rx.el.label(tx("team.search"), html_for="search", class_name="label"),
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
            rx.cond(S.search != "", rx.el.p(tx("team.no_match"))),
        ),
    )
