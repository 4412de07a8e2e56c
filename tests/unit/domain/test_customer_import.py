"""A customer spreadsheet read and checked row by row (domain/customer_import.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from cloudlink_app.domain import customer_import, spreadsheet
from cloudlink_app.domain.customer_import import FileRefused, check_file
from cloudlink_app.domain.i18n import render, t
from tests.support.spreadsheets import HEADER_EN, csv_bytes, good_row, xlsx_bytes


def _nowhere(_domain: str) -> bool:
    return False


def _refusal(data: bytes) -> str:
    with pytest.raises(FileRefused) as caught:
        check_file(data, _nowhere)
    return caught.value.key


def _errors(row, lang="en") -> list[str]:
    return [render(text, lang) for text in row.errors]


def test_semicolons_and_a_bom_read_as_utf8_with_rows_with_errors_first():
    data = csv_bytes(
        [
            good_row("Café Noord", "noord.example"),
            good_row("Zuid", "zuid.example", support="Maintainer: Mia <mia@zuid.example>"),
        ],
        delimiter=";",
        bom=True,
    )
    rows = check_file(data, _nowhere)
    assert [(r.number, r.ready) for r in rows] == [(3, False), (2, True)]
    assert _errors(rows[0]) == ["Add a support contact with the role Onsite Admin"]
    ready = rows[1].form
    assert ready.customer_name == "Café Noord"
    assert (ready.country, ready.business_type, ready.default_language) == ("NL", "retail", "nl")
    assert [(a.first_name, a.last_name, a.email) for a in ready.admin_contacts] == [
        ("Ada", "Admin", "ada@noord.example")
    ]
    assert [s.role for s in ready.support_contacts] == ["maintainer", "onsite_admin"]


def test_windows_1252_and_dutch_headers():
    header = [t(customer_import.column_key(c), "nl") for c in customer_import.COLUMNS]
    row = good_row("Café Zée", "zee.example")
    row[1], row[7], row[8] = "Nederland", "Detail- en groothandel", "Nederlands"
    rows = check_file(csv_bytes([row], header=header, encoding="cp1252"), _nowhere)
    assert rows[0].ready, _errors(rows[0])
    assert rows[0].form.customer_name == "Café Zée"


def test_errors_are_the_customer_steps_in_the_ui_language():
    row = good_row("", "noord.example")
    row[1] = "Atlantis"
    rows = check_file(csv_bytes([row]), _nowhere)
    assert _errors(rows[0]) == ["Enter the customer name", "Select the country"]
    assert _errors(rows[0], "nl") == ["Vul de naam van de klant in", "Kies het land"]


def test_the_same_domain_or_name_twice_in_the_file():
    rows = check_file(
        csv_bytes(
            [
                good_row("Noord", "noord.example"),
                good_row("Zuid", "NOORD.example"),
                good_row("noord", "west.example"),
            ]
        ),
        _nowhere,
    )
    by_number = {r.number: _errors(r) for r in rows}
    assert by_number[2] == []
    assert any("noord.example" in e and "row 2" in e for e in by_number[3]), by_number[3]
    assert any("row 2" in e for e in by_number[4]), by_number[4]


def test_a_domain_claimed_elsewhere_is_the_steps_error():
    rows = check_file(csv_bytes([good_row("Noord", "noord.example")]), lambda d: True)
    assert _errors(rows[0]) == ["This email domain is already used by another customer account"]


def test_xlsx_first_sheet_values_and_formulas_kept_as_text():
    row = good_row('=HYPERLINK("http://evil.example","x")', "noord.example")
    row[6] = 1012  # a number cell
    rows = check_file(xlsx_bytes([row]), _nowhere)
    assert rows[0].form.customer_name == '=HYPERLINK("http://evil.example","x")'
    assert rows[0].cells["postal_code"] == "1012"


def test_formulas_in_csv_stay_text():
    rows = check_file(csv_bytes([good_row("=1+2", "noord.example")]), _nowhere)
    assert rows[0].form.customer_name == "=1+2"


def test_wrong_type_is_refused():
    assert _refusal(b"%PDF-1.7\n...") == "import.file.type"
    assert _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 100) == "import.file.type"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert _refusal(buffer.getvalue()) == "import.file.type"


def test_oversized_is_refused():
    data = csv_bytes([good_row("Noord", "noord.example")]) + b" " * spreadsheet.FILE_MAX_BYTES
    assert _refusal(data) == "import.file.too_large"


def test_1000_rows_pass_and_1001_are_refused():
    rows = [good_row(f"C{i}", f"c{i}.example") for i in range(1000)]
    assert len(customer_import.read_rows(csv_bytes(rows))) == 1000
    assert _refusal(csv_bytes([*rows, good_row("One more", "more.example")])) == (
        "import.file.too_many_rows"
    )


def test_a_zip_bomb_renamed_xlsx_is_refused_before_openpyxl_opens_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < spreadsheet.FILE_MAX_BYTES
    assert _refusal(data) == "import.file.zip_bomb"


def test_csv_with_nul_bytes_is_refused():
    data = csv_bytes([good_row("No\0rd", "noord.example")])
    assert _refusal(data) == "import.file.nul"
    assert _refusal("Customer name\r\nNoord\r\n".encode("utf-16")) == "import.file.nul"


def test_unknown_column_header_and_no_name_column_are_refused():
    assert _refusal(csv_bytes([["x"]], header=["Klant naam"])) == "import.file.unknown_column"
    assert _refusal(csv_bytes([["NL"]], header=["Country"])) == "import.file.no_name_column"


def test_empty_and_broken_files_are_refused():
    assert _refusal(b"") == "import.file.empty"
    assert _refusal(csv_bytes([], header=HEADER_EN)[:0] + b"\r\n\r\n") == "import.file.empty"
    assert _refusal(b'Customer name\r\n"unterminated\r\n') == "import.file.unreadable"
    assert _refusal(b"PK\x03\x04garbage") == "import.file.unreadable"
