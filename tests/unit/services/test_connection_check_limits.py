"""The limits on connection checks: the quota reserved atomically, one check per user at
a time, a cap per process, records that outlive drafts, and answers that do not let a
partner map our network.

Checks go to a real listener on 127.0.0.1 (in demo mode, which allows loopback) or to
names answered by a stand-in resolver; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import ConnectionCheck
from cloudlink_app.services import connection_checks, drafts, users, wizard
from cloudlink_app.services.connection_checks import RATE_LIMIT, Reservation
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.state.connect_step import ConnectStepState
from tests.support.database import (
    add_checks,
    add_user,
    customer_row,
    demo_partner_id,
    make_customer,
    set_columns,
    user_id,
)
from tests.support.tabs import Tab, open_step

QUOTA = RATE_LIMIT[0]
COLLEAGUE = "colleague@northwind.example"
_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 (the kernel completes connections into its backlog);
    yields the socket: `accepted(listener)` counts the connections made to it."""
    sock = socket.create_server(("127.0.0.1", 0), backlog=64)
    sock.setblocking(False)
    yield sock
    sock.close()


def accepted(listener: socket.socket) -> int:
    """How many connections were made to the listener since last asked."""
    count = 0
    while True:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


@pytest.fixture
def demo_mode():
    """Demo mode: loopback may be checked, names are looked up as typed."""
    with settings.override(demo_mode=True):
        yield


@pytest.fixture
def production():
    """Outside demo mode, with nothing private allowed."""
    with settings.override(demo_mode=False, allow_private_targets=False):
        yield


@pytest.fixture
def dns(monkeypatch):
    """Names answered here: dns["x.example.com"] = ["10.0.0.1"] or an exception;
    dns.calls records the names asked for. Other names resolve for real."""

    class Answers(dict):
        calls: list[str]

    answers = Answers()
    answers.calls = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        key = host.removesuffix(".")
        if key not in answers:
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        answers.calls.append(host)
        if isinstance(answers[key], BaseException):
            raise answers[key]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))
            for ip in answers[key]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def current_user(email: str = demo_accounts.DEMO_PARTNER_EMAIL) -> users.CurrentUser:
    """The user as the handlers read them."""
    with Session(get_engine()) as session:
        user = users.find_user(session, email)
    assert user is not None
    return user


def get_engine():
    from reflex.model import get_engine as engine

    return engine()


def pbx_customer(database, port: int, address: str = "127.0.0.1") -> str:
    """A customer of the demo partner at the Connect step whose PBX is
    ``address``:``port``."""
    account_id = make_customer(database, demo_partner_id(database), wizard_path.PBX)
    set_columns(database, account_id, pbx_address=address, pbx_port=str(port))
    return account_id


def audit_rows(database) -> list[ConnectionCheck]:
    """Every connection_check row, oldest first."""
    with Session(database) as session:
        return list(session.exec(select(ConnectionCheck).order_by(ConnectionCheck.id)).all())


async def check(account_id: str, address: str, port: int | str, email=None):
    """Reserve and run one check as the service's caller does: the record, or the
    notice key that refused it."""
    user = current_user(email or demo_accounts.DEMO_PARTNER_EMAIL)
    reserved = connection_checks.reserve(user, account_id, address, str(port))
    if isinstance(reserved, str):
        return reserved
    return await connection_checks.run_check(reserved)


# ----- the quota, reserved in the transaction that counts it ----------------------------


@pytest.mark.asyncio
async def test_six_tabs_starting_checks_at_once_run_at_most_the_quota(
    database, demo_mode, listener
):
    account_id = pbx_customer(database, listener.getsockname()[1])
    tabs = [Tab() for _ in range(QUOTA)]
    for tab in tabs:
        await open_step(tab, wizard_path.CONNECT, account_id)
    await asyncio.gather(*(tab.send(ConnectStepState, "check_connection") for tab in tabs))
    made = accepted(listener)
    assert 1 <= made <= QUOTA
    # One check of a user at a time: the others were told one is running.
    notices = sorted(tab.notice for tab in tabs)
    assert notices == [""] + [t("notice.check_running")] * (QUOTA - 1)
    assert [row.result for row in audit_rows(database)] == ["reachable"]
    assert all(not tab.state(ConnectStepState).checking for tab in tabs)


@pytest.mark.asyncio
async def test_the_quota_counts_every_check_started(database, demo_mode, listener):
    port = listener.getsockname()[1]
    account_id = pbx_customer(database, port)
    outcomes = [await check(account_id, "127.0.0.1", port) for _ in range(QUOTA + 1)]
    assert all(isinstance(o, wizard.WizardRecord) for o in outcomes[:QUOTA])
    assert outcomes[QUOTA] == "notice.too_many_checks"
    assert accepted(listener) == QUOTA
    assert len(audit_rows(database)) == QUOTA


def _race(count: int, reserve_one) -> list:
    """``reserve_one()`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        results[index] = reserve_one()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def slow_count(monkeypatch) -> None:
    """Make the count of the user's checks slow, as under load: without the user's lock
    every concurrent reservation would count before any inserts."""
    real = wizard.checks_in_last

    def counted_slowly(session, uid, seconds):
        count = real(session, uid, seconds)
        time.sleep(0.05)
        return count

    monkeypatch.setattr(wizard, "checks_in_last", counted_slowly)


def test_concurrent_reservations_of_one_user_get_one_slot(database, demo_mode, monkeypatch):
    # Separate database connections in threads: the lock must hold across workers.
    account_id = pbx_customer(database, 3999)
    uid = user_id(database)
    add_checks(database, uid, account_id, [5] * (QUOTA - 2))  # two slots left
    slow_count(monkeypatch)
    user = current_user()
    results = _race(8, lambda: connection_checks.reserve(user, account_id, "127.0.0.1", "3999"))
    granted = [r for r in results if isinstance(r, Reservation)]
    assert len(granted) == 1
    assert {r for r in results if isinstance(r, str)} <= {
        "notice.check_running",
        "notice.too_many_checks",
    }
    pending = [row for row in audit_rows(database) if row.result == connection_checks.PENDING]
    assert len(pending) == 1
    for reservation in granted:
        connection_checks.release(reservation)


@pytest.mark.asyncio
async def test_one_check_per_user_at_a_time(database, demo_mode, listener):
    port = listener.getsockname()[1]
    account_id = pbx_customer(database, port)
    add_user(database, COLLEAGUE, users.PARTNER_ROLE, demo_partner_id(database))
    first = connection_checks.reserve(current_user(), account_id, "127.0.0.1", str(port))
    assert isinstance(first, Reservation)
    try:
        assert await check(account_id, "127.0.0.1", port) == "notice.check_running"
        # Another user of the partner is not held up.
        other = await check(account_id, "127.0.0.1", port, email=COLLEAGUE)
        assert isinstance(other, wizard.WizardRecord)
    finally:
        record = await connection_checks.run_check(first)
    assert isinstance(record, wizard.WizardRecord)
    # Once it finished, the next one may run.
    assert isinstance(await check(account_id, "127.0.0.1", port), wizard.WizardRecord)


def test_a_pending_check_left_behind_blocks_only_for_a_while(database, demo_mode, monkeypatch):
    account_id = pbx_customer(database, 3999)
    reserved = connection_checks.reserve(current_user(), account_id, "127.0.0.1", "3999")
    assert isinstance(reserved, Reservation)
    connection_checks.release(reserved)  # its worker stopped: the row stays pending
    again = connection_checks.reserve(current_user(), account_id, "127.0.0.1", "3999")
    assert again == "notice.check_running"
    monkeypatch.setattr(connection_checks, "STALE_AFTER", 0)
    again = connection_checks.reserve(current_user(), account_id, "127.0.0.1", "3999")
    assert isinstance(again, Reservation)
    connection_checks.release(again)


def test_each_process_runs_at_most_its_cap_of_checks(database, demo_mode, monkeypatch):
    monkeypatch.setattr(connection_checks, "MAX_RUNNING", 2)
    account_id = pbx_customer(database, 3999)
    emails = [f"user{i}@northwind.example" for i in range(3)]
    for email in emails:
        add_user(database, email, users.PARTNER_ROLE, demo_partner_id(database))
    running = [
        connection_checks.reserve(current_user(email), account_id, "127.0.0.1", "3999")
        for email in emails[:2]
    ]
    assert all(isinstance(r, Reservation) for r in running)
    assert connection_checks.running_here() == 2
    rows_before = len(audit_rows(database))
    third = connection_checks.reserve(current_user(emails[2]), account_id, "127.0.0.1", "3999")
    assert third == "notice.checks_busy"
    assert len(audit_rows(database)) == rows_before  # nothing reserved
    connection_checks.release(running[0])
    third = connection_checks.reserve(current_user(emails[2]), account_id, "127.0.0.1", "3999")
    assert isinstance(third, Reservation)
    for reservation in (running[1], third):
        connection_checks.release(reservation)
    assert connection_checks.running_here() == 0


@pytest.mark.asyncio
async def test_a_check_that_fails_gives_back_its_slot_and_is_recorded(
    database, demo_mode, monkeypatch
):
    account_id = pbx_customer(database, 3999)

    async def broken(*args, **kwargs):
        raise RuntimeError("the network stack broke")

    monkeypatch.setattr(connection_checks.connection, "check_connection", broken)
    reserved = connection_checks.reserve(current_user(), account_id, "127.0.0.1", "3999")
    assert isinstance(reserved, Reservation)
    with pytest.raises(RuntimeError):
        await connection_checks.run_check(reserved)
    assert connection_checks.running_here() == 0
    assert [row.result for row in audit_rows(database)] == [connection_checks.INTERRUPTED]
    assert customer_row(database, account_id).connection_result == ""


# ----- records outlive drafts ----------------------------------------------------------


@pytest.mark.asyncio
async def test_deleting_a_draft_keeps_its_checks_and_the_quota(database, demo_mode, listener):
    port = listener.getsockname()[1]
    draft = pbx_customer(database, port)
    name = customer_row(database, draft).name
    for _ in range(QUOTA):
        assert isinstance(await check(draft, "127.0.0.1", port), wizard.WizardRecord)
    with Session(database) as session:
        drafts.delete_draft(session, CustomerScope(demo_partner_id(database)), draft)
    rows = audit_rows(database)
    assert len(rows) == QUOTA
    assert {(r.customer_id, r.account_id, r.customer_name) for r in rows} == {(None, draft, name)}
    assert all(r.user_id == user_id(database) for r in rows)
    # A new customer does not get the user a new quota.
    other = pbx_customer(database, port)
    assert await check(other, "127.0.0.1", port) == "notice.too_many_checks"


@pytest.mark.asyncio
async def test_a_draft_deleted_during_its_check(database, demo_mode, listener):
    port = listener.getsockname()[1]
    draft = pbx_customer(database, port)
    reserved = connection_checks.reserve(current_user(), draft, "127.0.0.1", str(port))
    assert isinstance(reserved, Reservation)
    with Session(database) as session:
        drafts.delete_draft(session, CustomerScope(demo_partner_id(database)), draft)
    assert await connection_checks.run_check(reserved) == "notice.customer_not_found"
    [row] = audit_rows(database)
    assert (row.customer_id, row.account_id, row.result) == (None, draft, "reachable")


# ----- answers that do not map our network ---------------------------------------------


@pytest.mark.asyncio
async def test_not_found_and_not_allowed_answer_alike_outside_demo_mode(database, production, dns):
    dns["gone.acme.example"] = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    dns["jira.acme.example"] = ["10.20.0.5"]  # an internal name: a private address
    shown = {}
    for name in ("gone.acme.example", "jira.acme.example"):
        account_id = pbx_customer(database, 443, address=name)
        record = await check(account_id, name, 443)
        assert isinstance(record, wizard.WizardRecord)
        shown[name] = (
            record.connection_result,
            t(
                f"check.result.{record.connection_result}",
                target="X",
                time="T",
            ),
        )
    assert shown["gone.acme.example"] == shown["jira.acme.example"]
    assert shown["gone.acme.example"][0] == "name_not_found"
    # The audit trail keeps what was found; only the user's answer is the same.
    assert [row.result for row in audit_rows(database)] == ["name_not_found", "not_allowed"]
    # Names are looked up as absolute names: no search domain of ours is tried.
    assert dns.calls == ["gone.acme.example.", "jira.acme.example."]


@pytest.mark.asyncio
async def test_not_found_and_not_allowed_differ_in_demo_mode(database, demo_mode, dns):
    dns["gone.acme.example"] = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    dns["metadata.acme.example"] = ["169.254.169.254"]  # never allowed, demo mode or not
    results = []
    for name in ("gone.acme.example", "metadata.acme.example"):
        account_id = pbx_customer(database, 443, address=name)
        record = await check(account_id, name, 443)
        assert isinstance(record, wizard.WizardRecord)
        results.append(record.connection_result)
    assert results == ["name_not_found", "not_allowed"]


@pytest.mark.asyncio
async def test_an_ip_address_not_allowed_says_so_outside_demo_mode(database, production):
    # A typed address reveals no name: the user is told the rule.
    account_id = pbx_customer(database, 443, address="10.20.0.5")
    record = await check(account_id, "10.20.0.5", 443)
    assert isinstance(record, wizard.WizardRecord)
    assert record.connection_result == "not_allowed"


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["pbx", "intranet", "localhost"])
async def test_single_label_names_are_refused_outside_demo_mode(database, production, dns, name):
    dns[name] = ["203.0.113.9"]
    account_id = pbx_customer(database, 443, address=name)
    assert await check(account_id, name, 443) == "notice.single_label_host"
    assert dns.calls == []  # not looked up
    assert audit_rows(database) == []  # nor counted


@pytest.mark.asyncio
async def test_single_label_names_are_looked_up_in_demo_mode(database, demo_mode, listener):
    port = listener.getsockname()[1]
    account_id = pbx_customer(database, port, address="localhost")
    record = await check(account_id, "localhost", port)
    assert isinstance(record, wizard.WizardRecord)
    assert record.connection_result == "reachable"


@pytest.mark.asyncio
async def test_the_tab_shows_the_single_label_notice(database, production, dns):
    account_id = pbx_customer(database, 443, address="pbx")
    tab = Tab()
    await open_step(tab, wizard_path.CONNECT, account_id)
    await tab.send(ConnectStepState, "check_connection")
    assert tab.notice == t("notice.single_label_host")
    assert tab.state(ConnectStepState).checking is False
    assert dns.calls == []
