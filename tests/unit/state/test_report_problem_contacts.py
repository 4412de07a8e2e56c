"""A problem report on a draft whose support contacts were saved as typed (a draft is
stored without every rule, services/customers.py): an address in capitals or with
spaces around it is mailed normalised; one that is no address stops the report, and the
page says which contact to correct (state/report_problem.py, services/problem_reports
``UnusableContacts``), instead of "unexpected error"."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import OutboxMessage, ProblemReport
from cloudlink_app.state.report_problem import ReportProblemState
from tests.support.builders import valid_form
from tests.support.database import save
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

S = ReportProblemState


def draft(database, partner, *emails: str) -> str:
    """A draft (Save and return) whose support contacts have ``emails`` as typed."""
    rows = [
        forms.SupportContactRow(20 + i, forms.ROLE_MAINTAINER, f"Contact {i + 1}", email)
        for i, email in enumerate(emails)
    ]
    form = dataclasses.replace(valid_form(), admin_contacts=[], support_contacts=rows)
    return save(database, partner, form, complete=False).account_id


async def send_report(account_id: str) -> Tab:
    tab = Tab()
    tab.open_route(
        routes.REPORT_PROBLEM, as_path=routes.report_problem_url(account_id), account_id=account_id
    )
    await tab.send(S, "load")
    await tab.send(S, "set_application", value="mitel_one")
    await tab.send(S, "set_summary", value="No sound")
    await tab.send(S, "set_description", value="Calls are silent.")
    await tab.send(S, "send_report")
    return tab


def stored(database) -> tuple[list[ProblemReport], list[OutboxMessage]]:
    with Session(database) as session:
        return (
            list(session.exec(select(ProblemReport)).all()),
            list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()),
        )


async def test_an_invalid_contact_address_is_named_and_nothing_is_sent(database, partner):
    account_id = draft(database, partner, "mo@acme.example", "olga at acme", "")

    tab = await send_report(account_id)

    assert tab.notice == t(
        "report_problem.contacts_unusable",
        contacts="2. Contact 2 (olga at acme); 3. Contact 3 (-)",
    ), f"the page said {tab.notice!r}"
    assert tab.state(S).done == ""
    assert stored(database) == ([], [])


async def test_addresses_saved_with_capitals_and_spaces_are_mailed_normalised(database, partner):
    account_id = draft(database, partner, "  Mo@ACME.Example ")

    tab = await send_report(account_id)

    assert tab.notice == "" and tab.state(S).done == t("report_problem.done")
    reports, messages = stored(database)
    assert len(reports) == 1
    assert [m.to_address for m in messages] == ["Mo@acme.example"]
