"""The production topology under faults (make topology; tests/support/topology.py):
nginx in front of two `make serve` instances, two workers each, one PostgreSQL (behind
a TCP proxy these tests cut) and one Redis. Nothing typed is lost.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import text
from sqlmodel import col, func, select

from cloudlink_app.models import Customer, EmailDomain, SupportContact
from cloudlink_app.services.database import get_session
from tests.support.browser import (
    create_customer,
    field,
    fill_valid_customer,
    open_new_customer,
    ready,
    sign_in_context,
)
from tests.support.topology import Topology, health

pytestmark = pytest.mark.faults

JEROEN = "jeroen.bakker@northwind-telecom.example"
UNAVAILABLE = re.compile("database cannot be reached", re.IGNORECASE)
RECONNECTING = re.compile("Reconnecting")


def customers_named(name: str) -> int:
    with get_session() as session:
        return session.exec(
            select(func.count()).select_from(Customer).where(col(Customer.name) == name)
        ).one()


def websocket_on(production: Topology, before: dict[str, int]) -> str:
    """The instance that the websocket opened since `before` (counts of
    production.websockets()) is connected to."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        now = production.websockets()
        grown = [name for name in now if now[name] > before.get(name, 0)]
        if len(grown) == 1:
            return grown[0]
        time.sleep(0.2)
    raise AssertionError(f"no new websocket: before {before}, now {production.websockets()}")


def settled_websockets(production: Topology) -> dict[str, int]:
    """production.websockets() once it stops changing (a closed page's websocket may
    take a moment to go), at most 5 seconds."""
    deadline = time.monotonic() + 5
    last = production.websockets()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = production.websockets()
        if now == last:
            return now
        last = now
    return last


@contextlib.contextmanager
def writes_held(table: str, waiting: int) -> Iterator[None]:
    """Hold every write to `table` (reads go on) until `waiting` other connections wait
    to write it, then let them all go at once: saves on two instances that have passed
    the application's checks and meet at the database."""
    with get_session() as holder, get_session() as watcher:
        holder.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        yield
        deadline = time.monotonic() + 20
        blocked = 0
        while blocked < waiting:
            assert time.monotonic() < deadline, f"{blocked} of {waiting} writes waited"
            time.sleep(0.1)
            blocked = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            watcher.rollback()  # a fresh snapshot each time
        holder.commit()


def signed_in(browser: Browser, production: Topology, email: str) -> BrowserContext:
    context = browser.new_context(base_url=production.frontend_url)
    sign_in_context(context, production.frontend_url, email, api_url=production.api_url)
    return context


def tab_on_instance(context: BrowserContext, production: Topology, path: str, avoid: str = ""):
    """(a tab at `path`, the instance its websocket is on), on another instance than
    `avoid` (reloaded until nginx's round robin puts it there)."""
    page = context.new_page()
    for attempt in range(20):
        # nginx's round robin counts every request: a page load that makes an even
        # number of them before its websocket would land on one instance every time.
        # 0, 1 or 2 requests of our own in between break that rhythm.
        for _request in range(attempt % 3):
            health(production.frontend_url)
        before = production.websockets()
        page.goto(path)
        ready(page)
        instance = websocket_on(production, before)
        if instance != avoid:
            return page, instance
        page.goto("about:blank")
        time.sleep(0.2)
    raise AssertionError(f"every websocket landed on instance {avoid}")


def test_health_through_the_proxy_is_503_while_the_database_is_cut(production: Topology):
    assert health(production.frontend_url) == 200
    production.db_proxy.cut()
    assert health(production.frontend_url) == 503
    production.db_proxy.restore()
    deadline = time.monotonic() + 15
    while health(production.frontend_url) != 200:
        assert time.monotonic() < deadline, "/_health did not come back"
        time.sleep(0.5)


def test_an_instance_killed_between_typing_and_next(production: Topology, page: Page):
    before = production.websockets()
    open_new_customer(page)
    serving = websocket_on(production, before)
    fill_valid_customer(page, name="Instance Kill BV")
    page.wait_for_timeout(1500)  # the last keystrokes' events handled

    production.kill_instance(next(i for i in production.instances if i.name == serving))
    # The tab reconnects through nginx to the other instance, which has its state.
    other = next(i.name for i in production.instances if i.name != serving)
    deadline = time.monotonic() + 20
    while production.websockets()[other] <= before.get(other, 0):
        assert time.monotonic() < deadline, "the tab did not reconnect to the other instance"
        time.sleep(0.2)
    expect(page.locator("#connection-status")).to_have_count(0, timeout=20_000)
    # Its state arrived: a reconnect hydrates in full, once the token manager saw the
    # old instance dead (its alive key expires ALIVE_TTL, 3 s, after the kill).
    page.wait_for_timeout(3000)
    try:
        expect(field(page, "Customer name")).to_have_value("Instance Kill BV")
        expect(field(page, "Support contact 2: Email address")).to_have_value(
            "piet@bakkerij-jansen.nl"
        )
        page.get_by_role("button", name="Next").click()
        # A worker killed while it held the tab's state lock in Redis leaves it to
        # expire (Reflex's redis_lock_expiration, 10 s) before the other may take it.
        expect(page.get_by_role("heading", name="Gateway")).to_be_visible(timeout=30_000)
    except AssertionError as error:
        # The token manager logs a takeover, and which way a tab got a new token.
        raise AssertionError(f"{error}\n\nThe instances' logs:\n{production.log_tails()}") from None
    assert customers_named("Instance Kill BV") == 1


@contextlib.contextmanager
def tab_lock_held(production: Topology, page: Page) -> Iterator[None]:
    """The tab's state lock in Redis (Reflex 0.10.1's "<token>_lock") held for the
    block, as by a worker busy with an earlier event of the tab: every event the tab
    sends meanwhile waits in the worker that received it."""
    token = page.evaluate("() => window.sessionStorage.getItem('token')")
    store = redis.Redis.from_url(production.redis_url)
    lock = f"{token}_lock"
    assert store.set(lock, b"held by the test", px=60_000, nx=True), "the tab was busy"
    try:
        yield
    finally:
        store.delete(lock)
        store.close()


def test_an_instance_killed_with_the_tabs_events_waiting(production: Topology, page: Page):
    """The events the killed instance had received and not handled die with it: the
    page gives what was typed again after the reconnect (components/page_effects.jsx).
    Without that, the fields show the text but the new instance has none of it, and
    Next says they are empty."""
    before = production.websockets()
    open_new_customer(page)
    serving = websocket_on(production, before)
    field(page, "Country").select_option("NL")  # the Netherlands' address fields
    expect(field(page, "City")).to_be_visible()
    # The page says it gave the values again once the reconnect's state is there (the
    # other instance takes the tab over ALIVE_TTL, 3 s, after the kill).
    with (
        page.expect_console_message(
            lambda message: "typed values given again" in message.text, timeout=30_000
        ),
        tab_lock_held(production, page),
    ):
        fill_valid_customer(page, name="Waiting Events BV")
        page.wait_for_timeout(500)  # every field's event sent, none handled
        production.kill_instance(next(i for i in production.instances if i.name == serving))
    page.wait_for_timeout(500)  # the values' events handled
    page.get_by_role("button", name="Next").click()
    try:
        expect(page.get_by_role("heading", name="Gateway")).to_be_visible(timeout=30_000)
    except AssertionError as error:
        raise AssertionError(f"{error}\n\nThe instances' logs:\n{production.log_tails()}") from None
    with get_session() as session:
        customer = session.exec(select(Customer).where(Customer.name == "Waiting Events BV")).one()
        emails = session.exec(
            select(SupportContact.email).where(SupportContact.customer_id == customer.id)
        ).all()
    assert (customer.city, customer.postal_code) == ("Utrecht", "3511 LK")
    assert sorted(emails) == ["piet@bakkerij-jansen.nl", "support@northwind.example"]


def test_the_database_cut_during_next(production: Topology, page: Page):
    open_new_customer(page)
    fill_valid_customer(page, name="Outage BV", domain="outage.example")
    production.db_proxy.cut()

    page.get_by_role("button", name="Next").click()
    # The page's own notice says so (not only the toast of report_backend_error).
    expect(page.locator("#notice")).to_contain_text(UNAVAILABLE, timeout=20_000)
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    expect(field(page, "Customer name")).to_have_value("Outage BV")
    expect(field(page, "Email domain 1")).to_have_value("outage.example")

    production.db_proxy.restore()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible(timeout=20_000)
    assert customers_named("Outage BV") == 1


def test_the_websocket_lost_says_reconnecting_and_keeps_what_is_typed(
    production: Topology, page: Page
):
    open_new_customer(page)
    fill_valid_customer(page, name="Lost Socket BV")
    page.wait_for_timeout(500)

    production.stop_nginx()
    status = page.locator("#connection-status")
    expect(status).to_be_visible(timeout=20_000)
    expect(status).to_have_text(RECONNECTING)
    field(page, "City").fill("Amersfoort")
    field(page, "City").blur()

    production.start_nginx()
    expect(status).to_have_count(0, timeout=30_000)
    page.wait_for_timeout(1000)  # the queued events sent
    # What was typed while disconnected reached the server: a reload shows it.
    page.reload()
    ready(page)
    expect(field(page, "City")).to_have_value("Amersfoort")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()
    with get_session() as session:
        customer = session.exec(select(Customer).where(Customer.name == "Lost Socket BV")).one()
    assert customer.city == "Amersfoort"


def test_two_people_saving_one_customer_on_two_instances(
    production: Topology, browser: Browser, page: Page
):
    account_id = create_customer(page, name="Shared Customer BV")
    path = f"/customers/{account_id}/customer"
    anna, first = tab_on_instance(page.context, production, path)
    jeroen_context = signed_in(browser, production, JEROEN)
    try:
        jeroen, _second = tab_on_instance(jeroen_context, production, path, avoid=first)

        field(anna, "City").fill("Zwolle")
        field(anna, "City").blur()
        anna.get_by_role("button", name="Next").click()
        expect(anna.get_by_role("heading", name="Gateway")).to_be_visible()

        field(jeroen, "Customer name").fill("Shared Customer Jeroen BV")
        field(jeroen, "Customer name").blur()
        jeroen.get_by_role("button", name="Next").click()
        notice = jeroen.locator("#notice")
        expect(notice).to_contain_text("Anna de Vries")
        expect(notice).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))
        expect(field(jeroen, "Customer name")).to_have_value("Shared Customer Jeroen BV")
    finally:
        jeroen_context.close()
    with get_session() as session:
        customer = session.exec(select(Customer).where(Customer.account_id == account_id)).one()
    assert (customer.name, customer.city) == ("Shared Customer BV", "Zwolle")


def test_one_domain_claimed_by_two_saves_on_two_instances(
    production: Topology, browser: Browser, page: Page
):
    anna, first = tab_on_instance(page.context, production, "/customers/new")
    jeroen_context = signed_in(browser, production, JEROEN)
    try:
        jeroen, _second = tab_on_instance(jeroen_context, production, "/customers/new", first)
        # Admin contacts of their own: only the domain is claimed twice.
        fill_valid_customer(
            anna, name="Claim A BV", domain="claimed.example", admin_email="a@claim-a.example"
        )
        fill_valid_customer(
            jeroen, name="Claim B BV", domain="claimed.example", admin_email="b@claim-b.example"
        )
        # Both at once: each save has found the domain free before either inserts it.
        with writes_held("email_domain", waiting=2):
            anna.get_by_role("button", name="Next").click(no_wait_after=True)
            jeroen.get_by_role("button", name="Next").click(no_wait_after=True)
        outcomes = []
        for tab in (anna, jeroen):
            gateway = tab.get_by_role("heading", name="Gateway")
            taken = tab.locator("#error-summary")
            expect(gateway.or_(taken)).to_be_visible(timeout=20_000)
            outcomes.append("saved" if gateway.is_visible() else "refused")
    finally:
        jeroen_context.close()
    assert sorted(outcomes) == ["refused", "saved"]
    with get_session() as session:
        owners = session.exec(
            select(EmailDomain).where(EmailDomain.normalized == "claimed.example")
        ).all()
    assert len(owners) == 1


def test_the_demo_partner_is_signed_in_on_both_instances(production: Topology, page: Page):
    """Sessions and state live in PostgreSQL and Redis: the same signed-in tab works
    whichever instance its websocket reaches."""
    seen = set()
    for attempt in range(10):
        if attempt % 2:
            # nginx takes turns per request, and a page load sends an even number of them
            # upstream now that it serves /assets/ itself: one more request, so that the
            # next websocket goes to the other instance.
            page.request.get("/_health")
        # The last page's websocket closed first (its page gone), so that a new one on
        # the same instance shows as one more; the heading is in the page before any
        # script runs, so the state's arrival is what says the websocket is open.
        page.goto("about:blank")
        before = settled_websockets(production)
        page.goto("/")
        expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
        ready(page)
        seen.add(websocket_on(production, before))
        if seen == {"a", "b"}:
            break
    assert seen == {"a", "b"}
