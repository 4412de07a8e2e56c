"""A customer spreadsheet checked row by row by the Customer step's own rules.

Pure: no database, no Reflex. ``check_file`` reads the bytes (domain/spreadsheet.py),
maps the header to the columns (English or Dutch, as the catalogs name them), turns
each row into a ``CustomerForm`` and checks it with ``validation.validate_customer``
(the same function Next calls), plus what only a file can get wrong: the same email
domain or customer name on two rows. A domain claimed by another customer is the
Customer step's own rule, asked through the callable passed in.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable

from cloudlink_app.domain import choices, forms, validation
from cloudlink_app.domain.domains import normalize_domain
from cloudlink_app.domain.i18n import UI_LANGUAGES, Text, t
from cloudlink_app.domain.limits import clean_text, normal_or_none
from cloudlink_app.domain.spreadsheet import FileRefused, read_sheet, unneutralised

# The columns, in the template's order; a column's header is t(column_key(column)).
COLUMNS = (
    forms.CUSTOMER_NAME,
    *forms.ADDRESS_FIELDS,
    forms.BUSINESS_TYPE,
    forms.DEFAULT_LANGUAGE,
    forms.EMAIL_DOMAINS,
    forms.ADMIN_CONTACTS,
    forms.SUPPORT_CONTACTS,
)
# The export's columns after COLUMNS, and the errors file's last column.
ACCOUNT_ID, STATUS, LAST_SAVED, ERRORS = "account_id", "status", "last_saved", "errors"
EXTRA_COLUMNS = (ACCOUNT_ID, STATUS, LAST_SAVED, ERRORS)
LIST_SEPARATOR = ";"
_CONTACT = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*$")

__all__ = [
    "COLUMNS",
    "CheckedRow",
    "FileRefused",
    "check_file",
    "column_key",
    "form_cells",
    "read_rows",
]


def column_key(column: str) -> str:
    """The catalog key of a column's header (and of the export's extra columns)."""
    return f"import.column.{column}"


@dataclasses.dataclass(frozen=True)
class SheetRow:
    """One data row: its row number in the spreadsheet (the header is row 1) and its
    cells by column id, as typed."""

    number: int
    cells: dict[str, str]


@dataclasses.dataclass
class CheckedRow:
    """A row with the form made from it and its errors (none: ready to import)."""

    number: int
    cells: dict[str, str]
    form: forms.CustomerForm
    errors: list[Text]

    @property
    def ready(self) -> bool:
        """Whether the row can be imported."""
        return not self.errors


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.cache
def _headers() -> dict[str, str]:
    # The errors file's "Errors" column is known too (and ignored): a fixed file goes
    # back in as it is.
    columns = (*COLUMNS, ERRORS)
    return {_fold(t(column_key(c), lang)): c for lang in UI_LANGUAGES for c in columns}


def read_rows(data: bytes) -> list[SheetRow]:
    """The file's data rows by column. Raises FileRefused (the file's own problems, an
    unknown column or no "Customer name" column)."""
    header, *rows = read_sheet(data)
    columns: list[str | None] = []
    for cell in header:
        if not cell.strip():
            columns.append(None)
            continue
        column = _headers().get(_fold(cell))
        if column is None or column in columns:
            raise FileRefused("import.file.unknown_column", column=clean_text(cell.strip())[:60])
        columns.append(column)
    if forms.CUSTOMER_NAME not in columns:
        raise FileRefused("import.file.no_name_column")
    result = []
    for number, row in enumerate(rows, start=2):
        cells = dict.fromkeys(COLUMNS, "")
        for column, value in zip(columns, row, strict=False):
            if column is not None and column != ERRORS:
                cells[column] = unneutralised(clean_text(value).strip())
        result.append(SheetRow(number, cells))
    return result


@functools.cache
def _choice_lookup(kind: str) -> dict[str, str]:
    """Folded key, code or label (English or Dutch) -> the stored value."""
    options: Callable[[str], list[tuple[str, str]]] = {
        forms.COUNTRY: choices.country_options,
        forms.BUSINESS_TYPE: choices.business_type_options,
        forms.DEFAULT_LANGUAGE: choices.language_options,
        "role": choices.role_options,
    }[kind]
    lookup: dict[str, str] = {}
    for lang in UI_LANGUAGES:
        for value, label in options(lang):
            lookup[_fold(label)] = value
            lookup[_fold(value)] = value
    return lookup


def _choice(kind: str, typed: str) -> str:
    """The stored value for what was typed; as typed when unknown (the rule says so)."""
    return _choice_lookup(kind).get(_fold(typed), typed.strip())


def _entries(cell: str) -> list[str]:
    return [entry.strip() for entry in cell.split(LIST_SEPARATOR) if entry.strip()]


def _contact(entry: str) -> tuple[str, str]:
    """("Name", "email") of "Name <email>"; a bare address has no name."""
    match = _CONTACT.match(entry)
    if match:
        return match["name"].strip(), match["email"].strip()
    if "@" in entry and " " not in entry:
        return "", entry
    return entry, ""


def row_form(cells: dict[str, str]) -> forms.CustomerForm:
    """The Customer step's form a row stands for; what cannot be read stays as typed,
    for the step's rules to word."""
    ids = itertools.count(1)
    admins = []
    for entry in _entries(cells[forms.ADMIN_CONTACTS]):
        name, email = _contact(entry)
        first, _, last = name.rpartition(" ") if " " in name else (name, "", "")
        admins.append(forms.AdminContactRow(next(ids), first.strip(), last.strip(), email))
    support = []
    for entry in _entries(cells[forms.SUPPORT_CONTACTS]):
        role, colon, rest = entry.partition(":")
        if not colon:
            role, rest = "", entry
        name, email = _contact(rest.strip())
        support.append(forms.SupportContactRow(next(ids), _choice("role", role), name, email))
    return forms.CustomerForm(
        customer_name=cells[forms.CUSTOMER_NAME],
        country=_choice(forms.COUNTRY, cells[forms.COUNTRY]),
        street_address=cells[forms.STREET_ADDRESS],
        address_line2=cells[forms.ADDRESS_LINE2],
        city=cells[forms.CITY],
        state_province=cells[forms.STATE_PROVINCE],
        postal_code=cells[forms.POSTAL_CODE],
        business_type=_choice(forms.BUSINESS_TYPE, cells[forms.BUSINESS_TYPE]),
        default_language=_choice(forms.DEFAULT_LANGUAGE, cells[forms.DEFAULT_LANGUAGE]),
        email_domains=[
            forms.DomainRow(next(ids), value) for value in _entries(cells[forms.EMAIL_DOMAINS])
        ],
        admin_contacts=admins,
        support_contacts=support,
    )


def check_rows(
    rows: list[SheetRow], is_claimed_elsewhere: Callable[[str], bool]
) -> list[CheckedRow]:
    """Every row checked, in file order: the Customer step's rules, then the same
    domain or customer name as an earlier row of the file."""
    checked = []
    first_with_domain: dict[str, int] = {}
    first_with_name: dict[str, int] = {}
    for row in rows:
        form = row_form(row.cells)
        errors = list(validation.validate_customer(form, is_claimed_elsewhere).values())
        name = _fold(form.customer_name)
        if name:
            if name in first_with_name:
                errors.append(Text("import.duplicate_name", {"row": first_with_name[name]}))
            else:
                first_with_name[name] = row.number
        for domain_row in form.email_domains:
            normal = normal_or_none(normalize_domain, domain_row.value)
            if normal is None:
                continue
            if normal in first_with_domain and first_with_domain[normal] != row.number:
                errors.append(
                    Text(
                        "import.duplicate_domain",
                        {"domain": normal, "row": first_with_domain[normal]},
                    )
                )
            else:
                first_with_domain.setdefault(normal, row.number)
        checked.append(CheckedRow(row.number, row.cells, form, errors))
    return checked


def check_file(data: bytes, is_claimed_elsewhere: Callable[[str], bool]) -> list[CheckedRow]:
    """The file's rows, checked, rows with errors first (then by row number).
    Raises FileRefused."""
    checked = check_rows(read_rows(data), is_claimed_elsewhere)
    return sorted(checked, key=lambda row: (row.ready, row.number))


@functools.cache
def _labels(kind: str, lang: str) -> dict[str, str]:
    options: Callable[[str], list[tuple[str, str]]] = {
        forms.COUNTRY: choices.country_options,
        forms.BUSINESS_TYPE: choices.business_type_options,
        forms.DEFAULT_LANGUAGE: choices.language_options,
        "role": choices.role_options,
    }[kind]
    return dict(options(lang))


def _label(kind: str, value: str, lang: str) -> str:
    # Cached per list and language: the export words 100,000 customers with it.
    return _labels(kind, lang).get(value, value)


def form_cells(form: forms.CustomerForm, lang: str) -> dict[str, str]:
    """A customer as the template's cells, worded in ``lang``: the inverse of
    ``row_form`` (the export; the template's example)."""
    separator = f"{LIST_SEPARATOR} "
    return {
        forms.CUSTOMER_NAME: form.customer_name,
        forms.COUNTRY: _label(forms.COUNTRY, form.country, lang),
        forms.STREET_ADDRESS: form.street_address,
        forms.ADDRESS_LINE2: form.address_line2,
        forms.CITY: form.city,
        forms.STATE_PROVINCE: form.state_province,
        forms.POSTAL_CODE: form.postal_code,
        forms.BUSINESS_TYPE: _label(forms.BUSINESS_TYPE, form.business_type, lang),
        forms.DEFAULT_LANGUAGE: _label(forms.DEFAULT_LANGUAGE, form.default_language, lang),
        forms.EMAIL_DOMAINS: separator.join(row.value for row in form.email_domains),
        forms.ADMIN_CONTACTS: separator.join(
            f"{a.first_name} {a.last_name} <{a.email}>".strip() for a in form.admin_contacts
        ),
        forms.SUPPORT_CONTACTS: separator.join(
            f"{_label('role', s.role, lang)}: {s.name} <{s.email}>" for s in form.support_contacts
        ),
    }


def header_cells(lang: str, *extra: str) -> list[str]:
    """The template's headers in ``lang``, then ``extra`` columns (EXTRA_COLUMNS)."""
    return [t(column_key(column), lang) for column in (*COLUMNS, *extra)]
