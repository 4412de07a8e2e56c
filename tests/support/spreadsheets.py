"""Customer spreadsheets for the import tests: CSV and .xlsx bytes made here."""

from __future__ import annotations

import io

HEADER_EN = (
    "Customer name",
    "Country",
    "Street address",
    "Address line 2",
    "City",
    "State or province",
    "Postal code",
    "Business type",
    "Default language",
    "Email domains",
    "Admin contacts",
    "Support contacts",
)

SUPPORT_BOTH = "Maintainer: Mia Maintainer <mia@{d}>; Onsite Admin: Otto Onsite <otto@{d}>"


def good_row(name: str, domain: str, *, support: str | None = None) -> list[str]:
    """A row every rule of the Customer step accepts."""
    return [
        name,
        "Netherlands",
        "Damrak 1",
        "",
        "Amsterdam",
        "",
        "1012 LG",
        "Retail",
        "Dutch",
        domain,
        f"Ada Admin <ada@{domain}>",
        SUPPORT_BOTH.format(d=domain) if support is None else support,
    ]


def csv_bytes(
    rows: list[list[str]],
    *,
    header=HEADER_EN,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    """The rows as a CSV file (every cell quoted)."""
    lines = [delimiter.join(f'"{cell}"' for cell in row) for row in [list(header), *rows]]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, header=HEADER_EN) -> bytes:
    """The rows as an .xlsx workbook (openpyxl)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
