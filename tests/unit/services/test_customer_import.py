"""services/customer_import.py and services/customer_export.py on the database: Check
saves nothing, Import saves every ready row at once (re-checked then), the template,
the rows-with-errors file and the export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session, select

from cloudlink_app.domain import customer_import as rows_domain
from cloudlink_app.domain.i18n import render
from cloudlink_app.models import Customer, OutboxMessage
from cloudlink_app.services import customer_export, customer_import, domain_claims
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import save
from tests.support.spreadsheets import csv_bytes, good_row


def _file() -> bytes:
    return csv_bytes(
        [
            good_row("Noord BV", "noord.example"),
            good_row("Zuid BV", "zuid.example"),
            good_row("West BV", "west.example", support="Maintainer: Mia <mia@west.example>"),
        ],
        delimiter=";",
        bom=True,
    )


def _customers(engine) -> list[Customer]:
    with Session(engine) as session:
        return list(session.exec(select(Customer).order_by(Customer.name)))


def test_check_saves_nothing_and_lists_rows_with_errors_first(database, session, partner):
    checked = customer_import.check_file(session, _file())
    assert [(row.number, row.ready) for row in checked] == [(4, False), (2, True), (3, True)]
    assert _customers(database) == []


def test_import_saves_ready_rows_with_the_customer_step_complete(database, session, partner):
    checked = customer_import.check_file(session, _file())
    result = customer_import.import_rows(
        session,
        CustomerScope(partner),
        [rows_domain.SheetRow(r.number, r.cells) for r in checked],
        None,
    )
    assert [number for number, _ in result.imported] == [2, 3]
    assert [row.number for row in result.rows_with_errors] == [4]
    saved = _customers(database)
    assert [(c.name, c.status) for c in saved] == [
        ("Noord BV", "next:gateway"),
        ("Zuid BV", "next:gateway"),
    ]
    with Session(database) as other:
        invited = sorted(m.to_address for m in other.exec(select(OutboxMessage)))
    assert invited == ["ada@noord.example", "ada@zuid.example"]


def test_a_domain_claimed_between_check_and_import_makes_its_row_an_error(
    database, session, partner
):
    checked = customer_import.check_file(session, _file())
    save(database, partner, valid_form("Elsewhere BV", "zuid.example"))
    result = customer_import.import_rows(
        session,
        CustomerScope(partner),
        [rows_domain.SheetRow(r.number, r.cells) for r in checked],
        None,
    )
    assert [number for number, _ in result.imported] == [2]
    errors = {row.number: [render(e, "en") for e in row.errors] for row in result.rows_with_errors}
    assert errors[3] == ["This email domain is already used by another customer account"]


def test_a_claim_committed_during_the_import_is_checked_again(
    database, session, partner, monkeypatch
):
    """The unique index refuses the transaction; the import checks again and saves the
    rows still ready, rather than failing."""
    rows = [
        rows_domain.SheetRow(r.number, r.cells)
        for r in customer_import.check_file(session, _file())
    ]
    save(database, partner, valid_form("Elsewhere BV", "zuid.example"))
    real_claimed = customer_import._claimed
    calls = []

    def first_check_misses_it(session, rows):
        calls.append(1)
        return set() if len(calls) == 1 else real_claimed(session, rows)

    monkeypatch.setattr(customer_import, "_claimed", first_check_misses_it)
    monkeypatch.setattr(domain_claims, "domains_taken", lambda *_: set())
    result = customer_import.import_rows(session, CustomerScope(partner), rows, None)
    assert len(calls) == 2
    assert [number for number, _ in result.imported] == [2]
    assert sorted(row.number for row in result.rows_with_errors) == [3, 4]
    assert [c.name for c in _customers(database)] == ["Elsewhere BV", "Noord BV"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_template_reads_back_as_one_ready_row(session, lang):
    template = customer_import.template_csv(lang).encode("utf-8")
    assert template.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    assert header[0] == {"en": "Customer name", "nl": "Klantnaam"}[lang]
    [row] = customer_import.check_file(session, template)
    assert row.ready, row.errors


def test_the_rows_with_errors_file_fixed_imports(database, session, partner):
    checked = customer_import.check_file(session, _file())
    errors_file = customer_import.errors_csv(checked, "en")
    lines = list(csv.reader(io.StringIO(errors_file.removeprefix("\ufeff"))))
    assert lines[0][-1] == "Errors"
    assert [line[0] for line in lines[1:]] == ["West BV"]
    assert lines[1][-1] == "Add a support contact with the role Onsite Admin"
    fixed = errors_file.replace(
        "Maintainer: Mia <mia@west.example>",
        "Maintainer: Mia <mia@west.example>; Onsite Admin: Otto <otto@west.example>",
    )
    [row] = customer_import.check_file(session, fixed.encode("utf-8"))
    assert row.ready, row.errors


def test_the_export_streams_the_search_in_scope_neutralised(
    database, session, partner, other_partner
):
    save(database, partner, valid_form("=HYPERLINK(1) BV", "formula.example"))
    save(database, partner, valid_form("Acme Noord", "noord.example"))
    save(database, partner, valid_form("Other", "other.example"))
    save(database, other_partner, valid_form("Acme Rival", "rival.example"))
    text = "".join(customer_export.export_lines(session, CustomerScope(partner), "", "en"))
    assert text.startswith("\ufeffCustomer name,")
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert lines[0][-3:] == ["Account ID", "Status", "Last saved"]
    assert sorted(line[0] for line in lines[1:]) == ["'=HYPERLINK(1) BV", "Acme Noord", "Other"]
    found = "".join(customer_export.export_lines(session, CustomerScope(partner), "acme", "nl"))
    lines = list(csv.reader(io.StringIO(found.removeprefix("\ufeff"))))
    assert [line[0] for line in lines[1:]] == ["Acme Noord"]
    assert lines[1][-2] == "Volgende stap: Gateway"
