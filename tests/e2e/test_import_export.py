"""Many customers at once in the browser: a spreadsheet checked row by row and imported
(CSV with semicolons and a BOM, and .xlsx), the rows with errors downloaded, fixed and
imported, and the dashboard's search exported as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from cloudlink_app.models import AppUser
from cloudlink_app.services.database import get_session
from tests.support.browser import axe_violations, data_rows, ready
from tests.support.spreadsheets import csv_bytes, good_row, xlsx_bytes

ONSITE_MISSING = "Add a support contact with the role Onsite Admin"
WEST_SUPPORT = "Maintainer: Mia <mia@west.example>"


def three_rows() -> list[list[str]]:
    return [
        good_row("Noord BV", "noord.example"),
        good_row("Zuid BV", "zuid.example"),
        good_row("West BV", "west.example", support=WEST_SUPPORT),
    ]


def open_import(page: Page) -> None:
    page.goto("/")
    ready(page)
    page.get_by_role("link", name="Import customers").click()
    expect(page.get_by_role("heading", name="Import customers", level=1)).to_be_visible()
    ready(page)


def check(page: Page, path: Path) -> None:
    page.get_by_label("Spreadsheet (CSV or Excel)").set_input_files(path)
    page.get_by_role("button", name="Check file").click()


def preview_rows(page: Page):
    return page.get_by_role("table").locator("tbody").get_by_role("row")


def dashboard_names(page: Page) -> list[str]:
    page.goto("/")
    ready(page)
    rows = data_rows(page)
    return sorted(rows.nth(i).get_by_role("link").first.inner_text() for i in range(rows.count()))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_check_import_fix_and_import_again(page: Page, tmp_path: Path, kind: str):
    if kind == "csv":
        path = tmp_path / "customers.csv"
        path.write_bytes(csv_bytes(three_rows(), delimiter=";", bom=True))
    else:
        path = tmp_path / "customers.xlsx"
        path.write_bytes(xlsx_bytes(three_rows()))
    open_import(page)
    check(page, path)

    rows = preview_rows(page)
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("4")
    expect(rows.nth(0)).to_contain_text("West BV")
    expect(rows.nth(0)).to_contain_text(ONSITE_MISSING)
    expect(rows.filter(has_text="Ready")).to_have_count(2)
    assert axe_violations(page) == []

    # Nothing is saved before Import: another tab's dashboard shows no customer.
    other = page.context.new_page()
    other.goto("/")
    ready(other)
    expect(other.get_by_text("No customers yet", exact=False)).to_be_visible()
    expect(data_rows(other)).to_have_count(0)

    page.get_by_role("button", name="Import 2 customers").click()
    expect(page.get_by_role("status").filter(has_text="2 customers imported")).to_be_visible()
    expect(preview_rows(page)).to_have_count(1)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the rows with errors").click()
    errors_file = Path(download_info.value.path()).read_bytes()
    lines = list(csv.reader(io.StringIO(errors_file.decode("utf-8-sig"))))
    assert lines[0][-1] == "Errors" and lines[1][0] == "West BV"
    assert lines[1][-1] == ONSITE_MISSING
    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(
        errors_file.replace(
            WEST_SUPPORT.encode(),
            (WEST_SUPPORT + "; Onsite Admin: Otto <otto@west.example>").encode(),
        )
    )
    check(page, fixed)
    expect(preview_rows(page)).to_have_count(1)
    expect(preview_rows(page).first).to_contain_text("Ready")
    page.get_by_role("button", name="Import 1 customers").click()
    expect(page.get_by_role("status").filter(has_text="1 customers imported")).to_be_visible()

    other.goto("/")
    ready(other)
    expect(data_rows(other)).to_have_count(3)
    for i in range(3):
        expect(data_rows(other).nth(i)).to_contain_text("Next: Gateway")
    assert dashboard_names(other) == ["Noord BV", "West BV", "Zuid BV"]


def test_a_refused_file_says_what_to_fix(page: Page, tmp_path: Path):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(b"Customer name\r\nNo\0rd\r\n")
    open_import(page)
    check(page, path)
    summary = page.get_by_role("alert", name="There is a problem")
    expect(summary).to_contain_text("The file contains NUL characters")
    expect(summary).to_be_focused()
    expect(preview_rows(page)).to_have_count(0)


def test_export_gives_the_searchs_customers_as_utf8(page: Page, tmp_path: Path):
    path = tmp_path / "customers.csv"
    path.write_bytes(
        csv_bytes(
            [
                good_row("Café Noord", "noord.example"),
                good_row("Zuid BV", "zuid.example"),
                good_row("=Noordelijk", "noordelijk.example"),
            ]
        )
    )
    open_import(page)
    check(page, path)
    page.get_by_role("button", name="Import 3 customers").click()
    expect(page.get_by_role("status").filter(has_text="3 customers imported")).to_be_visible()

    page.goto("/")
    ready(page)
    page.get_by_label("Search customers", exact=True).fill("noord")
    expect(data_rows(page)).to_have_count(2)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export to CSV").click()
    body = Path(download_info.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0][0] == "Customer name" and lines[0][-3:] == [
        "Account ID",
        "Status",
        "Last saved",
    ]
    assert sorted(line[0] for line in lines[1:]) == ["'=Noordelijk", "Café Noord"]
    assert all(line[-2] == "Next: Gateway" for line in lines[1:])


@pytest.fixture
def no_saved_languages(app_harness):
    """No user has a saved UI language after the test."""
    yield
    with get_session() as session:
        session.execute(sa.update(AppUser).values(ui_language=None))
        session.commit()


def test_in_dutch_at_320_pixels_by_keyboard(page: Page, tmp_path: Path, no_saved_languages):
    path = tmp_path / "klanten.csv"
    rows = three_rows()
    rows[0][1] = "Nederland"
    path.write_bytes(csv_bytes(rows, delimiter=";", bom=True))
    page.set_viewport_size({"width": 320, "height": 640})
    open_import(page)
    page.get_by_role("navigation", name="Taal / Language").get_by_role(
        "button", name="Nederlands"
    ).click()
    expect(page.get_by_role("heading", name="Klanten importeren", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Download het sjabloon")).to_be_visible()
    page.get_by_label("Spreadsheet (CSV of Excel)").set_input_files(path)
    # The file input, then "Bestand controleren", by keyboard.
    page.get_by_label("Spreadsheet (CSV of Excel)").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Bestand controleren")).to_be_focused()
    page.keyboard.press("Enter")
    expect(preview_rows(page)).to_have_count(3)
    expect(preview_rows(page).first).to_contain_text(
        "Voeg een ondersteuningscontact toe met de rol Locatiebeheerder"
    )
    expect(preview_rows(page).filter(has_text="Klaar")).to_have_count(2)
    assert axe_violations(page) == []
    page.get_by_role("button", name="2 klanten importeren").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="2 klanten geïmporteerd")).to_be_visible()
