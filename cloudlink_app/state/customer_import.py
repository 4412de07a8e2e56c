"""State of "Import customers" (/customers/import, partner users): the file chosen is
checked row by row ("Check file", nothing saved), the preview lists each row, then
"Import N customers" saves every ready row at once (services/customer_import.py).

The file comes through Reflex's upload (``check_file``), held to 2 MB while it is
received by http/customer_files.UploadLimit. Every handler is an event the browser can
send with any arguments: each checks the session, the caller's role, and the types and
sizes of what it got; a refused event changes nothing and saves nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import reflex as rx

from cloudlink_app.domain import permissions, spreadsheet
from cloudlink_app.domain.customer_import import CheckedRow, FileRefused, SheetRow
from cloudlink_app.domain.i18n import N_, Text, render
from cloudlink_app.domain.limits import problem_text
from cloudlink_app.services import customer_import, users
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import FormState
from cloudlink_app.state.session import SessionState

FILE_ID = "spreadsheet"
UPLOAD_ID = "customer-spreadsheet"
RESULT_ID = "import-result"
PREVIEW_ID = "import-preview"
PAGE_SIZE = 50


@dataclasses.dataclass
class PreviewRow:
    """One line of the preview: the spreadsheet's row number, the customer's name and
    "Ready" or the row's errors, in the UI language."""

    id: int
    name: str
    result: list[str]
    ready: bool


class CustomerImportState(FormState, SessionState):
    """The file checked last and what it would import."""

    TITLE_KEY: ClassVar[str] = N_("title.customer_import")

    file_name: str = ""
    page: int = 1
    # The rows of the file checked last, rows with errors first.
    _checked: list[CheckedRow] = []

    @rx.var
    def preview(self) -> list[PreviewRow]:
        """The preview's current page."""
        start = (self.page - 1) * PAGE_SIZE
        return [
            PreviewRow(
                row.number,
                row.cells.get("customer_name", ""),
                [render(text, self._page_lang) for text in row.errors]
                or [render(Text("import.ready"), self._page_lang)],
                row.ready,
            )
            for row in self._checked[start : start + PAGE_SIZE]
        ]

    @rx.var
    def ready_count(self) -> int:
        """How many rows are ready to import."""
        return sum(1 for row in self._checked if row.ready)

    @rx.var
    def error_count(self) -> int:
        """How many rows have errors."""
        return sum(1 for row in self._checked if not row.ready)

    @rx.var
    def page_count(self) -> int:
        """How many pages the preview has."""
        return max(1, -(-len(self._checked) // PAGE_SIZE))

    def _clear(self) -> None:
        self._checked = []
        self.file_name = ""
        self.page = 1
        self._clear_errors()
        self._done = None

    def _importer(self) -> users.CurrentUser | None:
        """The signed-in user when they may create customers; else the refusal shown."""
        user = self._signed_in_user()
        if user is None:
            return None
        if not user.can(permissions.CREATE_CUSTOMER):
            self._refused_with_notice("notice.partners_only_import")
            return None
        return user

    @rx.event
    def load(self):
        """on_load: partner users only; anyone else goes to their own start page."""
        user, away = self._page_user(permissions.CREATE_CUSTOMER)
        if user is None:
            self._clear()
            return away
        self._clear()
        return self._title()

    @rx.event
    def file_rejected(self, rejections: Any):
        """The browser refused the file chosen (larger than 2 MB) before sending it."""
        if self._importer() is None:
            return None
        return self._file_error(
            Text("import.file.too_large", {"max_mb": spreadsheet.FILE_MAX_BYTES // 2**20})
        )

    @rx.event
    async def check_file(self, files: list[rx.UploadFile]):
        """Check file: the file read (at most 2 MB) and every row checked; nothing is
        saved. Refused without a session, for anyone but a partner user, and for
        anything but one file."""
        if self._importer() is None:
            return None
        if not isinstance(files, list) or len(files) > 1:
            return self._refused_with_notice("notice.one_file")
        if not files:
            return self._file_error(Text("import.no_file"))
        upload = files[0]
        if not isinstance(upload, rx.UploadFile):
            return self._refused_with_notice("notice.one_file")
        data = await upload.read(spreadsheet.FILE_MAX_BYTES + 1)
        try:
            with get_session() as session:
                checked = customer_import.check_file(session, data)
        except FileRefused as refused:
            return self._file_error(problem_text(refused.problem))
        self._clear()
        self._checked = checked
        self.file_name = (upload.name or "")[:200]
        self._focus(PREVIEW_ID)
        return self._title()

    def _file_error(self, text: Text):
        self._checked = []
        self.page = 1
        self._done = None
        return self._show_errors({FILE_ID: text})

    @rx.event
    def show_page(self, page: Any):
        """Another page of the preview."""
        if self._importer() is None:
            return None
        if not isinstance(page, int) or isinstance(page, bool):
            return self._refused_with_notice("notice.unknown_page")
        self.page = min(max(1, page), self.page_count)
        return None

    @rx.event
    def import_customers(self):
        """Import N customers: every row ready now saved in one transaction; the rows
        with errors stay in the preview. Refused without a session, for anyone but a
        partner user, and when no file was checked."""
        user = self._importer()
        if user is None:
            return None
        if not any(row.ready for row in self._checked):
            return self._refused_with_notice("import.nothing_ready")
        rows = [SheetRow(row.number, row.cells) for row in self._checked]

        def run():
            with get_session() as session:
                return customer_import.import_rows(session, user.scope, rows, user.id)

        result = self._unless_unavailable(run)
        if not isinstance(result, customer_import.ImportResult):
            return result
        self._checked = result.rows_with_errors
        self.page = 1
        self._clear_errors()
        self._done = Text(
            "import.imported",
            {"count": len(result.imported), "errors": len(result.rows_with_errors)},
        )
        self._focus(RESULT_ID)
        return self._title()

    @rx.event
    def download_errors(self):
        """The rows with errors as CSV, with an "Errors" column, to fix and upload."""
        if self._importer() is None:
            return None
        if not any(not row.ready for row in self._checked):
            return self._refused_with_notice("import.no_errors")
        return rx.download(
            data=customer_import.errors_csv(self._checked, self._page_lang),
            filename="customers-errors.csv",
            mime_type="text/csv",
        )
