"""The real app (production build) in Debian's Chromium, driven by Playwright.

One app and one browser serve the whole browser suite; each test gets a fresh
browser context (so a fresh Reflex session) and a clean set of customers.

Two ways to run it:
- `make e2e`: the app in this process (Reflex's AppHarnessProd) on SQLite; the tests
  marked `faults` are left out (deselected: they need the topology).
- `make topology` (CLOUDLINK_TEST_TOPOLOGY=1): the tests marked `topology` (sign-in, the
  Customer step, both wizard paths, the dashboard) and `faults` again, through nginx
  in front of two `make serve` instances with two workers each, on PostgreSQL (behind
  a TCP proxy the tests can cut) and Redis (tests/support/topology.py). The other
  tests are left out there: they change the in-process app's settings.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect, sync_playwright
from reflex.config import get_config
from reflex.model import get_engine

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    ConnectionCheck,
    Customer,
    EmailDomain,
    ProblemReport,
    SaveRecord,
    SignInAttempt,
    SupportContact,
    UserCustomer,
    UserSession,
)
from cloudlink_app.services.database import get_session
from tests.support import topology
from tests.support.browser import sign_in_context
from tests.support.database import set_demo_partners
from tests.support.harness import HeadersHarness
from tests.support.postgres import REDIS_URL
from tests.support.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
expect.set_options(timeout=10_000)
STARTUP_DEPLOY_URL = "http://127.0.0.1"
TOPOLOGY = os.environ.get("CLOUDLINK_TEST_TOPOLOGY") == "1"


def pytest_collection_modifyitems(config, items):
    """Each run keeps the tests it can run: the topology run those marked `topology`
    or `faults`, the in-process run all but `faults`."""

    def kept(item) -> bool:
        marks = {mark.name for mark in item.iter_markers()}
        return bool(marks & {"topology", "faults"}) if TOPOLOGY else "faults" not in marks

    deselected = [item for item in items if not kept(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if kept(item)]


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="session", autouse=True)
def private_targets():
    """The PBX simulators of these tests listen on 127.0.0.1, which production refuses.
    The app's backend runs in this process, so it sees these settings."""
    with settings.override(allow_private_targets=True):
        yield


@pytest.fixture(scope="session")
def app_harness(private_targets):
    """The app built for production and served on free ports, on a fresh database."""
    import reflex.model

    reflex.model.migrate()
    with get_session() as session:
        demo_accounts.ensure_demo_users(session)
    # Outside demo mode, as production runs: the demo people sign in as real accounts
    # (tests of the demo-account rules mark them again).
    set_demo_partners(get_engine(), demo=False)
    if TOPOLOGY:
        yield from _topology()
        return
    # Pages served through the app's security headers (CSP included), as in production.
    harness = HeadersHarness.create(root=ROOT, app_name="cloudlink_app")
    # The backend's start-up check (services/startup.py) wants a deploy URL, and the
    # backend starts before the harness has picked its frontend's port: a stand-in for
    # the start only (start() returns once the backend listens, the check done).
    with settings.override(deploy_url=STARTUP_DEPLOY_URL):
        harness.start()
    try:
        assert harness.frontend_url
        # Reflex's CORS middleware allows the origins of rxconfig's list (the deploy
        # URL's in production, where pages and backend share one origin): the
        # harness's pages are on a port picked after the backend started, and the
        # import page's upload is a cross-origin fetch from there. The middleware
        # keeps the config's list itself, so the origin added now is allowed.
        origin = harness.frontend_url.rstrip("/")
        if origin not in get_config().cors_allowed_origins:
            get_config().cors_allowed_origins.append(origin)
        yield harness
    finally:
        harness.stop()


def _topology():
    """nginx, two `make serve` instances; their database behind a TCP proxy."""
    database = get_engine().url
    with TcpProxy(database.host or "127.0.0.1", database.port or 5432) as db_proxy:
        through_proxy = database.set(host="127.0.0.1", port=db_proxy.port)
        url = through_proxy.render_as_string(hide_password=False)
        secret_key = settings.get().secret_key
        assert secret_key is not None
        with topology.running(url, REDIS_URL, secret_key) as running:
            running.db_proxy = db_proxy
            yield running


@pytest.fixture
def production(app_harness) -> topology.Topology:
    """The topology, everything running again after the test (fault tests)."""
    assert isinstance(app_harness, topology.Topology)
    yield app_harness
    app_harness.db_proxy.restore()
    app_harness.ensure_running()


# The Content-Security-Policy violations Chromium reported in any page of any context
# during the current test (it logs each to the console): every browser test fails on
# one (fail_on_policy_violation), so the whole suite runs under the strict policy.
POLICY_VIOLATIONS: list[str] = []


def _record_policy_violation(message) -> None:
    if "Content Security Policy" in message.text:
        POLICY_VIOLATIONS.append(message.text)


@pytest.fixture(scope="session")
def browser() -> Browser:
    """Debian's Chromium, headless; every context it makes reports the policy
    violations of its pages."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        new_context = browser.new_context

        def new_context_watched(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.on("console", _record_policy_violation)
            return context

        browser.new_context = new_context_watched  # type: ignore[method-assign]
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fail_on_policy_violation():
    """A browser test fails when a page broke the Content-Security-Policy during it."""
    POLICY_VIOLATIONS.clear()
    yield
    assert POLICY_VIOLATIONS == [], POLICY_VIOLATIONS


@pytest.fixture
def clean_customers(app_harness):
    """No customers (nor sessions, nor failed sign-ins) at the start of the test.

    A save of the previous test may still be running in the app (the browser moved on
    as soon as the page answered): its rows can arrive between two of these deletes, and
    PostgreSQL then refuses to delete their customer. Tried again, it finds them."""
    for attempt in range(5):
        try:
            _delete_customers()
            return
        except sa.exc.IntegrityError:
            if attempt == 4:
                raise
            time.sleep(0.5)


def _delete_customers() -> None:
    with get_session() as session:
        session.execute(sa.update(AppUser).values(customer_id=None))
        for model in (
            EmailDomain,
            AdminContact,
            SupportContact,
            ConnectionCheck,
            ProblemReport,
            SaveRecord,
            UserCustomer,
            UserSession,
            SignInAttempt,
            Customer,
        ):
            session.execute(sa.delete(model))
        session.commit()


@pytest.fixture
def signed_out_page(app_harness, browser, clean_customers) -> Page:
    """A new tab in a new browser context with no session, at the app's base URL."""
    context = browser.new_context(base_url=app_harness.frontend_url)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(app_harness, browser, clean_customers) -> Page:
    """A new tab of the demo partner user (Anna de Vries), signed in."""
    context = browser.new_context(base_url=app_harness.frontend_url)
    sign_in_context(
        context,
        app_harness.frontend_url,
        demo_accounts.DEMO_PARTNER_EMAIL,
        api_url=getattr(app_harness, "api_url", None),  # the topology's: nginx
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def fail_on_backend_error():
    """A browser test fails when the backend logged an error during it."""
    collector = _ErrorCollector()
    logger = logging.getLogger("cloudlink_app")
    logger.addHandler(collector)
    yield
    logger.removeHandler(collector)
    assert not collector.records, [r.getMessage() for r in collector.records]


@pytest.fixture
def pbx_listener():
    """A real TCP listener on 127.0.0.1 standing in for a PBX; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                connection.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()
