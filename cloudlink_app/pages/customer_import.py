"""Import customers: the template, the file, "Check file", the preview (Row, Customer
name, Result), "Import N customers" and "Download the rows with errors"."""

from __future__ import annotations

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.components.backend_link import backend_link
from cloudlink_app.components.button import action_button
from cloudlink_app.components.error_summary import error_summary
from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx, tx_text
from cloudlink_app.domain import spreadsheet
from cloudlink_app.state.customer_import import (
    FILE_ID,
    PREVIEW_ID,
    RESULT_ID,
    UPLOAD_ID,
)
from cloudlink_app.state.customer_import import CustomerImportState as S
from cloudlink_app.state.session import SessionState


def _file_field():
    # The dropzone's own <input type="file"> is shown as the browser's file input
    # (assets/styles.css .file-upload): labelled by the label around it, reachable by
    # keyboard, with no click or key handling of the dropzone on top.
    return rx.el.div(
        rx.el.label(
            rx.el.span(tx("import.file_label"), class_name="label"),
            rx.el.span(tx("import.file_hint"), class_name="hint"),
            rx.cond(
                S.errors.contains(FILE_ID),
                rx.el.p(S.errors[FILE_ID], class_name="error-message", id=FILE_ID + "-error"),
            ),
            rx.upload.root(
                id=UPLOAD_ID,
                max_files=1,
                multiple=False,
                max_size=spreadsheet.FILE_MAX_BYTES,
                no_click=True,
                no_keyboard=True,
                on_drop_rejected=S.file_rejected,
                class_name="file-upload",
            ),
            id=FILE_ID,
        ),
        class_name=rx.cond(
            S.errors.contains(FILE_ID), "form-group form-group--error", "form-group"
        ),
    )


def _result_cell(row):
    return rx.el.td(
        rx.cond(
            row.ready,
            rx.el.strong(row.result[0], class_name="tag tag--onboarded"),
            rx.el.ul(rx.foreach(row.result, lambda text: rx.el.li(text)), class_name="list"),
        ),
        custom_attrs={"data-label": tx_text("import.col.result")},
    )


def _preview():
    return rx.el.section(
        rx.el.h2(tx("import.preview_heading"), class_name="heading-m", id=PREVIEW_ID, tab_index=-1),
        rx.el.p(tx("import.summary", ready=S.ready_count, errors=S.error_count)),
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(tx("import.col.row"), scope="col"),
                    rx.el.th(tx("import.column.customer_name"), scope="col"),
                    rx.el.th(tx("import.col.result"), scope="col"),
                )
            ),
            rx.el.tbody(
                rx.foreach(
                    S.preview,
                    lambda row: rx.el.tr(
                        rx.el.td(row.id, custom_attrs={"data-label": tx_text("import.col.row")}),
                        rx.el.td(
                            row.name,
                            custom_attrs={"data-label": tx_text("import.column.customer_name")},
                        ),
                        _result_cell(row),
                    ),
                )
            ),
            class_name="table",
        ),
        rx.cond(
            S.page_count > 1,
            rx.el.nav(
                action_button(
                    tx("dashboard.previous"), S.show_page(S.page - 1), disabled=S.page <= 1
                ),
                rx.el.span(
                    tx("import.page_status", page=S.page, pages=S.page_count),
                    class_name="paging__status",
                ),
                action_button(
                    tx("dashboard.next"), S.show_page(S.page + 1), disabled=S.page >= S.page_count
                ),
                aria_label=tx_text("import.paging_label"),
                class_name="paging",
            ),
        ),
        rx.el.div(
            rx.cond(
                S.ready_count > 0,
                action_button(
                    tx("import.import_button", count=S.ready_count),
                    S.import_customers,
                    style="",
                ),
            ),
            rx.cond(
                S.error_count > 0,
                action_button(
                    tx("import.errors_download"),
                    S.download_errors,
                    style="button--secondary",
                ),
            ),
            class_name="button-group",
        ),
    )


def _result():
    return rx.el.div(
        rx.cond(
            S.done != "",
            rx.el.p(S.done, id=RESULT_ID, tab_index=-1, class_name="success-message"),
        ),
        role="status",
    )


def customer_import():
    """The whole Import customers page."""
    return page(
        rx.el.p(rx.el.a(tx("import.back"), href=routes.DASHBOARD, class_name="link")),
        rx.el.h1(tx("import.heading"), class_name="heading-xl"),
        error_summary(S.error_summary),
        _result(),
        rx.el.p(tx("import.intro")),
        rx.el.p(
            backend_link(
                tx("import.template"),
                routes.IMPORT_TEMPLATE,
                "?lang=" + SessionState.lang,
                filename="customers-template.csv",
                class_name="link",
            )
        ),
        _file_field(),
        action_button(
            tx("import.check"),
            S.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
            style="",
        ),
        rx.cond(S.preview.length() > 0, _preview()),
    )
