"""One user per email address in any letter case: app_user's unique index on
lower(email) (models/accounts.py; migration d430c3a55be2), on SQLite. The migration stops,
changing nothing, when users already share an address in another letter case, and says
how many, which users and what to do, without whole addresses.

On PostgreSQL: the same migration check in tests/production/
test_email_unique_in_any_case.py, two saves at once in test_concurrent_saves.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from alembic import command
from cloudlink_app import settings
from cloudlink_app.models import AppUser
from cloudlink_app.services import accounts
from tests.support.migrations import check_the_refusal
from tests.support.postgres import alembic_config


@pytest.mark.parametrize("other", ["Ada@x.example", "ADA@X.EXAMPLE", "ada@x.example"])
def test_two_users_cannot_share_an_address_in_any_letter_case(database, partner, other):
    with Session(database) as session:
        session.add(
            AppUser(email="ada@x.example", display_name="A", role="partner", partner_id=partner)
        )
        session.commit()
        session.add(AppUser(email=other, display_name="B", role="partner", partner_id=partner))
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()


def test_the_lower_case_is_unicodes_as_the_app_compares_it(database, partner):
    with Session(database) as session:
        session.add(
            AppUser(email="émile@x.example", display_name="E", role="partner", partner_id=partner)
        )
        session.commit()
        session.add(
            AppUser(email="ÉMILE@x.example", display_name="F", role="partner", partner_id=partner)
        )
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()


def test_the_accounts_tool_refuses_an_address_in_another_case(session, partner):
    with settings.override(deploy_url="https://onboarding.example.com"):
        accounts.add_partner_user(session, "kim@northwind.example", "Kim", partner)
        with pytest.raises(accounts.AccountError, match="exists already"):
            accounts.add_partner_user(session, "Kim@Northwind.example", "Kim Again", partner)


def test_the_migrations_make_the_index_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    command.upgrade(alembic_config(url), "head")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            sql = connection.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE name = 'ux_app_user_email_lower'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert (
        sql.replace('"', "")
        == "CREATE UNIQUE INDEX ux_app_user_email_lower ON app_user (lower(email))"
    )


def test_the_migration_stops_on_shared_addresses_and_says_what_to_do(tmp_path):
    check_the_refusal(f"sqlite:///{tmp_path / 'shared.db'}")
