"""A customer spreadsheet's bytes as rows of text: CSV or .xlsx, decided by the content.

Pure: no database, no Reflex. Whatever is wrong with a file raises ``FileRefused``
with a catalog key that says what to fix; nothing is read further.

- The type comes from the first bytes, never from the name: a zip (``PK\\x03\\x04``)
  is an .xlsx workbook; other known binary formats (old .xls, PDF, images) are refused;
  the rest is CSV text.
- A zip bomb is refused before openpyxl opens it: the members' declared uncompressed
  sizes must add up to at most ``XLSX_UNCOMPRESSED_MAX`` and each must compress by at
  most ``XLSX_RATIO_MAX``. Python's zipfile stops a member at its declared size (and
  then fails its CRC), so a member cannot inflate beyond what it declares.
- CSV: UTF-8 with or without BOM, else Windows-1252 (what Excel on a Dutch Windows
  saves as "CSV"); comma or semicolon, whichever the header line has more of.
- .xlsx: openpyxl in read-only mode, values as stored (a formula stays its text,
  never evaluated), the first sheet only.
"""

from __future__ import annotations

import csv
import io
import zipfile

from cloudlink_app.domain.limits import ProblemError

FILE_MAX_BYTES = 2 * 1024 * 1024
ROWS_MAX = 1000  # data rows, the header not counted
COLUMNS_MAX = 50
XLSX_UNCOMPRESSED_MAX = 50 * 1024 * 1024
XLSX_RATIO_MAX = 200
XLSX_MEMBERS_MAX = 500

_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_MAGICS = (
    b"\xd0\xcf\x11\xe0",  # OLE2: old .xls, .doc
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf",
    b"Rar!",
)
_UTF8_BOM = b"\xef\xbb\xbf"


class FileRefused(ProblemError):
    """The whole file is refused; ``key`` (a catalog key) says what to fix."""


def read_sheet(data: bytes) -> list[list[str]]:
    """The file's rows as text cells, the header row first; blank rows left out.
    Raises FileRefused."""
    if not data.strip():
        raise FileRefused("import.file.empty")
    if len(data) > FILE_MAX_BYTES:
        raise FileRefused("import.file.too_large", max_mb=FILE_MAX_BYTES // (1024 * 1024))
    if data.startswith(_ZIP_MAGIC):
        return _limited(_xlsx_rows(data))
    if data.startswith(_BINARY_MAGICS):
        raise FileRefused("import.file.type")
    return _limited(_csv_rows(data))


def _limited(rows) -> list[list[str]]:
    """The rows up to the header plus ROWS_MAX, refusing one more; blank rows skipped."""
    result: list[list[str]] = []
    for row in rows:
        if len(row) > COLUMNS_MAX:
            row = row[:COLUMNS_MAX]
        if not any(cell.strip() for cell in row):
            continue
        if len(result) > ROWS_MAX:
            raise FileRefused("import.file.too_many_rows", max=ROWS_MAX)
        result.append(row)
    if not result:
        raise FileRefused("import.file.empty")
    return result


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        # UTF-16 or a binary file saved as .csv: NUL has no place in CSV text.
        raise FileRefused("import.file.nul")
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileRefused("import.file.encoding") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise FileRefused("import.file.encoding") from error


def _csv_rows(data: bytes):
    text = _decode(data)
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise FileRefused("import.file.unreadable") from error


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The .xlsx as a zip whose members declare sizes a reader can afford; raises
    FileRefused for a zip bomb, a zip that is no workbook or a broken zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRefused("import.file.unreadable") from error
    if len(members) > XLSX_MEMBERS_MAX:
        raise FileRefused("import.file.zip_bomb")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > XLSX_UNCOMPRESSED_MAX or (
            member.file_size > 1024 * 1024 and ratio > XLSX_RATIO_MAX
        ):
            raise FileRefused("import.file.zip_bomb")
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise FileRefused("import.file.type")
    return archive


def _xlsx_rows(data: bytes):
    check_zip(data)
    # Imported here: only an .xlsx needs it, and it is the heaviest import of the app.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a broken workbook
        raise FileRefused("import.file.unreadable") from error
    try:
        if not workbook.worksheets:
            raise FileRefused("import.file.empty")
        sheet = workbook.worksheets[0]
        try:
            for values in sheet.iter_rows(values_only=True, max_col=COLUMNS_MAX):
                yield [_cell_text(value) for value in values]
        except FileRefused:
            raise
        except Exception as error:
            raise FileRefused("import.file.unreadable") from error
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell as text: a whole number without ".0", a formula as its text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# OWASP's CSV injection advice: a cell starting with one of these is a formula to a
# spreadsheet; an apostrophe in front makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """A cell as a CSV file we write holds it: prefixed with ' when it would start a
    formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def unneutralised(cell: str) -> str:
    """A cell as read back: the apostrophe ``neutralised`` added, removed (a file we
    gave out, fixed and uploaded again, reads as it was)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_STARTS) else cell


def csv_line(cells: list[str]) -> str:
    """One CSV line (comma, quoted where needed, CRLF) with every cell neutralised."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralised(c) for c in cells])
    return buffer.getvalue()


UTF8_BOM = _UTF8_BOM.decode("utf-8")
