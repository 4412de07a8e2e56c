"""Rows in the test database: partners and users, customers saved through the
services at any point of the wizard, and every row at once (to show nothing was written).

Every helper takes the engine (the `database` fixture) and opens its own session.
"""

from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import forms, permissions, wizard_path
from cloudlink_app.models import (
    AppUser,
    ConnectionCheck,
    Customer,
    Partner,
    UserCustomer,
    utc_now,
)
from cloudlink_app.services import customers, save_history, wizard
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import (
    gateway_form,
    pbx_form,
    result,
    sync_form,
    unique_number,
    valid_form,
)

# Later steps' stored values (for `advance`): onboarded, a problem (the PBX was not
# reachable and the Connect step skipped), and at the PBX step.
ONBOARDED = {
    "completed_steps": "customer,gateway,pbx,connect,review",
    "deployment_type": wizard_path.APPLIANCE,
    "onboarded": True,
}
PROBLEM = {
    "completed_steps": "customer,gateway,pbx,connect",
    "deployment_type": wizard_path.APPLIANCE,
    "connection_skipped": True,
}
AT_PBX = {"completed_steps": "customer,gateway", "deployment_type": wizard_path.APPLIANCE}


def database_rows(engine: sa.engine.Engine) -> dict[str, list[tuple]]:
    """Every row of every table, to show that nothing was written."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in connection.execute(sa.select(table))), key=repr
            )
            for table in SQLModel.metadata.sorted_tables
        }


def count(engine: sa.engine.Engine, model: type[SQLModel]) -> int:
    """How many rows a table has."""
    with Session(engine) as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def add_partner(engine: sa.engine.Engine, name: str) -> int:
    """Create a partner organisation; returns its id."""
    with Session(engine) as session:
        partner = Partner(name=name)
        session.add(partner)
        session.commit()
        return partner.id


def add_user(
    engine: sa.engine.Engine,
    email: str,
    role: str,
    partner_id: int,
    customer_id: int | None = None,
) -> None:
    """Create a user who can sign in."""
    with Session(engine) as session:
        session.add(
            AppUser(
                email=email,
                display_name=email.split("@")[0],
                role=role,
                partner_id=partner_id,
                customer_id=customer_id,
            )
        )
        session.commit()


def add_limited_user(
    engine: sa.engine.Engine,
    partner_id: int,
    customer_ids: list[int],
    email: str = "limited@northwind.example",
) -> CustomerScope:
    """A partner user who sees only the partner's customers ``customer_ids`` (a
    selection, not all customers); their scope."""
    with Session(engine) as session:
        user = AppUser(
            email=email,
            display_name=email.split("@")[0],
            role=permissions.PARTNER_ROLE,
            partner_id=partner_id,
            all_customers=False,
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add_all([UserCustomer(user_id=user.id, customer_id=c) for c in customer_ids])
        session.commit()
        return CustomerScope(partner_id, user.id)


def customer_ids_named(engine: sa.engine.Engine, names: set[str]) -> list[int]:
    """The ids of the customers with these names."""
    with Session(engine) as session:
        return list(session.exec(select(Customer.id).where(col(Customer.name).in_(names))))


def set_demo_partners(engine: sa.engine.Engine, demo: bool) -> None:
    """Mark every partner as a demo partner, or as none.

    The test suites' users are the demo accounts' people, but the fixtures unmark their
    partners (``demo=False``): the app is tested as production runs it, outside demo
    mode, where demo accounts cannot sign in, so to the app they are real accounts.
    Tests of the demo-account rules mark them again (``demo=True``)."""
    with engine.begin() as connection:
        connection.execute(sa.update(Partner).values(is_demo=demo))


def demo_partner_id(engine: sa.engine.Engine) -> int:
    """The id of the demo partner the app runs as."""
    with Session(engine) as session:
        return demo_accounts.ensure_demo_partner(session)


def save(
    engine: sa.engine.Engine,
    partner_id: int,
    form: forms.CustomerForm,
    *,
    complete: bool = True,
    account_id: str | None = None,
    expected_version: int | None = None,
) -> customers.CustomerRecord:
    """Save a customer through the service, as the state does."""
    with Session(engine, expire_on_commit=False) as session:
        return customers.save_customer(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=expected_version,
            form=form,
            complete=complete,
        )


def user_id(engine: sa.engine.Engine, email: str = demo_accounts.DEMO_PARTNER_EMAIL) -> int:
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
        conn.execute(sa.update(Customer).where(Customer.account_id == account_id).values(**values))


def version(engine: sa.engine.Engine, account_id: str) -> int:
    """The customer's current version."""
    return customer_row(engine, account_id).version


def add_checks(engine: sa.engine.Engine, uid: int, account_id: str, ages: list[float]) -> None:
    """Connection checks of a user, ``ages`` seconds ago (the rate limit's rows)."""
    customer_id = customer_row(engine, account_id).id
    now = utc_now()
    with Session(engine) as session:
        for age in ages:
            session.add(
                ConnectionCheck(
                    user_id=uid,
                    customer_id=customer_id,
                    target="pbx.acme.example:3999",
                    result=wizard.REACHABLE,
                    checked_at=now - datetime.timedelta(seconds=age),
                )
            )
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
    n = unique_number()
    record = save(
        engine, partner_id, valid_form(name, domain or f"acme{n}.example"), complete=bool(through)
    )
    account_id = record.account_id
    path = wizard_path.wizard_path(deployment)
    if not through or through == wizard_path.CUSTOMER:
        return account_id
    last = path.index(through)
    uid = checker if checker is not None else user_id(engine)
    with Session(engine) as session:
        v = record.version
        v = wizard.save_gateway(
            session,
            scope=CustomerScope(partner_id),
            account_id=account_id,
            expected_version=v,
            form=gateway or gateway_form(deployment),
            complete=True,
        ).version
        if deployment == wizard_path.APPLIANCE:
            if last >= path.index(wizard_path.PBX):
                form = pbx or pbx_form()
                v = wizard.save_pbx(
                    session,
                    scope=CustomerScope(partner_id),
                    account_id=account_id,
                    expected_version=v,
                    form=form,
                    complete=True,
                ).version
            if last >= path.index(wizard_path.CONNECT):
                target = wizard.target_of(form.pbx_address, form.pbx_port)
                v = wizard.record_check(
                    session,
                    scope=CustomerScope(partner_id),
                    account_id=account_id,
                    user_id=uid,
                    target=target,
                    result=result(),
                ).version
                v = wizard.complete_connect(
                    session,
                    scope=CustomerScope(partner_id),
                    account_id=account_id,
                    expected_version=v,
                    skipped=False,
                ).version
        elif last >= path.index(wizard_path.SYNC):
            form = sync or sync_form()
            v = wizard.save_sync(
                session,
                scope=CustomerScope(partner_id),
                account_id=account_id,
                expected_version=v,
                form=form,
                complete=False,
            ).version
            v = wizard.record_check(
                session,
                scope=CustomerScope(partner_id),
                account_id=account_id,
                user_id=uid,
                target=wizard.target_of(form.sync_address, form.sync_port),
                result=result(),
            ).version
            v = wizard.start_sync(
                session, scope=CustomerScope(partner_id), account_id=account_id, expected_version=v
            ).version
            v = wizard.save_sync(
                session,
                scope=CustomerScope(partner_id),
                account_id=account_id,
                expected_version=v,
                form=form,
                complete=True,
            ).version
        if through == wizard_path.REVIEW:
            assert wizard.first_failing_step(session, CustomerScope(partner_id), account_id) is None
            wizard.finish(
                session, scope=CustomerScope(partner_id), account_id=account_id, expected_version=v
            )
    return account_id


def advance(engine: sa.engine.Engine, account_id: str, values: dict) -> str:
    """Store later steps' values (ONBOARDED, PROBLEM, AT_PBX) through the shared
    optimistic update (which sets the status, as every step's save does); returns the
    new status."""
    with Session(engine) as session:
        customer = session.exec(select(Customer).where(Customer.account_id == account_id)).one()
        save_history.update_with_version(session, customer, values)
        session.commit()
        return session.exec(select(Customer.status).where(Customer.account_id == account_id)).one()
