"""Customers at any point of the wizard, and the steps after the Customer step driven
through Reflex's event processing (state_harness.Tab).

Not a test module: test modules import the helpers from here, and the fixtures from
state_harness.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import urllib.parse
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.models import AppUser, ConnectionCheck, Customer, utc_now
from cloudlink_app.services import connection, users, wizard
from cloudlink_app.services.connection import ConnectionResult
from cloudlink_app.state.connect_step import ConnectStepState
from cloudlink_app.state.gateway_step import GatewayStepState
from cloudlink_app.state.pbx_step import PbxStepState
from cloudlink_app.state.review_step import ReviewStepState
from cloudlink_app.state.sync_step import SyncStepState
from tests.unit.state_harness import Sent, Tab, database_rows, save, valid_form

STATES = {
    wizard_path.GATEWAY: GatewayStepState,
    wizard_path.PBX: PbxStepState,
    wizard_path.CONNECT: ConnectStepState,
    wizard_path.SYNC: SyncStepState,
    wizard_path.REVIEW: ReviewStepState,
}
ROUTES = {
    wizard_path.GATEWAY: routes.GATEWAY_STEP,
    wizard_path.PBX: routes.PBX_STEP,
    wizard_path.CONNECT: routes.CONNECT_STEP,
    wizard_path.SYNC: routes.SYNC_STEP,
    wizard_path.REVIEW: routes.REVIEW_STEP,
}
# The user is read from the database by the handlers: that refresh is not a change.
USER_VARS = frozenset({"is_partner", "user_name"})

_numbers = itertools.count(1)


def unique_mac() -> str:
    """A unicast MAC address (normal form) no other customer of the test run has."""
    n = next(_numbers)
    return "02:00:00:00:" + f"{n >> 8 & 0xFF:02X}:{n & 0xFF:02X}"


def gateway_form(deployment: str = wizard_path.APPLIANCE, mac: str | None = None,
                 system_id: str = "SMBC-0042", **changes: Any) -> forms.GatewayForm:
    """A Gateway step that passes every rule (the site at the customer's address)."""
    form = forms.GatewayForm(
        site_name="Head office",
        deployment_type=deployment,
        mac_address=(mac or unique_mac()) if deployment == wizard_path.APPLIANCE else "",
        system_id=system_id if deployment != wizard_path.APPLIANCE else "",
    )
    return dataclasses.replace(form, **changes)


def pbx_form(address: str = "pbx.acme.example", port: str = "3999",
             pbx_type: str = "mivoice_business") -> forms.PbxForm:
    """A PBX step that passes every rule."""
    return forms.PbxForm(pbx_type=pbx_type, pbx_address=address, pbx_port=port)


def sync_form(address: str = "smbc.acme.example", port: str = "4443") -> forms.SyncForm:
    """A Sync step's address and port that pass every rule."""
    return forms.SyncForm(sync_address=address, sync_port=port)


def result(outcome: str = wizard.REACHABLE, port: int = 3999,
           at: datetime.datetime | None = None) -> ConnectionResult:
    """What a connection check found."""
    return ConnectionResult(outcome, "192.0.2.10", port, 12.5, at or utc_now())


def user_id(engine: sa.engine.Engine, email: str = users.DEMO_PARTNER_EMAIL) -> int:
    """The database id of a user."""
    with Session(engine) as session:
        return session.exec(select(AppUser.id).where(AppUser.email == email)).one()


def customer_row(engine: sa.engine.Engine, account_id: str) -> Customer:
    """The customer's row as stored now."""
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(Customer).where(Customer.account_id == account_id)).one()


def set_columns(engine: sa.engine.Engine, account_id: str, **values: Any) -> None:
    """Change stored columns directly (a state the services would not leave)."""
    with engine.begin() as conn:
        conn.execute(sa.update(Customer).where(Customer.account_id == account_id)
                     .values(**values))


def version(engine: sa.engine.Engine, account_id: str) -> int:
    """The customer's current version."""
    return customer_row(engine, account_id).version


def add_checks(engine: sa.engine.Engine, uid: int, account_id: str, ages: list[float]) -> None:
    """Connection checks of a user, ``ages`` seconds ago (the rate limit's rows)."""
    customer_id = customer_row(engine, account_id).id
    now = utc_now()
    with Session(engine) as session:
        for age in ages:
            session.add(ConnectionCheck(
                user_id=uid, customer_id=customer_id, target="pbx.acme.example:3999",
                result=wizard.REACHABLE, checked_at=now - datetime.timedelta(seconds=age)))
        session.commit()


def make_customer(
    engine: sa.engine.Engine,
    partner_id: int,
    through: str,
    *,
    deployment: str = wizard_path.APPLIANCE,
    name: str = "Acme Trading BV",
    domain: str | None = None,
    gateway: forms.GatewayForm | None = None,
    pbx: forms.PbxForm | None = None,
    sync: forms.SyncForm | None = None,
    checker: int | None = None,
) -> str:
    """A customer whose steps up to and including ``through`` are completed, through
    the services as the states store them; returns its account ID.

    ``through`` is a step key; REVIEW means onboarded, "" only the Customer step's
    draft. ``checker`` is the user recorded for connection checks (the demo user).
    """
    n = next(_numbers)
    record = save(engine, partner_id, valid_form(name, domain or f"acme{n}.example"),
                  complete=bool(through))
    account_id = record.account_id
    path = wizard_path.wizard_path(deployment)
    if not through or through == wizard_path.CUSTOMER:
        return account_id
    last = path.index(through)
    uid = checker if checker is not None else user_id(engine)
    with Session(engine) as session:
        v = record.version
        v = wizard.save_gateway(
            session, partner_id=partner_id, account_id=account_id, expected_version=v,
            form=gateway or gateway_form(deployment), complete=True).version
        if deployment == wizard_path.APPLIANCE:
            if last >= path.index(wizard_path.PBX):
                form = pbx or pbx_form()
                v = wizard.save_pbx(
                    session, partner_id=partner_id, account_id=account_id,
                    expected_version=v, form=form, complete=True).version
            if last >= path.index(wizard_path.CONNECT):
                target = wizard.target_of(form.pbx_address, form.pbx_port)
                v = wizard.record_check(
                    session, partner_id=partner_id, account_id=account_id, user_id=uid,
                    target=target, result=result()).version
                v = wizard.complete_connect(
                    session, partner_id=partner_id, account_id=account_id,
                    expected_version=v, skipped=False).version
        elif last >= path.index(wizard_path.SYNC):
            form = sync or sync_form()
            v = wizard.save_sync(
                session, partner_id=partner_id, account_id=account_id,
                expected_version=v, form=form, complete=False).version
            v = wizard.record_check(
                session, partner_id=partner_id, account_id=account_id, user_id=uid,
                target=wizard.target_of(form.sync_address, form.sync_port),
                result=result()).version
            v = wizard.start_sync(session, partner_id=partner_id, account_id=account_id,
                                  expected_version=v).version
            v = wizard.save_sync(
                session, partner_id=partner_id, account_id=account_id,
                expected_version=v, form=form, complete=True).version
        if through == wizard_path.REVIEW:
            assert wizard.first_failing_step(session, partner_id, account_id) is None
            wizard.finish(session, partner_id=partner_id, account_id=account_id,
                          expected_version=v)
    return account_id


def fake_checks(monkeypatch, outcome: str = wizard.REACHABLE) -> list[tuple[str, int]]:
    """Replace the real TCP check with one that finds ``outcome`` at once; returns the
    (host, port) of every check asked for."""
    asked: list[tuple[str, int]] = []

    async def check(host: str, port: int, **kwargs: Any) -> ConnectionResult:
        asked.append((host, port))
        return result(outcome, port)

    monkeypatch.setattr(connection, "check_connection", check)
    return asked


async def open_step(tab: Tab, step: str, account_id: str, **query: str) -> Sent:
    """Open /customers/{account_id}/{step}?{query} in the tab (its on_load event)."""
    url = routes.step_url(account_id, step)
    if query:
        url += "?" + urllib.parse.urlencode(query)
    tab.open_route(ROUTES[step], as_path=url, account_id=account_id, **query)
    return await tab.send(STATES[step], "load")


async def assert_refused(tab: Tab, engine, state_cls, handler: str, notice: str,
                         ignore: frozenset = USER_VARS, **payload: Any) -> Sent:
    """Send the event; it must show ``notice`` and change nothing else: in the state,
    in what the browser is sent (no redirect either), and in the database."""
    before = tab.snapshot(state_cls)
    rows_before = database_rows(engine)
    sent = await tab.send(state_cls, handler, **payload)
    assert tab.notice == notice
    after = tab.snapshot(state_cls)
    for name in ignore:
        before.pop(name, None), after.pop(name, None)
    assert after == before
    assert sent.changed <= {"notice", *ignore}
    assert sent.redirects == []
    assert database_rows(engine) == rows_before
    return sent
