"""The production tests' fixtures: a fresh PostgreSQL schema per test, migrated.

schema_url  the URL of a new, empty schema, dropped with everything in it afterwards
postgres    an engine on that schema, migrated to the newest revision
partner     the demo partner there (its id)

Tests marked `workers` start the production server (slow: `reflex run --env prod`
builds the pages) and run only in `make topology` (CLOUDLINK_TEST_TOPOLOGY=1); the other
runs leave them out.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from alembic import command
from cloudlink_app.demo_data import accounts as demo_accounts
from tests.support.database import set_demo_partners
from tests.support.postgres import POSTGRES_URL, alembic_config

TOPOLOGY = os.environ.get("CLOUDLINK_TEST_TOPOLOGY") == "1"


def pytest_collection_modifyitems(config, items):
    """Tests marked `workers` only in the topology run (make topology)."""

    def kept(item) -> bool:
        return TOPOLOGY or item.get_closest_marker("workers") is None

    deselected = [item for item in items if not kept(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if kept(item)]


@pytest.fixture
def schema_url():
    """The URL of a new, empty PostgreSQL schema (first on the search path), dropped
    with everything in it after the test."""
    schema = f"cloudlink_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres(schema_url):
    """An engine on a fresh schema migrated to the newest revision."""
    command.upgrade(alembic_config(schema_url), "head")
    engine = sa.create_engine(schema_url, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def partner(postgres) -> int:
    """The demo partner on PostgreSQL, not marked as demo (as in the unit tests)."""
    with Session(postgres) as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
    set_demo_partners(postgres, demo=False)
    return partner_id
