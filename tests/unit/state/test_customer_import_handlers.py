"""The Import customers page's handlers (state/customer_import.py) as crafted events:
anything but one file, an account admin, a page that is no number, Import before a
check: refused and nothing saved; crafted files (a zip bomb, NUL bytes, 1,001 rows)
refused with the message that says what to fix, nothing saved; the way through works,
and a limited user's imports join their selection."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser, Customer, UserCustomer
from cloudlink_app.state.customer_import import CustomerImportState
from tests.support.database import database_rows, user_id
from tests.support.refusals import USER_VARS, assert_refused
from tests.support.spreadsheets import csv_bytes, good_row
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
JEROEN = "jeroen.bakker@northwind-telecom.example"
SANNE = "sanne@vandermeer-bakkerij.nl"
S = CustomerImportState


def upload(data: bytes, name: str = "customers.csv") -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name))


def two_good_one_bad() -> bytes:
    return csv_bytes(
        [
            good_row("Noord BV", "noord.example"),
            good_row("Zuid BV", "zuid.example"),
            good_row("West BV", "west.example", support="Maintainer: Mia <mia@west.example>"),
        ],
        delimiter=";",
        bom=True,
    )


async def opened(email: str = ANNA) -> Tab:
    tab = Tab(email)
    tab.open_route(routes.CUSTOMERS_IMPORT)
    sent = await tab.send(S, "load")
    assert sent.redirects == []
    return tab


async def test_an_account_admin_is_sent_home_and_refused(database, demo_users):
    tab = Tab(SANNE)
    tab.open_route(routes.CUSTOMERS_IMPORT)
    sent = await tab.send(S, "load")
    assert sent.redirects == [routes.ACCOUNT]
    refused = t("notice.partners_only_import")
    for handler, payload in (
        ("check_file", {"files": [upload(two_good_one_bad())]}),
        ("import_customers", {}),
        ("download_errors", {}),
        ("show_page", {"page": 1}),
        ("file_rejected", {"rejections": []}),
    ):
        await assert_refused(tab, database, S, handler, refused, ignore=USER_VARS, **payload)


@pytest.mark.parametrize(
    "files",
    ["customers.csv", [b"bytes"], [{"name": "x"}], None, 7],
    ids=repr,
)
async def test_anything_but_a_list_of_uploaded_files_is_refused(database, demo_users, files):
    tab = await opened()
    await assert_refused(tab, database, S, "check_file", t("notice.one_file"), files=files)


async def test_two_files_at_once_are_refused(database, demo_users):
    tab = await opened()
    files = [upload(two_good_one_bad()), upload(two_good_one_bad())]
    await assert_refused(tab, database, S, "check_file", t("notice.one_file"), files=files)


@pytest.mark.parametrize("page", ["2", 1.5, True, None, [1]], ids=repr)
async def test_a_page_that_is_no_number_is_refused(database, demo_users, page):
    tab = await opened()
    await tab.send(S, "check_file", files=[upload(two_good_one_bad())])
    await assert_refused(tab, database, S, "show_page", t("notice.unknown_page"), page=page)


async def test_import_before_a_check_is_refused(database, demo_users):
    tab = await opened()
    await assert_refused(tab, database, S, "import_customers", t("import.nothing_ready"))


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


CRAFTED = {
    "zip bomb renamed .xlsx": (_zip_bomb(), "import.file.zip_bomb", {}),
    "NUL bytes": (b"Customer name\r\nNo\0rd\r\n", "import.file.nul", {}),
    "1,001 rows": (
        csv_bytes([good_row(f"C{i}", f"c{i}.example") for i in range(1001)]),
        "import.file.too_many_rows",
        {"max": 1000},
    ),
    "a PDF": (b"%PDF-1.7 ...", "import.file.type", {}),
    "over 2 MB": (
        b"Customer name\r\n" + b"x" * (2 * 1024 * 1024),
        "import.file.too_large",
        {"max_mb": 2},
    ),
    "no file": (None, "import.no_file", {}),
}


@pytest.mark.parametrize("name", list(CRAFTED))
async def test_a_crafted_file_is_refused_with_what_to_fix(database, demo_users, name):
    data, key, params = CRAFTED[name]
    tab = await opened()
    rows_before = database_rows(database)
    files = [] if data is None else [upload(data, "customers.xlsx")]
    await tab.send(S, "check_file", files=files)
    state = tab.state(S)
    assert [link.message for link in state.error_summary] == [t(key, **params)]
    assert state.preview == [] and state.ready_count == 0
    assert database_rows(database) == rows_before


async def test_check_then_import_saves_the_ready_rows_only_then(database, demo_users):
    tab = await opened()
    rows_before = database_rows(database)
    await tab.send(S, "check_file", files=[upload(two_good_one_bad())])
    state = tab.state(S)
    assert [(row.id, row.ready) for row in state.preview] == [(4, False), (2, True), (3, True)]
    assert state.preview[0].result == [t("support_contacts.missing_onsite_admin")]
    assert database_rows(database) == rows_before  # nothing saved by the check
    await tab.send(S, "import_customers")
    with Session(database) as session:
        saved = session.exec(select(Customer.name, Customer.status).order_by(Customer.name)).all()
    assert [tuple(row) for row in saved] == [
        ("Noord BV", "next:gateway"),
        ("Zuid BV", "next:gateway"),
    ]
    state = tab.state(S)
    assert [row.id for row in state.preview] == [4]
    assert state.done == t("import.imported", count=2, errors=1)
    sent = await tab.send(S, "download_errors")
    [download] = sent.frontend_events
    url = download.payload["url"]
    assert url.startswith("data:text/csv;base64,")
    lines = base64.b64decode(url.split(",", 1)[1]).decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",Errors") and lines[1].startswith("West BV,")


async def test_a_limited_users_imports_join_their_selection(database, demo_users):
    with Session(database) as session:
        session.execute(
            sa.update(AppUser).where(AppUser.email == JEROEN).values(all_customers=False)
        )
        session.commit()
    tab = await opened(JEROEN)
    await tab.send(S, "check_file", files=[upload(two_good_one_bad())])
    await tab.send(S, "import_customers")
    with Session(database) as session:
        selected = session.exec(
            select(Customer.name)
            .join(UserCustomer, UserCustomer.customer_id == Customer.id)
            .where(UserCustomer.user_id == user_id(database, JEROEN))
        ).all()
    assert sorted(selected) == ["Noord BV", "Zuid BV"]
