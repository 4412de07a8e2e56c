"""Every save records who saved which step when; Review shows the last changes."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import SaveRecord
from cloudlink_app.services import customers, owned_customers, save_history, users, wizard
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.state.review_step import ReviewStepState
from tests.support.builders import gateway_form, valid_form
from tests.support.database import add_user, make_customer, version
from tests.support.tabs import Tab, open_step


def test_a_save_records_who_which_step_and_when(database, partner):
    with Session(database) as session:
        anna = users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL).id
        record = customers.save_customer(
            session,
            scope=CustomerScope(partner),
            account_id=None,
            expected_version=None,
            form=valid_form("Audit BV", "audit.example"),
            complete=True,
            saved_by=anna,
        )
    add_user(database, "jeroen@audit.example", users.PARTNER_ROLE, partner)
    with Session(database) as session:
        other = users.find_user(session, "jeroen@audit.example").id
        wizard.save_gateway(
            session,
            scope=CustomerScope(partner),
            account_id=record.account_id,
            expected_version=version(database, record.account_id),
            form=gateway_form(),
            complete=True,
            saved_by=other,
        )
        rows = session.exec(select(SaveRecord).order_by(SaveRecord.id)).all()
        saves = save_history.recent_saves(session, CustomerScope(partner), record.account_id)
    assert [(r.user_id, r.step) for r in rows] == [
        (anna, wizard_path.CUSTOMER),
        (other, wizard_path.GATEWAY),
    ]
    assert all(r.saved_at is not None for r in rows)
    # Newest first, with the user's name.
    assert [(s.user_name, s.step) for s in saves] == [
        ("jeroen", wizard_path.GATEWAY),
        ("Anna de Vries", wizard_path.CUSTOMER),
    ]


def test_recent_saves_are_scoped_by_partner(database, partner):
    account_id = make_customer(database, partner, wizard_path.CUSTOMER)
    with Session(database) as session, pytest.raises(owned_customers.CustomerNotFound):
        save_history.recent_saves(session, CustomerScope(partner + 1000), account_id)


@pytest.mark.asyncio
async def test_review_shows_the_last_changes(database, partner):
    account_id = make_customer(database, partner, wizard_path.CONNECT)
    with Session(database) as session:
        anna = users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL).id
        wizard.save_gateway(
            session,
            scope=CustomerScope(partner),
            account_id=account_id,
            expected_version=version(database, account_id),
            form=gateway_form(),
            complete=True,
            saved_by=anna,
        )
    tab = Tab()
    await open_step(tab, wizard_path.REVIEW, account_id)
    lines = tab.state(ReviewStepState).last_changes
    assert lines
    assert lines[0].startswith("Saved by Anna de Vries, ")
    assert lines[0].endswith("(Gateway)")
