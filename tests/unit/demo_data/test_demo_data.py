"""The sales engineers' demo data: two partners, their customers, an account admin,
loaded once, and loaded again by --reset (only in a database of demo partners); every
customer passes the rules of every step it completed, as the wizard itself would check
them; every partner it makes is marked as a demo partner."""

from __future__ import annotations

import datetime

import pytest
from sqlmodel import Session, SQLModel, col, select

from cloudlink_app import demo_data, settings
from cloudlink_app.demo_data import accounts, records
from cloudlink_app.demo_data.__main__ import main
from cloudlink_app.domain import choices, gateway, pbx, permissions, validation, wizard_path
from cloudlink_app.domain import team as team_rules
from cloudlink_app.models import (
    AppUser,
    ConnectionCheck,
    Customer,
    OutboxMessage,
    Partner,
    PasswordToken,
    ProblemReport,
    SaveRecord,
    SupportContact,
    TeamEvent,
    utc_now,
)
from cloudlink_app.services import (
    customer_list,
    customers,
    domain_claims,
    password_hashing,
    signing_in,
    team,
    users,
    wizard,
)
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.database import add_partner, add_user, database_rows, set_demo_partners

TOTAL = len(demo_data.CUSTOMERS) + len(demo_data.SECOND_PARTNER_CUSTOMERS)
BY_NAME = {demo.name: demo for demo in demo_data.CUSTOMERS + demo_data.SECOND_PARTNER_CUSTOMERS}


_HASHES: dict[str, str] = {}


@pytest.fixture(autouse=True)
def hash_once(monkeypatch):
    """Argon2 is slow on purpose: here every demo user gets the same real hash of the
    demo password, computed once (accounts.ensure_demo_users calls
    password_hashing.hash_password)."""
    real = password_hashing.hash_password

    def once(password: str) -> str:
        if password not in _HASHES:
            _HASHES[password] = real(password)
        return _HASHES[password]

    monkeypatch.setattr(password_hashing, "hash_password", once)


@pytest.fixture
def demo_database(database):
    """The test database as the demo data makes it: its partner is a demo partner (the
    unit tests' fixtures unmark it, tests.support.database.set_demo_partners)."""
    set_demo_partners(database, demo=True)
    return database


@pytest.fixture
def loaded(demo_database):
    """The demo data in a fresh database."""
    with Session(demo_database) as session:
        assert demo_data.load(session) == TOTAL
    return demo_database


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # SQLite hands back naive datetimes (stored in UTC).
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def test_loads_once_with_two_partners_and_every_status(loaded):
    with Session(loaded) as session:
        assert demo_data.load(session) == 0  # already there: nothing twice
        rows = session.exec(select(Customer)).all()
        partners = {p.id: p.name for p in session.exec(select(Partner)).all()}
    assert len(rows) == TOTAL == 29
    by_partner: dict[str, list[Customer]] = {}
    for customer in rows:
        by_partner.setdefault(partners[customer.partner_id], []).append(customer)
    assert {name: len(v) for name, v in by_partner.items()} == {
        "Northwind Telecom": 25,
        "Contoso Communications": 4,
    }
    assert {wizard_path.status_kind(c.status) for c in rows} == {"next", "problem", "onboarded"}
    # What the browser tests count on Northwind's dashboard.
    northwind = [wizard_path.status_kind(c.status) for c in by_partner["Northwind Telecom"]]
    assert (northwind.count("next"), northwind.count("problem"), northwind.count("onboarded")) == (
        20,
        2,
        3,
    )
    # Both paths are shown: the appliance and an SMBC/VA.
    assert {c.deployment_type for c in rows} >= {
        wizard_path.APPLIANCE,
        wizard_path.SMBC,
        wizard_path.VA,
    }


# What the README and the browser tests (tests/e2e/test_dashboard_status.py) name.
NAMED_STAGES = {
    "Bakkerij Van der Meer": "next:gateway",
    "Tandartspraktijk De Linde": "next:pbx",
    "Hoogendijk Logistiek": "next:customer",
    "Pennine Dental Care": "next:connect",
    "Gemeente Zuidplas Sportcentrum": wizard_path.PROBLEM_PBX_UNREACHABLE,
    "Stadtwerke Lindau Service": "next:review",
    "Müller Maschinenbau GmbH": "next:review",
    "Hotel De Gouden Leeuw": wizard_path.ONBOARDED,
    "Harrow & Finch Solicitors": wizard_path.ONBOARDED,
    "Oxford Lane Primary Trust": wizard_path.ONBOARDED,
    "Thames Valley Vets": wizard_path.ONBOARDED,
}


def test_the_customers_the_docs_and_browser_tests_name_keep_their_stage(loaded):
    with Session(loaded) as session:
        status = dict(session.exec(select(Customer.name, Customer.status)).all())
    assert {name: status[name] for name in NAMED_STAGES} == NAMED_STAGES


def test_every_demo_customer_passes_the_rules_of_every_step_it_completed(loaded):
    """Checked again from the stored data, the way the wizard reads it back: the
    Customer step (with the real claimed-domain check), Gateway (with the real MAC
    check), PBX or Sync, and the stored status is the one the rules compute."""
    with Session(loaded) as session:
        rows = session.exec(select(Customer)).all()
        assert {c.name for c in rows} == set(BY_NAME)
        for row in rows:
            demo = BY_NAME[row.name]
            record = customers.load_customer(session, CustomerScope(row.partner_id), row.account_id)
            steps = wizard.load_wizard(session, CustomerScope(row.partner_id), row.account_id)
            done = steps.completed
            assert done == demo.completed, row.name
            assert row.status == wizard_path.status_for(
                done, row.deployment_type, row.onboarded, row.connection_skipped
            ), row.name
            customer_errors = validation.validate_customer(
                record.form,
                lambda d, cid=row.id: domain_claims.domain_claimed_elsewhere(session, d, cid),
            )
            if wizard_path.CUSTOMER in done:
                assert customer_errors == {}, row.name
            else:
                # A draft: listed by its name, within every hard limit, still missing
                # what the customer has to tell (an Onsite Admin).
                assert validation.validate_draft(record.form) == {}, row.name
                assert list(customer_errors) == ["support_contacts-onsite_admin"], row.name
            assert record.form.business_type in dict(choices.BUSINESS_TYPES), row.name
            if wizard_path.GATEWAY in done:
                assert (
                    gateway.validate_gateway(
                        steps.gateway,
                        lambda m, cid=row.id: wizard.mac_claimed_elsewhere(session, m, cid),
                    )
                    == {}
                ), row.name
            if wizard_path.PBX in done:
                assert pbx.validate_pbx(steps.pbx) == {}, row.name
            if wizard_path.SYNC in done:
                assert pbx.validate_sync(steps.sync) == {}, row.name
                assert steps.connection_result == wizard.REACHABLE, row.name
                assert steps.sync_started_at is not None, row.name
            # services.wizard.first_failing_step re-checks every step from the stored
            # data as Finish onboarding does: the first failing one is the first step
            # not completed yet (none for a customer ready for Review or onboarded).
            first_open = wizard_path.first_incomplete_step(
                done | {wizard_path.REVIEW}, row.deployment_type
            )
            assert (
                wizard.first_failing_step(session, CustomerScope(row.partner_id), row.account_id)
                == first_open
            ), row.name


def test_every_completed_customer_step_has_a_maintainer_and_an_onsite_admin(loaded):
    with Session(loaded) as session:
        for row in session.exec(select(Customer)).all():
            roles = set(
                session.exec(
                    select(SupportContact.role).where(SupportContact.customer_id == row.id)
                )
            )
            if wizard_path.CUSTOMER in wizard_path.parse_completed(row.completed_steps):
                assert roles == {"maintainer", "onsite_admin"}, row.name
            else:
                assert roles == {"maintainer"}, row.name


def test_the_audit_trail_names_the_partners_own_users_and_reads_like_a_week(loaded):
    now = utc_now()
    with Session(loaded) as session:
        users_by_id = {u.id: u for u in session.exec(select(AppUser)).all()}
        for row in session.exec(select(Customer)).all():
            saves = session.exec(
                select(SaveRecord)
                .where(SaveRecord.customer_id == row.id)
                .order_by(col(SaveRecord.id))
            ).all()
            assert saves[0].step == wizard_path.CUSTOMER, row.name
            for save in saves:
                user = users_by_id[save.user_id]
                assert user.role in permissions.PARTNER_ROLES, row.name
                assert user.partner_id == row.partner_id, row.name
            times = [_aware(s.saved_at) for s in saves]
            assert times == sorted(times), row.name
            assert _aware(row.updated_at) == times[-1], row.name
            assert _aware(row.created_at) == times[0], row.name
            assert now - datetime.timedelta(days=7, hours=2) < times[0], row.name
            assert times[-1] < now - datetime.timedelta(minutes=30), row.name
            if row.onboarded:
                assert _aware(row.onboarded_at) == times[-1], row.name
        # Each check is in the audit trail at the customer's check time, from the past.
        for check in session.exec(select(ConnectionCheck)).all():
            customer = session.get(Customer, check.customer_id)
            assert _aware(check.checked_at) == _aware(customer.connection_checked_at)
            assert check.result == customer.connection_result
        # Each partner's dashboard (newest first) lists its customers in records' order.
        for partner in records.PARTNERS:
            partner_id = session.exec(select(Partner.id).where(Partner.name == partner.name)).one()
            listed = session.exec(
                select(Customer.name)
                .where(Customer.partner_id == partner_id)
                .order_by(col(Customer.updated_at).desc())
            ).all()
            assert listed == [demo.name for demo in partner.customers]


def test_every_demo_account_signs_in_with_the_demo_password(loaded):
    with Session(loaded) as session, settings.override(demo_mode=True):
        for account in accounts.DEMO_ACCOUNTS:
            result = signing_in.sign_in(session, account.email, accounts.DEMO_PASSWORD, "127.0.0.1")
            assert result.user is not None and result.user.role == account.role, account
        admin = session.exec(
            select(AppUser).where(AppUser.email == demo_data.ACCOUNT_ADMIN_EMAIL)
        ).one()
        customer = session.get(Customer, admin.customer_id)
        admin_emails = [
            row.email
            for row in customers.load_customer(
                session, CustomerScope(customer.partner_id), customer.account_id
            ).form.admin_contacts
        ]
    assert customer.name == demo_data.ACCOUNT_ADMIN_CUSTOMER
    assert admin.partner_id == customer.partner_id
    assert demo_data.ACCOUNT_ADMIN_EMAIL in admin_emails  # Sanne is its admin contact


def _team(session: Session) -> dict[str, tuple]:
    """Each partner user's role, active, and how many customers they see (None: all)."""
    team = {}
    for user in session.exec(
        select(AppUser).where(col(AppUser.role).in_(permissions.PARTNER_ROLES))
    ):
        scope = users.current_user(user).scope
        seen = None if not scope.limited else customer_list.status_counts(session, scope).total
        team[user.email] = (user.role, user.active, seen)
    return team


DEMO_TEAM = {
    "anna.devries@northwind-telecom.example": (permissions.PARTNER_ADMIN_ROLE, True, None),
    "jeroen.bakker@northwind-telecom.example": (permissions.PARTNER_ROLE, True, 5),
    "liam.peeters@contoso-comms.example": (permissions.PARTNER_ADMIN_ROLE, True, None),
    "emma.schmidt@contoso-comms.example": (permissions.PARTNER_ROLE, True, None),
}


def test_the_demo_team_and_a_reset_restores_it(loaded):
    """Anna and Liam run their partners' teams, Jeroen sees five customers, Emma all;
    whatever a demo changed on the Team page, a reset puts back."""
    with Session(loaded) as session:
        assert _team(session) == DEMO_TEAM
        anna = users.find_user(session, "anna.devries@northwind-telecom.example")
        assert anna is not None
        with settings.override(deploy_url="https://onboarding.example.com"):
            invited = team.invite(
                session,
                anna,
                name="Demo Colleague",
                email="demo.colleague@northwind-telecom.example",
                role=permissions.PARTNER_ROLE,
                customers=team_rules.ALL_CUSTOMERS,
                account_ids=[],
                lang="en",
            )
        jeroen = users.find_user(session, "jeroen.bakker@northwind-telecom.example")
        assert jeroen is not None
        team.change_access(
            session,
            anna,
            jeroen.id,
            role=permissions.PARTNER_ADMIN_ROLE,
            customers=team_rules.ALL_CUSTOMERS,
            account_ids=[],
        )
        team.deactivate(session, anna, jeroen.id)
        assert demo_data.load(session, reset=True) == TOTAL
        session.expire_all()
        assert _team(session) == DEMO_TEAM
        assert session.get(AppUser, invited) is None
        assert session.exec(select(TeamEvent)).all() == []


def test_reset_loads_them_again(loaded):
    with Session(loaded) as session:
        first = {c.account_id for c in session.exec(select(Customer)).all()}
        assert demo_data.load(session, reset=True) == TOTAL
        second = {c.account_id for c in session.exec(select(Customer)).all()}
        admin = session.exec(
            select(AppUser).where(AppUser.email == demo_data.ACCOUNT_ADMIN_EMAIL)
        ).one()
        checked = set(session.exec(select(ConnectionCheck.customer_id)).all())
        customer_ids = set(session.exec(select(Customer.id)).all())
    assert len(second) == TOTAL and not first & second  # new customers, new IDs
    assert admin.customer_id in customer_ids
    assert checked and checked <= customer_ids  # the old customers' checks went too


def test_a_reset_starts_the_demo_as_the_first_load_did(loaded):
    """The mail, problem reports, links and invited users of the last demo go; the
    outbox holds this load's invitations only, however often it is reset."""

    def made(session: Session) -> dict[str, int]:
        return {
            model.__name__: len(session.exec(select(model)).all())
            for model in (OutboxMessage, PasswordToken, AppUser, ProblemReport)
        }

    with Session(loaded) as session:
        first = made(session)
        customer = session.exec(select(Customer)).first()
        assert customer is not None and customer.id is not None
        reporter = session.exec(select(AppUser)).first()
        assert reporter is not None and reporter.id is not None
        session.add(
            ProblemReport(
                customer_id=customer.id,
                reporter_user_id=reporter.id,
                application="CloudLink",
                summary="Demo",
                description="Left from the last demo",
            )
        )
        session.commit()
        for _reset in range(2):
            assert demo_data.load(session, reset=True) == TOTAL
            assert made(session) == first
    assert first["OutboxMessage"] > 0  # the load's invitations


def test_a_load_that_fails_half_way_leaves_no_customer_and_loads_next_time(
    demo_database, monkeypatch
):
    run = demo_data.onboarding.Onboarding.run
    started = []

    def fails_at_the_fifth(onboarding):
        started.append(onboarding)
        if len(started) == 5:
            raise RuntimeError("the machine ran out of something")
        return run(onboarding)

    # Someone the load did not make: an account admin added before it.
    with Session(demo_database) as session:
        partner_id = demo_data.accounts.ensure_demo_partner(session)
    add_user(demo_database, "colleague@northwind.example", "account_admin", partner_id)
    monkeypatch.setattr(demo_data.onboarding.Onboarding, "run", fails_at_the_fifth)
    with Session(demo_database) as session, pytest.raises(RuntimeError):
        demo_data.load(session)
    monkeypatch.undo()
    with Session(demo_database) as session:
        assert session.exec(select(Customer)).all() == []
        assert session.exec(select(OutboxMessage)).all() == []
        # The invited admin contacts went; the demo users and the colleague stayed.
        emails = set(session.exec(select(AppUser.email)).all())
        demo_emails = {account.email for account in demo_data.accounts.DEMO_ACCOUNTS}
        assert emails == demo_emails | {"colleague@northwind.example"}
        assert demo_data.load(session) == TOTAL  # not "already there"


def test_the_command_line_loads_once_then_resets(demo_database, capsys):
    main([])
    assert capsys.readouterr().out.strip() == f"Demo data: {TOTAL} customers loaded."
    main([])
    assert capsys.readouterr().out.strip() == "Demo data: already there."
    main(["--reset"])
    assert capsys.readouterr().out.strip() == f"Demo data: {TOTAL} customers loaded."


def test_every_partner_it_makes_is_a_demo_partner(database):
    with database.begin() as connection:  # an empty database, as `make run` finds it
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    with Session(database) as session:
        assert demo_data.load(session) == TOTAL
        partners = session.exec(select(Partner.name, Partner.is_demo)).all()
    assert sorted(partners) == sorted((partner.name, True) for partner in records.PARTNERS)


def test_it_never_gives_the_demo_users_to_a_real_partner_of_the_same_name(database):
    with database.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    real = add_partner(database, accounts.DEMO_OTHER_PARTNER_NAME)
    with Session(database) as session:
        ids = accounts.ensure_demo_users(session)
        liam = session.get(AppUser, ids[demo_data.SECOND_PARTNER_EMAIL])
        assert liam.partner_id != real
        assert session.get(Partner, liam.partner_id).is_demo


def test_reset_refuses_a_database_with_a_partner_that_is_not_a_demo_partner(loaded):
    add_partner(loaded, "Rival Telecom")
    before = database_rows(loaded)
    with (
        Session(loaded) as session,
        pytest.raises(demo_data.NotADemoDatabase, match=r"1 partner\(s\) .*'Rival Telecom'"),
    ):
        demo_data.load(session, reset=True)
    assert database_rows(loaded) == before  # nothing deleted, nothing written


def test_reset_refuses_a_database_whose_partners_are_all_real(database):
    # The unit tests' own database: its Northwind is not marked as demo.
    before = database_rows(database)
    with Session(database) as session, pytest.raises(demo_data.NotADemoDatabase):
        demo_data.load(session, reset=True)
    assert database_rows(database) == before


def test_loading_refuses_a_database_with_a_partner_that_is_not_a_demo_partner(database):
    # Demo accounts have a published password: never in a real partner's database.
    before = database_rows(database)
    with Session(database) as session, pytest.raises(demo_data.NotADemoDatabase) as refused:
        demo_data.load(session)
    assert "Nothing was written" in str(refused.value)
    assert database_rows(database) == before


def test_the_command_line_refuses_to_reset_with_a_message_and_an_error_status(loaded, capsys):
    add_partner(loaded, "Rival Telecom")
    before = database_rows(loaded)
    with pytest.raises(SystemExit) as stopped:
        main(["--reset"])
    # A text to SystemExit is printed on stderr with exit status 1.
    assert isinstance(stopped.value.code, str)
    assert stopped.value.code.startswith("Demo data: Refused: this database holds 1 partner(s)")
    assert "Nothing was deleted." in stopped.value.code
    assert capsys.readouterr().out == ""
    assert database_rows(loaded) == before


def test_a_stage_off_the_customers_path_is_refused():
    address = records.Address("NL", "Kerkstraat 1", "Utrecht", "3511 LK")
    with pytest.raises(ValueError, match="not on its path"):
        records.DemoCustomer(
            "X", address, "retail", "nl", "x.example", wizard_path.PBX, deployment=wizard_path.SMBC
        )
    with pytest.raises(ValueError, match="Connect step"):
        records.DemoCustomer(
            "X", address, "retail", "nl", "x.example", records.PROBLEM, deployment=wizard_path.VA
        )


def test_a_demo_customer_that_breaks_a_rule_stops_the_load(demo_database, monkeypatch):
    """The loader checks each step as its Next does: "legal" is no business type."""
    broken = records.DemoCustomer(
        "Advocaten BV",
        records.Address("NL", "Kerkstraat 1", "Utrecht", "3511 LK"),
        "legal",
        "nl",
        "advocaten-bv.example",
        wizard_path.CUSTOMER,
    )
    partner = records.PARTNERS[0]
    monkeypatch.setattr(
        demo_data.loader,
        "PARTNERS",
        (
            records.DemoPartner(
                partner.name, partner.support_desk, partner.support_email, (broken,)
            ),
        ),
    )
    with (
        Session(demo_database) as session,
        pytest.raises(demo_data.DemoDataError, match="Advocaten BV, customer step"),
    ):
        demo_data.load(session)
