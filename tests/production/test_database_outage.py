"""The database goes away under a running app, and comes back.

The app runs on this machine's PostgreSQL (a fresh migrated schema) through a TCP proxy
the test owns (tests/support/tcp_proxy.py), with the engine Reflex makes for a backend
process: the proxy cuts every connection and refuses new ones, as when the server
restarts or the network fails, or holds new ones unanswered, as a host that is down.
Browser tabs send their events through Reflex's event processing (tests/support/tabs).

What must hold: Next, Back, Save and return and Cancel say in the page that the
database cannot be reached, keep everything typed and save nothing; any other event
reaches report_backend_error, which shows the same message and logs a WARNING without a
stack trace (an ERROR is a bug); and once the database is back the next event works,
without a restart, also after a restart nobody noticed while the tab was idle.
"""

from __future__ import annotations

import logging
import time

import pytest
import sqlalchemy as sa
from reflex.vars import LiteralVar
from sqlmodel import col

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import Customer
from cloudlink_app.services import database
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.failures import report_backend_error
from cloudlink_app.state.session import FAILURE_UNAVAILABLE, FAILURE_UNEXPECTED, SessionState
from tests.support.builders import valid_form
from tests.support.database import count, save
from tests.support.postgres import POSTGRES_URL
from tests.support.refusals import assert_refused
from tests.support.tabs import Tab, open_customer, type_form
from tests.support.tcp_proxy import TcpProxy, app_database

pytestmark = pytest.mark.asyncio

UNAVAILABLE = t("notice.database_unavailable")


@pytest.fixture
def proxy():
    """A TCP proxy in front of the tests' PostgreSQL server."""
    server = sa.make_url(POSTGRES_URL)
    with TcpProxy(server.host or "127.0.0.1", server.port or 5432) as proxy:
        yield proxy


@pytest.fixture
def app_engine(proxy, schema_url, postgres, partner):
    """The app's database: the migrated test schema with its demo partner user, reached
    through ``proxy`` (``postgres`` reaches it directly, to look at the rows)."""
    with app_database(proxy.url(schema_url)) as engine:
        yield engine


async def new_customer_typed(name: str = "Outage BV") -> Tab:
    """A tab on /customers/new with a whole valid Customer step typed."""
    tab = Tab()
    tab.open_route(routes.NEW_CUSTOMER)
    await tab.customer("load_new_customer")
    await type_form(tab, valid_form(name, "outage.example"))
    return tab


def names(engine: sa.engine.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(col(Customer.name))).scalars())


async def test_next_while_the_database_is_away_keeps_the_form_and_works_once_it_is_back(
    app_engine, proxy, postgres
):
    tab = await new_customer_typed()
    typed = tab.snapshot(CustomerStepState)

    proxy.cut()
    await assert_refused(tab, postgres, CustomerStepState, "next_step", UNAVAILABLE)
    assert tab.customer_step.customer_name == "Outage BV"
    assert tab.snapshot(CustomerStepState) == typed
    assert count(postgres, Customer) == 0

    proxy.restore()
    sent = await tab.customer("next_step")
    assert tab.notice == ""
    account_id = tab.customer_step.loaded
    assert sent.redirects == [routes.step_url(account_id, wizard_path.GATEWAY)]
    assert names(postgres) == ["Outage BV"]


# Each button's own outcome once the database is back: where it goes (None: stays).
AFTERWARDS = {
    "go_back": routes.step_url("{account_id}", wizard_path.CUSTOMER),
    "save_and_return": routes.DASHBOARD,
    "cancel": None,  # asks first: there are unsaved changes
    "keep_editing": None,
    "discard_changes": routes.DASHBOARD,
}


@pytest.mark.parametrize("handler", list(AFTERWARDS))
async def test_back_save_and_return_and_cancel_say_so_and_keep_the_changes(
    app_engine, proxy, postgres, partner, handler
):
    record = save(postgres, partner, valid_form("Stored BV", "stored.example"), complete=False)
    tab = Tab()
    await open_customer(tab, record.account_id)
    await tab.customer("set_city", value="Utrecht")
    assert tab.customer_step.dirty

    proxy.cut()
    await assert_refused(tab, postgres, CustomerStepState, handler, UNAVAILABLE)
    assert tab.customer_step.city == "Utrecht"

    proxy.restore()
    sent = await tab.customer(handler)
    assert tab.notice == ""  # the button worked: its notice is gone
    target = AFTERWARDS[handler]
    assert sent.redirects == ([target.format(account_id=record.account_id)] if target else [])
    assert tab.customer_step.confirm_cancel_open is (handler == "cancel")


async def test_a_restart_while_the_tab_was_idle_goes_unnoticed(app_engine, proxy, postgres):
    # Every pooled connection dies while nobody sends an event (a database restart, a
    # failover): the pool checks a connection before handing it out (pre-ping), so
    # the next event gets a new one instead of an error.
    tab = await new_customer_typed("Idle BV")
    proxy.cut()
    proxy.restore()

    # The first use of the pool after the restart (any event's session lookup) works.
    with database.get_session() as session:
        assert session.execute(sa.text("SELECT 1")).scalar_one() == 1
    await tab.customer("next_step")
    assert tab.notice == ""
    assert names(postgres) == ["Idle BV"]


async def test_a_database_that_does_not_answer_fails_within_seconds(app_engine, proxy, postgres):
    tab = await new_customer_typed("Silent BV")
    proxy.hang()  # connections are accepted and never answered

    started = time.monotonic()
    await assert_refused(tab, postgres, CustomerStepState, "next_step", UNAVAILABLE)
    waited = time.monotonic() - started
    # Each new connection gives up after CONNECT_TIMEOUT (the session lookups before
    # the handler's first one), not after the operating system's minutes.
    assert database.CONNECT_TIMEOUT <= waited < 4 * database.CONNECT_TIMEOUT

    proxy.restore()
    await tab.customer("next_step")
    assert tab.notice == ""
    assert names(postgres) == ["Silent BV"]


async def test_any_other_event_reports_it_as_a_warning_with_the_message(
    app_engine, proxy, postgres, caplog
):
    tab = await new_customer_typed()
    proxy.cut()
    # Dismissing a notice: not one of the steps' buttons nor typing, so the error
    # reaches Reflex's backend exception handler, as this real one does.
    with pytest.raises(sa.exc.DBAPIError) as raised:
        await tab.send(SessionState, "dismiss_notice")
    assert database.is_unavailable(raised.value)

    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        toast = report_backend_error(raised.value)
    (logged,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert (logged.levelno, logged.exc_info) == (logging.WARNING, None)
    assert "The database cannot be reached" in logged.getMessage()
    # The tab says so in its own language (SessionState.show_failure).
    assert repr(toast.args[0][1]) == repr(LiteralVar.create(FAILURE_UNAVAILABLE))

    # A bug is still a bug: an ERROR with its stack trace and the generic message.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        toast = report_backend_error(ValueError("a bug"))
    (logged,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert logged.levelno == logging.ERROR and logged.exc_info is not None
    assert repr(toast.args[0][1]) == repr(LiteralVar.create(FAILURE_UNEXPECTED))

    proxy.restore()
    await tab.customer("set_city", value="Utrecht")
    assert tab.notice == ""
    assert tab.customer_step.city == "Utrecht"


async def test_typing_while_the_database_is_away_keeps_what_is_typed(app_engine, proxy, postgres):
    """After a Next that showed errors, every keystroke checks the form again, and a
    rule asks the database (is this domain taken?): typed while it is away, the value
    is kept all the same, the page says why, and Next saves it once it is back."""
    tab = await new_customer_typed()
    row_id = tab.customer_step.email_domains[0].id
    await tab.customer("set_email_domain", row_id=row_id, value="not a domain")
    await tab.customer("next_step")
    assert tab.customer_step.errors  # shown: from now on every keystroke re-checks

    proxy.cut()
    await tab.customer("set_email_domain", row_id=row_id, value="later.example")
    await tab.customer("set_city", value="Amersfoort")
    assert tab.customer_step.email_domains[0].value == "later.example"
    assert tab.customer_step.city == "Amersfoort"
    assert tab.notice == UNAVAILABLE
    assert count(postgres, Customer) == 0

    proxy.restore()
    await tab.customer("next_step")
    with postgres.connect() as connection:
        city = connection.execute(sa.select(col(Customer.city))).scalar_one()
    assert city == "Amersfoort"
