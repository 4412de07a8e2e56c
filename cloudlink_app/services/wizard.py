"""The steps after the Customer step, on the database, scoped by the caller's partner.

Every save goes through save_history.update_with_version, so all steps share the
customer's optimistic lock and keep the dashboard status up to date.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloudlink_app.domain import checks, forms, gateway, pbx, validation, wizard_path
from cloudlink_app.domain.address import normalise_postal_code
from cloudlink_app.domain.checks import REACHABLE, target_of  # callers use wizard.* too
from cloudlink_app.domain.limits import normal_or_none
from cloudlink_app.models import ConnectionCheck, Customer, utc_now
from cloudlink_app.services import customers, domain_claims, owned_customers, save_history
from cloudlink_app.services.connection import ConnectionResult
from cloudlink_app.services.owned_customers import CustomerScope


class MacClaimed(customers.ClaimTaken):
    """The gateway's MAC address was claimed by another customer while saving."""

    message_key = "mac_address.claimed"

    def __init__(self) -> None:
        super().__init__([forms.MAC_ADDRESS])


@dataclasses.dataclass
class WizardRecord:
    """A customer as the steps after the Customer step need it."""

    account_id: str
    partner_id: int
    customer_id: int
    version: int
    customer_name: str
    completed: set[str]
    deployment_type: str
    gateway: forms.GatewayForm
    pbx: forms.PbxForm
    sync: forms.SyncForm
    connection_result: str
    connection_target: str
    connection_checked_at: datetime.datetime | None
    connection_skipped: bool
    sync_started_at: datetime.datetime | None
    onboarded: bool

    @property
    def path(self) -> tuple[str, ...]:
        """The steps this customer goes through."""
        return wizard_path.wizard_path(self.deployment_type)

    def first_incomplete(self) -> str | None:
        """The first step not completed yet, None when onboarded."""
        return wizard_path.first_incomplete_step(self.completed, self.deployment_type)


def load_wizard(session: Session, scope: CustomerScope, account_id: str) -> WizardRecord:
    """The customer's later steps as stored; raises owned_customers.CustomerNotFound."""
    c = owned_customers.owned_customer(session, scope, account_id)
    assert c.id is not None  # read from the database
    return WizardRecord(
        account_id=c.account_id,
        partner_id=c.partner_id,
        customer_id=c.id,
        version=c.version,
        customer_name=c.name,
        completed=wizard_path.parse_completed(c.completed_steps),
        deployment_type=c.deployment_type,
        gateway=forms.GatewayForm(
            site_name=c.site_name,
            site_same_address=c.site_same_address,
            site_country=c.site_country,
            site_street_address=c.site_street_address,
            site_address_line2=c.site_address_line2,
            site_city=c.site_city,
            site_state_province=c.site_state_province,
            site_postal_code=c.site_postal_code,
            deployment_type=c.deployment_type,
            mac_address=c.mac_address,
            system_id=c.system_id,
        ),
        pbx=forms.PbxForm(pbx_type=c.pbx_type, pbx_address=c.pbx_address, pbx_port=c.pbx_port),
        sync=forms.SyncForm(sync_address=c.sync_address, sync_port=c.sync_port),
        connection_result=c.connection_result,
        connection_target=c.connection_target,
        connection_checked_at=c.connection_checked_at,
        connection_skipped=c.connection_skipped,
        sync_started_at=c.sync_started_at,
        onboarded=c.onboarded,
    )


def _locked(session: Session, scope: CustomerScope, account_id: str, expected_version: int):
    customer = owned_customers.owned_customer(session, scope, account_id)
    if customer.version != expected_version:
        raise save_history.VersionConflict(account_id)
    return customer


def _save(
    session: Session,
    scope: CustomerScope,
    customer: Customer,
    values: dict,
    completed: set[str],
    step: str,
    saved_by: int | None,
) -> WizardRecord:
    values = {
        **values,
        "completed_steps": wizard_path.format_completed(completed),
        "updated_at": utc_now(),
    }
    save_history.update_with_version(session, customer, values)
    assert customer.id is not None  # read from the database
    save_history.record_save(session, customer.id, step, saved_by)
    account_id = customer.account_id  # not read again after expire_all
    session.commit()
    session.expire_all()
    return load_wizard(session, scope, account_id)


def mac_claimed_elsewhere(session: Session, normal: str, customer_id: int | None) -> bool:
    """Whether another customer's gateway has this (normalised) MAC address."""
    query = select(Customer.id).where(Customer.mac_claim == normal)
    if customer_id is not None:
        query = query.where(Customer.id != customer_id)
    return session.exec(query.limit(1)).first() is not None


def save_gateway(
    session: Session,
    *,
    scope: CustomerScope,
    account_id: str,
    expected_version: int,
    form: forms.GatewayForm,
    complete: bool,
    saved_by: int | None = None,
) -> WizardRecord:
    """Store the Gateway step (complete: validated, in normal forms, step marked).

    A new deployment type keeps the later steps' data but re-opens them, since the
    path changes. Raises CustomerNotFound, VersionConflict or MacClaimed.
    """
    customer = _locked(session, scope, account_id, expected_version)
    completed = wizard_path.parse_completed(customer.completed_steps)
    values = {
        name: getattr(form, name).strip()
        if isinstance(getattr(form, name), str)
        else getattr(form, name)
        for name in (f.name for f in dataclasses.fields(forms.GatewayForm))
    }
    normal_mac = normal_or_none(gateway.normalize_mac, form.mac_address)
    appliance = form.deployment_type == wizard_path.APPLIANCE
    claim = (
        normal_mac
        if appliance and normal_mac and not mac_claimed_elsewhere(session, normal_mac, customer.id)
        else None
    )
    values["mac_claim"] = claim
    valid = complete or not gateway.validate_gateway(
        form, lambda mac: mac_claimed_elsewhere(session, mac, customer.id)
    )
    if complete:
        if appliance:
            values["mac_address"] = normal_mac or ""
        else:
            values["system_id"] = normal_or_none(gateway.normalize_system_id, form.system_id) or ""
        if not form.site_same_address:
            values["site_postal_code"] = normalise_postal_code(
                form.site_country, form.site_postal_code
            )
    _mark(completed, wizard_path.GATEWAY, complete, valid, values)
    if form.deployment_type != customer.deployment_type:
        completed -= {wizard_path.PBX, wizard_path.CONNECT, wizard_path.SYNC, wizard_path.REVIEW}
        values["onboarded"] = False
    try:
        return _save(session, scope, customer, values, completed, wizard_path.GATEWAY, saved_by)
    except IntegrityError as error:
        session.rollback()
        raise MacClaimed() from error


def _mark(completed: set[str], step: str, complete: bool, valid: bool, values: dict) -> None:
    # Next completes a step. A draft (Back, Save and return) is stored as typed; one of
    # a completed step that no longer passes its rules opens the step again, so Finish
    # cannot onboard what the step's own Next would refuse.
    if complete:
        completed.add(step)
    elif not valid and step in completed:
        completed -= {step, wizard_path.REVIEW}
        values["onboarded"] = False


def _target_values(customer: Customer, new_target: str, completed: set[str], step: str) -> dict:
    # A check, a skip or a synchronisation is about one target: another one undoes it.
    if new_target == customer.connection_target:
        return {}
    completed.discard(step)
    completed.discard(wizard_path.REVIEW)
    return {
        "connection_result": "",
        "connection_target": new_target,
        "connection_checked_at": None,
        "connection_skipped": False,
        "sync_started_at": None,
        "onboarded": False,
    }


def save_pbx(
    session: Session,
    *,
    scope: CustomerScope,
    account_id: str,
    expected_version: int,
    form: forms.PbxForm,
    complete: bool,
    saved_by: int | None = None,
) -> WizardRecord:
    """Store the PBX step; a new PBX address or port re-opens the Connect step."""
    customer = _locked(session, scope, account_id, expected_version)
    completed = wizard_path.parse_completed(customer.completed_steps)
    values = {
        "pbx_type": form.pbx_type,
        "pbx_address": form.pbx_address.strip(),
        "pbx_port": form.pbx_port.strip(),
    }
    valid = complete or not pbx.validate_pbx(form)
    if complete:
        values["pbx_address"] = pbx.normalize_host(form.pbx_address)
        values["pbx_port"] = str(pbx.parse_port(form.pbx_port))
    _mark(completed, wizard_path.PBX, complete, valid, values)
    values.update(
        _target_values(
            customer,
            target_of(values["pbx_address"], values["pbx_port"]),
            completed,
            wizard_path.CONNECT,
        )
    )
    return _save(session, scope, customer, values, completed, wizard_path.PBX, saved_by)


def save_sync(
    session: Session,
    *,
    scope: CustomerScope,
    account_id: str,
    expected_version: int,
    form: forms.SyncForm,
    complete: bool,
    saved_by: int | None = None,
) -> WizardRecord:
    """Store the Sync step's address and port; complete needs a started synchronisation."""
    customer = _locked(session, scope, account_id, expected_version)
    completed = wizard_path.parse_completed(customer.completed_steps)
    values = {"sync_address": form.sync_address.strip(), "sync_port": form.sync_port.strip()}
    values.update(
        _target_values(
            customer,
            target_of(values["sync_address"], values["sync_port"]),
            completed,
            wizard_path.SYNC,
        )
    )
    _mark(completed, wizard_path.SYNC, complete, complete or not pbx.validate_sync(form), values)
    return _save(session, scope, customer, values, completed, wizard_path.SYNC, saved_by)


def checks_in_last(session: Session, user_id: int, seconds: int) -> int:
    """How many connection checks the user asked for in the last ``seconds``."""
    since = utc_now() - datetime.timedelta(seconds=seconds)
    return session.exec(
        select(sa.func.count())
        .select_from(ConnectionCheck)
        .where(ConnectionCheck.user_id == user_id, col(ConnectionCheck.checked_at) >= since)
    ).one()


def record_check(
    session: Session,
    *,
    scope: CustomerScope,
    account_id: str,
    user_id: int,
    target: str,
    result: ConnectionResult,
    audited: bool = False,
) -> WizardRecord:
    """Store a connection check's result on the customer and in the audit trail
    (unless ``audited``: services.connection_checks reserved and completes its own
    audit row).

    It is not a user's edit, so it does not need the version the user started from;
    it still bumps the version, so a stale tab cannot save over it.
    """
    customer = owned_customers.owned_customer(session, scope, account_id)
    assert customer.id is not None  # read from the database
    if not audited:
        session.add(
            ConnectionCheck(
                user_id=user_id,
                customer_id=customer.id,
                account_id=customer.account_id,
                customer_name=customer.name,
                target=target,
                result=result.outcome,
                checked_at=result.checked_at,
            )
        )
    completed = wizard_path.parse_completed(customer.completed_steps)
    values = {
        "connection_result": result.outcome,
        "connection_target": target,
        "connection_checked_at": result.checked_at,
    }
    if result.outcome == REACHABLE:
        values["connection_skipped"] = False
    elif target != customer.connection_target:
        values["sync_started_at"] = None
    step = (
        wizard_path.SYNC
        if wizard_path.is_sync_path(customer.deployment_type)
        else wizard_path.CONNECT
    )
    return _save(session, scope, customer, values, completed, step, user_id)


def _save_step_values(
    session: Session,
    values: dict,
    step: str,
    complete: bool,
    *,
    scope: CustomerScope,
    account_id: str,
    expected_version: int,
    saved_by: int | None = None,
) -> WizardRecord:
    """Store ``values`` for ``step`` under the customer's version check (``complete``:
    and mark the step done), with its line in the audit trail."""
    customer = _locked(session, scope, account_id, expected_version)
    completed = wizard_path.parse_completed(customer.completed_steps)
    if complete:
        completed.add(step)
    return _save(session, scope, customer, values, completed, step, saved_by)


# The step actions below take the arguments of every save by keyword (``where``):
# scope, account_id, expected_version and saved_by.


def complete_connect(session: Session, *, skipped: bool, **where: Any) -> WizardRecord:
    """Mark the Connect step done: with a working connection, or explicitly without."""
    return _save_step_values(
        session, {"connection_skipped": skipped}, wizard_path.CONNECT, True, **where
    )


def start_sync(session: Session, **where: Any) -> WizardRecord:
    """Record the start of the synchronisation (after a successful check)."""
    return _save_step_values(
        session, {"sync_started_at": utc_now()}, wizard_path.SYNC, False, **where
    )


def first_failing_step(session: Session, scope: CustomerScope, account_id: str) -> str | None:
    """Every step checked again as on its own Next; the first that fails, or None.

    A step not marked completed fails too: a new deployment type re-opens the later
    steps but keeps their data, which may still pass every rule.
    """
    record = customers.load_customer(session, scope, account_id)
    wizard = load_wizard(session, scope, account_id)
    done = wizard.completed
    if wizard_path.CUSTOMER not in done or validation.validate_customer(
        record.form,
        lambda d: domain_claims.domain_claimed_elsewhere(session, d, wizard.customer_id),
    ):
        return wizard_path.CUSTOMER
    if wizard_path.GATEWAY not in done or gateway.validate_gateway(
        wizard.gateway, lambda m: mac_claimed_elsewhere(session, m, wizard.customer_id)
    ):
        return wizard_path.GATEWAY
    if wizard_path.is_sync_path(wizard.deployment_type):
        target = target_of(wizard.sync.sync_address, wizard.sync.sync_port)
        if (
            wizard_path.SYNC not in done
            or pbx.validate_sync(wizard.sync)
            or not checks.is_connected(wizard.connection_result, wizard.connection_target, target)
            or wizard.sync_started_at is None
        ):
            return wizard_path.SYNC
        return None
    if wizard_path.PBX not in done or pbx.validate_pbx(wizard.pbx):
        return wizard_path.PBX
    target = target_of(wizard.pbx.pbx_address, wizard.pbx.pbx_port)
    connected = checks.is_connected(wizard.connection_result, wizard.connection_target, target)
    if wizard_path.CONNECT not in wizard.completed or not (connected or wizard.connection_skipped):
        return wizard_path.CONNECT
    return None


def finish(session: Session, **where: Any) -> WizardRecord:
    """Mark the customer onboarded; the caller checked first_failing_step first."""
    return _save_step_values(
        session, {"onboarded": True, "onboarded_at": utc_now()}, wizard_path.REVIEW, True, **where
    )
