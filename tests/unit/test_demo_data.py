"""The sales engineers' demo data: two partners, their customers, an account admin,
loaded once, and loaded again by --reset."""

from __future__ import annotations

from sqlmodel import Session, select

from cloudlink_app import demo_data
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import AppUser, Customer, Partner
from cloudlink_app.services import auth, users
from tests.unit.state_harness import database  # noqa: F401 (fixture)

TOTAL = len(demo_data.CUSTOMERS) + len(demo_data.SECOND_PARTNER_CUSTOMERS)


def test_loads_once_with_two_partners_and_every_status(database):
    with Session(database) as session:
        assert demo_data.load(session) == TOTAL
        assert demo_data.load(session) == 0  # already there: nothing twice
        customers = session.exec(select(Customer)).all()
        partners = {p.id: p.name for p in session.exec(select(Partner)).all()}
    assert len(customers) == TOTAL
    by_partner = {}
    for customer in customers:
        by_partner.setdefault(partners[customer.partner_id], []).append(customer)
    assert sorted(len(v) for v in by_partner.values()) == [
        len(demo_data.SECOND_PARTNER_CUSTOMERS), len(demo_data.CUSTOMERS)]
    kinds = {wizard_path.status_kind(c.status) for c in customers}
    assert kinds == {"next", "problem", "onboarded"}
    # Each status is the one the rules compute from the stored progress.
    for c in customers:
        assert c.status == wizard_path.status_for(
            wizard_path.parse_completed(c.completed_steps), c.deployment_type,
            c.onboarded, c.connection_skipped)


def test_every_demo_account_signs_in_with_the_demo_password(database):
    with Session(database) as session:
        demo_data.load(session)
        for email, _, role, _ in users.DEMO_ACCOUNTS:
            result = auth.sign_in(session, email, users.DEMO_PASSWORD, "127.0.0.1")
            assert result.user is not None and result.user.role == role, email
        admin = session.exec(
            select(AppUser).where(AppUser.email == demo_data.ACCOUNT_ADMIN_EMAIL)).one()
        customer = session.get(Customer, admin.customer_id)
    assert customer.name == demo_data.ACCOUNT_ADMIN_CUSTOMER
    assert admin.partner_id == customer.partner_id


def test_reset_loads_them_again(database):
    with Session(database) as session:
        demo_data.load(session)
        first = {c.account_id for c in session.exec(select(Customer)).all()}
        assert demo_data.load(session, reset=True) == TOTAL
        second = {c.account_id for c in session.exec(select(Customer)).all()}
        admin = session.exec(
            select(AppUser).where(AppUser.email == demo_data.ACCOUNT_ADMIN_EMAIL)).one()
    assert len(second) == TOTAL and not first & second  # new customers, new IDs
    assert admin.customer_id is not None
