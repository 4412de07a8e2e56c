"""services/wizard.py on SQLite: what each step stores, what a change re-opens, the
connection checks and their audit rows, the dashboard status, the optimistic lock and
the partner scope."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from sqlmodel import Session, select

from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.models import ConnectionCheck, Customer
from cloudlink_app.services import customers, owned_customers, save_history, users, wizard
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import gateway_form, pbx_form, result, sync_form, unique_mac
from tests.support.database import (
    add_checks,
    add_partner,
    add_user,
    customer_row,
    database_rows,
    make_customer,
    set_columns,
    user_id,
    version,
)

APPLIANCE, SMBC, VA = wizard_path.APPLIANCE, wizard_path.SMBC, wizard_path.VA


def completed(engine, account_id: str) -> set[str]:
    return wizard_path.parse_completed(customer_row(engine, account_id).completed_steps)


def checks(engine) -> list[ConnectionCheck]:
    with Session(engine) as session:
        return list(session.exec(select(ConnectionCheck).order_by(ConnectionCheck.id)).all())


def gateway(engine, partner_id, account_id, form, complete=True):
    with Session(engine) as session:
        return wizard.save_gateway(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=version(engine, account_id),
            form=form,
            complete=complete,
        )


def pbx(engine, partner_id, account_id, form, complete=True):
    with Session(engine) as session:
        return wizard.save_pbx(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=version(engine, account_id),
            form=form,
            complete=complete,
        )


def sync(engine, partner_id, account_id, form, complete=True):
    with Session(engine) as session:
        return wizard.save_sync(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=version(engine, account_id),
            form=form,
            complete=complete,
        )


def check(engine, partner_id, account_id, target, outcome=wizard.REACHABLE, uid=None):
    with Session(engine) as session:
        return wizard.record_check(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            user_id=uid if uid is not None else user_id(engine),
            target=target,
            result=result(outcome),
        )


def connect(engine, partner_id, account_id, skipped):
    with Session(engine) as session:
        return wizard.complete_connect(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=version(engine, account_id),
            skipped=skipped,
        )


def start(engine, partner_id, account_id):
    with Session(engine) as session:
        return wizard.start_sync(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=version(engine, account_id),
        )


def failing(engine, partner_id, account_id):
    with Session(engine) as session:
        return wizard.first_failing_step(session, CustomerScope(partner_id), account_id)


def finish(engine, partner_id, account_id):
    with Session(engine) as session:
        return wizard.finish(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=version(engine, account_id),
        )


# ----- Gateway -------------------------------------------------------------------------


def test_a_gateway_draft_keeps_what_was_typed_and_claims_the_normal_form(database, partner):
    account_id = make_customer(database, partner, wizard_path.CUSTOMER)
    form = gateway_form(mac="001a.2b3c.4d5e", site_name="  Depot  ")
    record = gateway(database, partner, account_id, form, complete=False)
    row = customer_row(database, account_id)
    assert row.mac_address == "001a.2b3c.4d5e"
    assert row.mac_claim == "00:1A:2B:3C:4D:5E"
    assert row.site_name == "Depot"
    assert wizard_path.GATEWAY not in completed(database, account_id)
    assert row.status == "next:gateway"
    assert row.version == record.version == 2
    assert record.gateway.mac_address == "001a.2b3c.4d5e"


def test_a_gateway_draft_with_a_mac_that_is_not_one_claims_nothing(database, partner):
    account_id = make_customer(database, partner, wizard_path.CUSTOMER)
    gateway(database, partner, account_id, gateway_form(mac="00:1A:2B"), complete=False)
    row = customer_row(database, account_id)
    assert row.mac_address == "00:1A:2B"
    assert row.mac_claim is None


@pytest.mark.parametrize(
    "typed",
    ["00-1a-2b-3c-4d-5e", " 001a.2b3c.4d5e ", "001A2B3C4D5E", "0:1a:2b:3c:4d:5e"],
)
def test_a_complete_gateway_stores_the_mac_address_in_its_normal_form(database, partner, typed):
    account_id = make_customer(database, partner, wizard_path.CUSTOMER)
    record = gateway(database, partner, account_id, gateway_form(mac=typed))
    row = customer_row(database, account_id)
    assert row.mac_address == row.mac_claim == "00:1A:2B:3C:4D:5E"
    assert record.completed == {wizard_path.CUSTOMER, wizard_path.GATEWAY}
    assert row.status == "next:pbx"


def test_a_complete_gateway_stores_the_system_id_and_site_postal_code_in_normal_form(
    database, partner
):
    account_id = make_customer(database, partner, wizard_path.CUSTOMER)
    form = gateway_form(
        SMBC,
        system_id=" smbc-0042 ",
        site_same_address=False,
        site_country="NL",
        site_street_address="Dam 1",
        site_city="Amsterdam",
        site_postal_code="1012jS",
    )
    gateway(database, partner, account_id, form)
    row = customer_row(database, account_id)
    assert row.system_id == "SMBC-0042"
    assert row.site_postal_code == "1012 JS"
    assert row.mac_claim is None
    assert row.status == "next:sync"


def test_a_mac_claimed_by_another_customer_is_not_claimed_again(database, partner):
    first = make_customer(
        database, partner, wizard_path.GATEWAY, gateway=gateway_form(mac="02:11:22:33:44:55")
    )
    other_partner = add_partner(database, "Other Telecom")
    second = make_customer(database, other_partner, wizard_path.CUSTOMER)
    gateway(database, other_partner, second, gateway_form(mac="0211.2233.4455"), complete=False)
    assert customer_row(database, second).mac_claim is None
    assert customer_row(database, first).mac_claim == "02:11:22:33:44:55"
    first_id = customer_row(database, first).id
    second_id = customer_row(database, second).id
    with Session(database) as session:
        assert wizard.mac_claimed_elsewhere(session, "02:11:22:33:44:55", second_id)
        assert wizard.mac_claimed_elsewhere(session, "02:11:22:33:44:55", None)
        assert not wizard.mac_claimed_elsewhere(session, "02:11:22:33:44:55", first_id)


def test_saving_again_keeps_the_customers_own_claim(database, partner):
    account_id = make_customer(
        database, partner, wizard_path.GATEWAY, gateway=gateway_form(mac="02:11:22:33:44:66")
    )
    gateway(
        database, partner, account_id, gateway_form(mac="02-11-22-33-44-66", site_name="Renamed")
    )
    row = customer_row(database, account_id)
    assert row.mac_claim == "02:11:22:33:44:66"
    assert row.site_name == "Renamed"


def test_a_new_deployment_type_releases_the_claim(database, partner):
    account_id = make_customer(
        database, partner, wizard_path.GATEWAY, gateway=gateway_form(mac="02:11:22:33:44:77")
    )
    gateway(database, partner, account_id, gateway_form(SMBC))
    assert customer_row(database, account_id).mac_claim is None
    other = make_customer(
        database, partner, wizard_path.GATEWAY, gateway=gateway_form(mac="02:11:22:33:44:77")
    )
    assert customer_row(database, other).mac_claim == "02:11:22:33:44:77"


def test_a_claim_taken_while_saving_is_mac_claimed_and_nothing_is_saved(
    database, partner, monkeypatch
):
    make_customer(
        database, partner, wizard_path.GATEWAY, gateway=gateway_form(mac="02:11:22:33:44:88")
    )
    second = make_customer(database, partner, wizard_path.CUSTOMER)
    # The check misses the other customer's claim, as when it commits between the
    # check and this save: the unique index still refuses the second claim.
    monkeypatch.setattr(wizard, "mac_claimed_elsewhere", lambda *args: False)
    rows_before = database_rows(database)
    with pytest.raises(wizard.MacClaimed):
        gateway(database, partner, second, gateway_form(mac="0211.2233.4488", site_name="Lost"))
    assert database_rows(database) == rows_before


# ----- the deployment type re-opens the steps after the Gateway step ------------------


def test_a_new_deployment_type_reopens_the_later_steps_and_keeps_their_data(database, partner):
    account_id = make_customer(
        database, partner, wizard_path.REVIEW, pbx=pbx_form("pbx.keep.example", "4000")
    )
    before = customer_row(database, account_id)
    assert before.status == wizard_path.ONBOARDED

    gateway(database, partner, account_id, gateway_form(VA, system_id="VA-0001"))
    row = customer_row(database, account_id)
    assert completed(database, account_id) == {wizard_path.CUSTOMER, wizard_path.GATEWAY}
    assert row.onboarded is False
    assert row.status == "next:sync"
    assert (row.pbx_type, row.pbx_address, row.pbx_port) == (
        before.pbx_type,
        "pbx.keep.example",
        "4000",
    )
    assert row.connection_result == before.connection_result == wizard.REACHABLE

    # The page keeps the hidden System ID as typed: it is stored, not checked.
    gateway(
        database,
        partner,
        account_id,
        dataclasses.replace(gateway_form(APPLIANCE), system_id="VA-0001"),
    )
    row = customer_row(database, account_id)
    assert completed(database, account_id) == {wizard_path.CUSTOMER, wizard_path.GATEWAY}
    assert row.status == "next:pbx"
    assert row.pbx_address == "pbx.keep.example"
    assert row.system_id == "VA-0001"


def test_the_same_deployment_type_keeps_the_later_steps_completed(database, partner):
    account_id = make_customer(database, partner, wizard_path.CONNECT)
    mac = customer_row(database, account_id).mac_address
    gateway(database, partner, account_id, gateway_form(mac=mac, site_name="New name"))
    assert completed(database, account_id) == {
        wizard_path.CUSTOMER,
        wizard_path.GATEWAY,
        wizard_path.PBX,
        wizard_path.CONNECT,
    }
    assert customer_row(database, account_id).status == "next:review"


def test_a_draft_with_a_new_deployment_type_also_reopens_the_later_steps(database, partner):
    account_id = make_customer(database, partner, wizard_path.CONNECT)
    gateway(database, partner, account_id, gateway_form(SMBC), complete=False)
    assert completed(database, account_id) == {wizard_path.CUSTOMER, wizard_path.GATEWAY}


# ----- PBX and Connect ----------------------------------------------------------------


def test_save_pbx_stores_the_normal_forms_on_next_and_as_typed_in_a_draft(database, partner):
    account_id = make_customer(database, partner, wizard_path.GATEWAY)
    pbx(database, partner, account_id, pbx_form(" PBX.Acme.Example. ", " 0443 "), complete=False)
    row = customer_row(database, account_id)
    assert (row.pbx_address, row.pbx_port) == ("PBX.Acme.Example.", "0443")
    assert wizard_path.PBX not in completed(database, account_id)
    pbx(database, partner, account_id, pbx_form(" PBX.Acme.Example. ", " 0443 "))
    row = customer_row(database, account_id)
    assert (row.pbx_address, row.pbx_port) == ("pbx.acme.example", "443")
    assert row.connection_target == "pbx.acme.example:443"
    assert wizard_path.PBX in completed(database, account_id)
    assert row.status == "next:connect"


@pytest.mark.parametrize("complete", [True, False], ids=["next", "draft"])
@pytest.mark.parametrize(
    "changed", [pbx_form("pbx2.acme.example"), pbx_form(port="4000")], ids=["address", "port"]
)
def test_save_pbx_with_a_new_target_reopens_connect_and_clears_the_result(
    database, partner, changed, complete
):
    account_id = make_customer(database, partner, wizard_path.CONNECT)
    set_columns(database, account_id, connection_skipped=True)
    assert wizard_path.CONNECT in completed(database, account_id)
    pbx(database, partner, account_id, changed, complete=complete)
    row = customer_row(database, account_id)
    assert wizard_path.CONNECT not in completed(database, account_id)
    assert row.connection_result == ""
    assert row.connection_checked_at is None
    assert row.connection_skipped is False
    assert row.connection_target == wizard.target_of(changed.pbx_address, changed.pbx_port)
    assert row.status == "next:connect"


def test_save_pbx_with_the_same_target_keeps_the_check(database, partner):
    account_id = make_customer(database, partner, wizard_path.CONNECT)
    before = customer_row(database, account_id)
    pbx(
        database,
        partner,
        account_id,
        pbx_form("PBX.ACME.example.", "03999", pbx_type="mivoice_5000"),
    )
    row = customer_row(database, account_id)
    assert wizard_path.CONNECT in completed(database, account_id)
    assert row.connection_result == wizard.REACHABLE
    assert row.connection_checked_at == before.connection_checked_at
    assert row.pbx_type == "mivoice_5000"


def test_a_new_pbx_target_undoes_the_onboarding(database, partner):
    account_id = make_customer(database, partner, wizard_path.REVIEW)
    pbx(database, partner, account_id, pbx_form("pbx9.acme.example"))
    row = customer_row(database, account_id)
    assert row.onboarded is False
    assert wizard_path.REVIEW not in completed(database, account_id)
    assert row.status == "next:connect"


def test_record_check_stores_the_result_and_an_audit_row(database, partner):
    account_id = make_customer(database, partner, wizard_path.PBX)
    before = customer_row(database, account_id)
    steps_before = completed(database, account_id)
    uid = user_id(database)
    record = check(
        database, partner, account_id, "pbx.acme.example:3999", outcome="refused", uid=uid
    )
    row = customer_row(database, account_id)
    assert row.connection_result == record.connection_result == "refused"
    assert row.connection_target == "pbx.acme.example:3999"
    assert row.connection_checked_at is not None
    # Not a user's edit, but it still bumps the version: a stale tab cannot save over it.
    assert row.version == record.version == before.version + 1
    (audit,) = checks(database)
    assert (audit.user_id, audit.customer_id, audit.target, audit.result) == (
        uid,
        row.id,
        "pbx.acme.example:3999",
        "refused",
    )
    assert completed(database, account_id) == steps_before  # a check completes nothing


def test_checks_in_last_counts_the_users_checks_in_the_window(database, partner):
    account_id = make_customer(database, partner, wizard_path.PBX)
    add_user(database, "colleague@northwind.example", users.PARTNER_ROLE, partner)
    uid = user_id(database)
    colleague = user_id(database, "colleague@northwind.example")
    add_checks(database, uid, account_id, [0, 30, 59, 61, 3600])
    add_checks(database, colleague, account_id, [1])
    with Session(database) as session:
        assert wizard.checks_in_last(session, uid, 60) == 3
        assert wizard.checks_in_last(session, uid, 3601) == 5
        assert wizard.checks_in_last(session, colleague, 60) == 1
        assert wizard.checks_in_last(session, uid + colleague + 1, 60) == 0


def test_record_check_adds_to_the_count(database, partner):
    account_id = make_customer(database, partner, wizard_path.PBX)
    uid = user_id(database)
    for _ in range(3):
        check(database, partner, account_id, "pbx.acme.example:3999", "timed_out", uid)
    with Session(database) as session:
        assert wizard.checks_in_last(session, uid, 60) == 3


def test_continuing_without_a_connection_is_a_problem_until_a_check_reaches_it(database, partner):
    account_id = make_customer(database, partner, wizard_path.PBX)
    target = customer_row(database, account_id).connection_target
    check(database, partner, account_id, target, "timed_out")
    connect(database, partner, account_id, skipped=True)
    row = customer_row(database, account_id)
    assert wizard_path.CONNECT in completed(database, account_id)
    assert row.connection_skipped is True
    assert row.status == wizard_path.PROBLEM_PBX_UNREACHABLE
    assert failing(database, partner, account_id) is None  # may be onboarded so

    check(database, partner, account_id, target, "refused")
    assert customer_row(database, account_id).status == wizard_path.PROBLEM_PBX_UNREACHABLE

    check(database, partner, account_id, target, wizard.REACHABLE)
    row = customer_row(database, account_id)
    assert row.connection_skipped is False
    assert row.status == "next:review"


def test_complete_connect_with_a_connection_is_no_problem(database, partner):
    account_id = make_customer(database, partner, wizard_path.PBX)
    check(database, partner, account_id, customer_row(database, account_id).connection_target)
    connect(database, partner, account_id, skipped=False)
    assert customer_row(database, account_id).status == "next:review"


# ----- Sync ---------------------------------------------------------------------------


def test_save_sync_and_start_sync(database, partner):
    account_id = make_customer(database, partner, wizard_path.GATEWAY, deployment=SMBC)
    sync(database, partner, account_id, sync_form(" SMBC.Acme.Example ", "4443"), complete=False)
    row = customer_row(database, account_id)
    assert (row.sync_address, row.sync_port) == ("SMBC.Acme.Example", "4443")
    assert row.connection_target == "smbc.acme.example:4443"
    assert wizard_path.SYNC not in completed(database, account_id)

    check(database, partner, account_id, "smbc.acme.example:4443")
    assert failing(database, partner, account_id) == wizard_path.SYNC  # not started
    record = start(database, partner, account_id)
    assert record.sync_started_at is not None
    started_at = customer_row(database, account_id).sync_started_at
    assert started_at is not None

    # The same target in another notation keeps the check and the start.
    sync(database, partner, account_id, sync_form("smbc.acme.example.", "04443"))
    row = customer_row(database, account_id)
    assert row.sync_started_at == started_at
    assert row.connection_result == wizard.REACHABLE
    assert wizard_path.SYNC in completed(database, account_id)
    assert row.status == "next:review"
    assert failing(database, partner, account_id) is None

    # Another target undoes the check, the start and the step.
    sync(database, partner, account_id, sync_form("smbc2.acme.example"), complete=False)
    row = customer_row(database, account_id)
    assert row.sync_started_at is None
    assert row.connection_result == ""
    assert wizard_path.SYNC not in completed(database, account_id)
    assert row.status == "next:sync"


def test_a_failed_check_of_another_target_undoes_the_start(database, partner):
    account_id = make_customer(database, partner, wizard_path.SYNC, deployment=SMBC)
    check(database, partner, account_id, "smbc9.acme.example:4443", "refused")
    assert customer_row(database, account_id).sync_started_at is None
    assert failing(database, partner, account_id) == wizard_path.SYNC


def test_a_skipped_connection_is_no_problem_on_the_sync_path(database, partner):
    account_id = make_customer(database, partner, wizard_path.SYNC, deployment=VA)
    set_columns(database, account_id, connection_skipped=True, status="next:review")
    sync(database, partner, account_id, sync_form())
    assert customer_row(database, account_id).status == "next:review"


# ----- first_failing_step and finish ---------------------------------------------------


def _customer_name_blank(engine, partner_id, account_id):
    set_columns(engine, account_id, name="")


def _mac_not_a_mac(engine, partner_id, account_id):
    set_columns(engine, account_id, mac_address="00:1A:2B", mac_claim=None)


def _gateway_not_completed(engine, partner_id, account_id):
    set_columns(engine, account_id, completed_steps="customer,pbx,connect")


def _pbx_port_zero(engine, partner_id, account_id):
    set_columns(engine, account_id, pbx_port="0")


def _pbx_reopened(engine, partner_id, account_id):
    # A new deployment type and back: the PBX step keeps its (valid) data, re-opened.
    form = gateway_form(mac=customer_row(engine, account_id).mac_address)
    gateway(
        engine,
        partner_id,
        account_id,
        dataclasses.replace(form, deployment_type=SMBC, system_id="SMBC-7"),
    )
    gateway(engine, partner_id, account_id, form)


def _connect_not_completed(engine, partner_id, account_id):
    set_columns(engine, account_id, completed_steps="customer,gateway,pbx")


def _connect_refused(engine, partner_id, account_id):
    check(
        engine,
        partner_id,
        account_id,
        customer_row(engine, account_id).connection_target,
        "refused",
    )


def _connect_checked_elsewhere(engine, partner_id, account_id):
    set_columns(engine, account_id, connection_target="pbx.elsewhere.example:3999")


def _sync_not_started(engine, partner_id, account_id):
    set_columns(engine, account_id, sync_started_at=None)


def _sync_unreachable(engine, partner_id, account_id):
    set_columns(engine, account_id, connection_result="timed_out")


def _sync_port_bad(engine, partner_id, account_id):
    set_columns(engine, account_id, sync_port="70000")


def _sync_reopened(engine, partner_id, account_id):
    form = gateway_form(SMBC)
    gateway(engine, partner_id, account_id, gateway_form(APPLIANCE))
    gateway(engine, partner_id, account_id, form)


FAILING = [
    (APPLIANCE, _customer_name_blank, wizard_path.CUSTOMER),
    (APPLIANCE, _mac_not_a_mac, wizard_path.GATEWAY),
    (APPLIANCE, _gateway_not_completed, wizard_path.GATEWAY),
    (APPLIANCE, _pbx_port_zero, wizard_path.PBX),
    (APPLIANCE, _pbx_reopened, wizard_path.PBX),
    (APPLIANCE, _connect_not_completed, wizard_path.CONNECT),
    (APPLIANCE, _connect_refused, wizard_path.CONNECT),
    (APPLIANCE, _connect_checked_elsewhere, wizard_path.CONNECT),
    (SMBC, _customer_name_blank, wizard_path.CUSTOMER),
    (SMBC, _sync_not_started, wizard_path.SYNC),
    (SMBC, _sync_unreachable, wizard_path.SYNC),
    (SMBC, _sync_port_bad, wizard_path.SYNC),
    (VA, _sync_reopened, wizard_path.SYNC),
]


@pytest.mark.parametrize(
    ("deployment", "spoil", "step"),
    FAILING,
    ids=[f"{d}-{s.__name__.strip('_')}" for d, s, _ in FAILING],
)
def test_first_failing_step_finds_the_step_that_fails(database, partner, deployment, spoil, step):
    last = wizard_path.CONNECT if deployment == APPLIANCE else wizard_path.SYNC
    account_id = make_customer(database, partner, last, deployment=deployment)
    assert failing(database, partner, account_id) is None
    spoil(database, partner, account_id)
    assert failing(database, partner, account_id) == step


def test_a_mac_claimed_by_another_customer_fails_the_gateway(database, partner):
    account_id = make_customer(
        database, partner, wizard_path.CONNECT, gateway=gateway_form(mac="02:11:22:33:44:99")
    )
    other = make_customer(database, partner, wizard_path.CUSTOMER)
    set_columns(database, account_id, mac_claim=None)
    set_columns(database, other, mac_claim="02:11:22:33:44:99")
    assert failing(database, partner, account_id) == wizard_path.GATEWAY


@pytest.mark.parametrize("deployment", [APPLIANCE, SMBC, VA])
def test_finish_marks_the_customer_onboarded(database, partner, deployment):
    last = wizard_path.CONNECT if deployment == APPLIANCE else wizard_path.SYNC
    account_id = make_customer(database, partner, last, deployment=deployment)
    before = customer_row(database, account_id)
    assert before.status == "next:review"
    record = finish(database, partner, account_id)
    row = customer_row(database, account_id)
    assert row.onboarded is record.onboarded is True
    assert row.onboarded_at is not None
    assert row.status == wizard_path.ONBOARDED
    assert wizard_path.REVIEW in completed(database, account_id)
    assert row.version == before.version + 1


# ----- the optimistic lock and the partner scope ---------------------------------------


def _saves(partner_id: int, account_id: str, expected: int):
    """Every service call that takes the version the user started from."""
    common = {
        "scope": CustomerScope(partner_id),
        "account_id": account_id,
        "expected_version": expected,
    }
    return {
        "save_gateway": lambda s: wizard.save_gateway(
            s, form=gateway_form(unique_mac()), complete=True, **common
        ),
        "save_gateway_draft": lambda s: wizard.save_gateway(
            s, form=gateway_form(), complete=False, **common
        ),
        "save_pbx": lambda s: wizard.save_pbx(
            s, form=pbx_form("new.acme.example"), complete=True, **common
        ),
        "save_sync": lambda s: wizard.save_sync(s, form=sync_form(), complete=False, **common),
        "complete_connect": lambda s: wizard.complete_connect(s, skipped=True, **common),
        "start_sync": lambda s: wizard.start_sync(s, **common),
        "finish": lambda s: wizard.finish(s, **common),
    }


SAVES = list(_saves(0, "", 0))


@pytest.mark.parametrize("name", SAVES)
def test_a_stale_version_is_a_version_conflict_and_nothing_is_saved(database, partner, name):
    account_id = make_customer(database, partner, wizard_path.CONNECT)
    current = version(database, account_id)
    rows_before = database_rows(database)
    with Session(database) as session, pytest.raises(save_history.VersionConflict):
        _saves(partner, account_id, current - 1)[name](session)
    with Session(database) as session, pytest.raises(save_history.VersionConflict):
        _saves(partner, account_id, current + 1)[name](session)
    assert database_rows(database) == rows_before
    # With the current version the same call is saved (the test above can fail).
    with Session(database) as session:
        assert _saves(partner, account_id, current)[name](session).version == current + 1


def _reads(partner_id: int, account_id: str, uid: int):
    return {
        "load_wizard": lambda s: wizard.load_wizard(s, CustomerScope(partner_id), account_id),
        "record_check": lambda s: wizard.record_check(
            s,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            user_id=uid,
            target="pbx.acme.example:3999",
            result=result(),
        ),
        "first_failing_step": lambda s: wizard.first_failing_step(
            s, CustomerScope(partner_id), account_id
        ),
    }


@pytest.mark.parametrize("name", SAVES + list(_reads(0, "", 0)))
def test_another_partners_customer_is_not_found_and_nothing_is_saved(database, partner, name):
    account_id = make_customer(database, partner, wizard_path.CONNECT)
    other_partner = add_partner(database, "Other Telecom")
    current = version(database, account_id)
    calls = {
        **_saves(other_partner, account_id, current),
        **_reads(other_partner, account_id, user_id(database)),
    }
    rows_before = database_rows(database)
    with Session(database) as session, pytest.raises(owned_customers.CustomerNotFound):
        calls[name](session)
    assert database_rows(database) == rows_before
    # The owner's call with the same arguments works (the test above can fail).
    owner = {
        **_saves(partner, account_id, current),
        **_reads(partner, account_id, user_id(database)),
    }
    with Session(database) as session:
        owner[name](session)


def test_an_unknown_account_id_is_not_found(database, partner):
    with Session(database) as session, pytest.raises(owned_customers.CustomerNotFound):
        wizard.load_wizard(session, CustomerScope(partner), "ZZZZ-ZZZZ")


def test_the_record_holds_what_each_step_stored(database, partner):
    account_id = make_customer(
        database,
        partner,
        wizard_path.CONNECT,
        gateway=gateway_form(mac="02:11:22:33:44:AA"),
        pbx=pbx_form("pbx.record.example", "5060"),
    )
    with Session(database) as session:
        record = wizard.load_wizard(session, CustomerScope(partner), account_id)
    assert record.account_id == account_id
    assert record.customer_name == "Acme Trading BV"
    assert record.gateway.mac_address == "02:11:22:33:44:AA"
    assert record.pbx == forms.PbxForm("mivoice_business", "pbx.record.example", "5060")
    assert record.connection_target == "pbx.record.example:5060"
    assert record.first_incomplete() == wizard_path.REVIEW
    assert record.path == wizard_path.APPLIANCE_PATH
    assert isinstance(record.connection_checked_at, datetime.datetime)


def test_target_of_is_the_normal_form_or_nothing():
    assert wizard.target_of("PBX.Example.COM.", " 080 ") == "pbx.example.com:80"
    assert wizard.target_of("[2001:DB8::1]", "5060") == "[2001:db8::1]:5060"
    assert wizard.target_of("", "5060") == ""
    assert wizard.target_of("pbx.example.com", "0") == ""
    assert wizard.target_of("not a host", "80") == ""


def test_rows_of_another_partner_are_not_touched(database, partner):
    other_partner = add_partner(database, "Other Telecom")
    theirs = make_customer(database, other_partner, wizard_path.CONNECT)
    before = customer_row(database, theirs)
    ours = make_customer(database, partner, wizard_path.CONNECT)
    finish(database, partner, ours)
    with Session(database) as session:
        after = session.exec(select(Customer).where(Customer.account_id == theirs)).one()
    assert after.version == before.version
    assert after.status == "next:review"


# ----- a draft of a completed step that no longer passes opens it again ---------------


def test_a_failing_draft_of_a_completed_step_opens_it_again(database, partner):
    account_id = make_customer(database, partner, wizard_path.REVIEW)
    with Session(database) as session:
        wizard.finish(
            session,
            scope=CustomerScope(partner),
            account_id=account_id,
            expected_version=version(database, account_id),
        )
    assert customer_row(database, account_id).status == wizard_path.ONBOARDED

    pbx(database, partner, account_id, pbx_form(port="70000"), complete=False)
    row = customer_row(database, account_id)
    assert row.pbx_port == "70000"  # kept as typed
    assert wizard_path.PBX not in completed(database, account_id)
    assert wizard_path.REVIEW not in completed(database, account_id)
    assert row.onboarded is False
    assert row.status == "next:pbx"
    with Session(database) as session:
        assert (
            wizard.first_failing_step(session, CustomerScope(partner), account_id)
            == wizard_path.PBX
        )


def test_a_passing_draft_keeps_the_step_complete(database, partner):
    account_id = make_customer(database, partner, wizard_path.GATEWAY)
    gateway(
        database,
        partner,
        account_id,
        dataclasses.replace(gateway_form(), site_name="Renamed"),
        complete=False,
    )
    assert wizard_path.GATEWAY in completed(database, account_id)
    assert customer_row(database, account_id).site_name == "Renamed"


def test_a_failing_customer_draft_opens_the_customer_step_again(database, partner):
    account_id = make_customer(database, partner, wizard_path.GATEWAY)
    with Session(database) as session:
        record = customers.load_customer(session, CustomerScope(partner), account_id)
        customers.save_customer(
            session,
            scope=CustomerScope(partner),
            account_id=account_id,
            expected_version=record.version,
            form=dataclasses.replace(record.form, country=""),
            complete=False,
        )
    assert completed(database, account_id) == {wizard_path.GATEWAY}
    assert customer_row(database, account_id).status == "next:customer"
