"""Customers imported from a spreadsheet: checked, then every ready row saved at once.

The rows are checked by domain/customer_import.py (the Customer step's rules, the
file's duplicates) with the domains already claimed looked up in one query. "Import"
checks the rows again at that moment and saves every ready row in ONE transaction, each
as Next saves it (services/customers.write_customer: the Customer step complete, its
admin contacts invited through the Outbox, a limited user's selection). A domain
claimed meanwhile makes its row an error: when another save claims one between the
check and the commit, the unique index refuses the transaction, and the import checks
again and saves the rows still ready (at most ``_ATTEMPTS`` times).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from cloudlink_app.domain import customer_import, domains, forms, spreadsheet
from cloudlink_app.domain.customer_import import CheckedRow, SheetRow
from cloudlink_app.domain.i18n import render
from cloudlink_app.services import customers, domain_claims
from cloudlink_app.services.owned_customers import CustomerScope

_ATTEMPTS = 3
_IN_CHUNK = 1000  # domains per IN (...) list


@dataclasses.dataclass
class ImportResult:
    """What "Import" did: the customers saved (row number, account ID) and the rows
    that had errors at that moment (errors first, as the preview lists them)."""

    imported: list[tuple[int, str]]
    rows_with_errors: list[CheckedRow]


def _claimed(session: Session, rows: list[SheetRow]) -> set[str]:
    """The rows' (valid, normalised) domains another customer has claimed: one query
    per thousand, rather than one per domain."""
    candidates: dict[str, None] = {}
    for row in rows:
        form = customer_import.row_form(row.cells)
        candidates.update(dict.fromkeys(domains.claim_candidates(form.email_domains)))
    found: set[str] = set()
    names = list(candidates)
    for start in range(0, len(names), _IN_CHUNK):
        chunk = names[start : start + _IN_CHUNK]
        # partner_id is not used with an empty account ID: any customer's claim counts.
        found |= domain_claims.domains_claimed_elsewhere(session, chunk, 0, "")
    return found


def check_rows(session: Session, rows: list[SheetRow]) -> list[CheckedRow]:
    """The rows checked now, rows with errors first (then by row number)."""
    claimed = _claimed(session, rows)
    checked = customer_import.check_rows(rows, claimed.__contains__)
    return sorted(checked, key=lambda row: (row.ready, row.number))


def check_file(session: Session, data: bytes) -> list[CheckedRow]:
    """The file's rows checked ("Check file"); nothing is saved. Raises
    spreadsheet.FileRefused."""
    return check_rows(session, customer_import.read_rows(data))


def import_rows(
    session: Session, scope: CustomerScope, rows: list[SheetRow], saved_by: int | None
) -> ImportResult:
    """Check ``rows`` again and save every ready one in one transaction ("Import N
    customers"); a row that has errors now is not saved and is returned with them."""
    for attempt in range(1, _ATTEMPTS + 1):
        checked = check_rows(session, rows)
        ready = [row for row in checked if row.ready]
        try:
            saved = [
                (
                    row.number,
                    customers.write_customer(
                        session,
                        scope=scope,
                        account_id=None,
                        expected_version=None,
                        form=row.form,
                        complete=True,
                        saved_by=saved_by,
                    ).account_id,
                )
                for row in ready
            ]
            session.commit()
        except IntegrityError:
            # A domain (or an admin's user) was claimed by another save meanwhile:
            # nothing of this attempt is kept; the next one sees the claim.
            session.rollback()
            if attempt == _ATTEMPTS:
                raise
            continue
        return ImportResult(saved, [row for row in checked if not row.ready])
    raise AssertionError("unreachable")


def template_csv(lang: str) -> str:
    """The template: the headers in ``lang`` and one example row, UTF-8 with BOM."""
    example = forms.CustomerForm(
        customer_name="Example Ltd",
        country="NL",
        street_address="Damrak 1",
        city="Amsterdam",
        postal_code="1012 LG",
        business_type="retail",
        default_language=lang,
        email_domains=[forms.DomainRow(1, "example.com")],
        admin_contacts=[forms.AdminContactRow(2, "Ada", "Jansen", "ada@example.com")],
        support_contacts=[
            forms.SupportContactRow(3, forms.ROLE_MAINTAINER, "Mia de Vries", "mia@example.com"),
            forms.SupportContactRow(4, forms.ROLE_ONSITE_ADMIN, "Otto Bakker", "otto@example.com"),
        ],
    )
    cells = customer_import.form_cells(example, lang)
    return (
        spreadsheet.UTF8_BOM
        + spreadsheet.csv_line(customer_import.header_cells(lang))
        + spreadsheet.csv_line([cells[column] for column in customer_import.COLUMNS])
    )


def errors_csv(rows: list[CheckedRow], lang: str) -> str:
    """The rows with errors as typed, plus an "Errors" column worded in ``lang``: to
    fix and upload again. UTF-8 with BOM."""
    lines = [
        spreadsheet.UTF8_BOM
        + spreadsheet.csv_line(customer_import.header_cells(lang, customer_import.ERRORS))
    ]
    for row in rows:
        if row.ready:
            continue
        errors = " | ".join(render(text, lang) for text in row.errors)
        lines.append(
            spreadsheet.csv_line([*(row.cells[c] for c in customer_import.COLUMNS), errors])
        )
    return "".join(lines)
