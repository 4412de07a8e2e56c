"""What Next with its save costs the database (issue 21): the save itself
(tests/unit/services/test_save_statements.py) and, around it, one read of the
session, the live check's one query for the domains, and after the commit one read
of the customer and one of its newest save: the record the save returned decides
where Next goes (it was read again, and the newest save with the customer again)."""

from __future__ import annotations

import dataclasses

import pytest

from cloudlink_app import routes
from cloudlink_app.domain import forms, wizard_path
from tests.support.builders import valid_form
from tests.support.tabs import Tab, type_form
from tests.unit.state.test_event_costs import statements

# The session, the domains' live check, the save of a new customer with one domain
# (13 statements with a new admin contact), the customer read after the commit (the
# wizard's record) and its newest save.
NEXT_STATEMENTS = 17


def reading(sent: list[str], table: str) -> list[str]:
    return [s for s in sent if s.upper().startswith("SELECT") and f" FROM {table} " in f"{s} "]


async def next_with_save(tab: Tab, form: forms.CustomerForm) -> list[str]:
    await type_form(tab, form)
    with statements() as sent:
        sent_events = await tab.customer("next_step")
    account_id = tab.customer_step.loaded
    assert sent_events.redirects == [routes.step_url(account_id, wizard_path.GATEWAY)]
    return sent


@pytest.mark.asyncio
async def test_next_with_its_save_sends_its_statements_and_no_more(new_customer):
    sent = await next_with_save(new_customer, valid_form())
    assert len(sent) == NEXT_STATEMENTS, "\n".join(sent)
    after_save = sent[next(i for i, s in enumerate(sent) if "INTO outbox_message" in s) :]
    assert len(reading(after_save, "customer")) == 1, "\n".join(after_save)
    assert len(reading(after_save, "save_record")) == 1, "\n".join(after_save)


@pytest.mark.asyncio
async def test_next_with_10_admin_contacts_costs_what_next_with_1_costs(new_customer):
    admins = [
        forms.AdminContactRow(100 + n, "Admin", f"Number {n}", f"admin{n}@acme.example")
        for n in range(10)
    ]
    sent = await next_with_save(
        new_customer, dataclasses.replace(valid_form(), admin_contacts=admins)
    )
    assert len(sent) == NEXT_STATEMENTS, "\n".join(sent)
