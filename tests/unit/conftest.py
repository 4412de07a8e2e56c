"""The unit tests' fixtures: the test database, its partners and demo users, and browser
tabs on it.

database       the test database, emptied: only the demo partner and its user
session        a session on it, as the app opens them
partner        the demo partner's id
other_partner  a second partner, Rival Telecom, with no customers
demo_users     every demo account, with the demo password (email -> user id); their
               partners are not marked as demo: they sign in outside demo mode
tab            a browser tab signed in as the demo partner user
new_customer   that tab on /customers/new, its on_load done

Helpers (Tab, assert_refused, valid_form, ...) are imported from tests.support.
"""

from __future__ import annotations

import pytest
import pytest_asyncio
import sqlalchemy as sa
from reflex.model import get_engine
from sqlmodel import Session, SQLModel

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.services import password_hashing
from tests.support.database import add_partner, demo_partner_id, set_demo_partners
from tests.support.tabs import Tab


@pytest.fixture
def database() -> sa.engine.Engine:
    """The app's test database (REFLEX_DB_URL, set by tests/conftest.py): tables
    created, every row deleted, then the demo partner and its user added, not marked
    as demo (tests.support.database.set_demo_partners)."""
    engine = get_engine()
    # Never empty another database, whatever the environment points the app at.
    if engine.url.get_backend_name() != "sqlite" or "cloudlink-tests-" not in str(
        engine.url.database
    ):
        pytest.fail(f"not the test database made by tests/conftest.py: {engine.url!r}")
    SQLModel.metadata.create_all(engine)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    demo_partner_id(engine)
    set_demo_partners(engine, demo=False)
    return engine


@pytest.fixture
def session(database):
    """A session on the test database, as the app opens them."""
    with Session(database, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def partner(database) -> int:
    """The demo partner's id."""
    return demo_partner_id(database)


@pytest.fixture
def other_partner(database) -> int:
    """A second partner, Rival Telecom, with no customers."""
    return add_partner(database, "Rival Telecom")


_DEMO_HASH: list[str] = []


@pytest.fixture
def demo_users(database, monkeypatch) -> dict[str, int]:
    """Every demo account (cloudlink_app.demo_data.accounts) with the demo password, as
    `make run` creates them; email -> user id. One hash of the password for all of
    them, made once per run: Argon2 is slow on purpose (test_passwords.py checks the
    real per-user salts)."""
    real_hash = password_hashing.hash_password

    def hash_once(password: str) -> str:
        if password != demo_accounts.DEMO_PASSWORD:
            return real_hash(password)
        if not _DEMO_HASH:
            _DEMO_HASH.append(real_hash(password))
        return _DEMO_HASH[0]

    with monkeypatch.context() as patch:
        patch.setattr(password_hashing, "hash_password", hash_once)
        with Session(database) as session:
            ids = demo_accounts.ensure_demo_users(session)
    set_demo_partners(database, demo=False)
    return ids


@pytest.fixture
def tab(database) -> Tab:
    """A browser tab signed in as the demo partner user, on no page yet."""
    return Tab()


@pytest_asyncio.fixture
async def new_customer(tab: Tab) -> Tab:
    """A tab on /customers/new after its on_load: a blank Customer step."""
    tab.open_route(routes.NEW_CUSTOMER)
    await tab.customer("load_new_customer")
    assert tab.customer_step.loaded == "new"
    return tab
