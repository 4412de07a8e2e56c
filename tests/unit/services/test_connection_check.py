"""'Check connection' against real sockets on this machine.

Every connection goes to a loopback address; where a test needs a name to resolve to
other addresses, socket.getaddrinfo is replaced and asyncio.open_connection is guarded
so that nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import datetime
import errno
import socket
import threading
import time

import pytest

from cloudlink_app import settings
from cloudlink_app.services import connection
from cloudlink_app.services.connection import (
    OUTCOMES,
    RATE_LIMIT,
    ConnectionResult,
    allow_private_targets,
    check_connection,
)

_real_getaddrinfo = socket.getaddrinfo
_real_open_connection = asyncio.open_connection


@pytest.fixture
def listener():
    """A TCP socket listening on 127.0.0.1 that never accepts by itself: the kernel
    completes connections into its backlog."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    yield sock
    sock.close()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def full_listener():
    """A listener whose accept queue is full, so the kernel drops new connection
    attempts: a connect then waits until it times out. Fails (never skips) where the
    network stack does not behave that way: the timeout path would go untested."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    clients = []
    for _ in range(16):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.settimeout(0.2)
        try:
            client.connect(sock.getsockname())
        except OSError:
            client.close()
            break
        clients.append(client)
    else:
        pytest.fail("the accept queue never filled up: this network stack cannot test timeouts")
    yield sock
    for client in clients:
        client.close()
    sock.close()


@pytest.fixture
def dns(monkeypatch):
    """Makes names resolve to given addresses: dns["pbx.example.com"] = ["127.0.0.1"]
    (asked with or without the final dot). Records the names looked up, as asked, in
    dns.calls; other names resolve for real."""

    class Answers(dict):
        calls: list[str]

    answers = Answers()
    answers.calls = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host.removesuffix(".") not in answers:
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        answers.calls.append(host)
        answer = answers[host.removesuffix(".")]
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer()
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (ip, port, 0, 0) if ":" in ip else (ip, port),
            )
            for ip in answer
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def connections(monkeypatch):
    """Records where check_connection connects, and refuses to let anything but a
    loopback address be connected to."""
    tried = []

    async def open_connection(host, port, **kwargs):
        assert host.startswith("127.") or host == "::1", f"would leave the machine: {host}"
        tried.append(host)
        return await _real_open_connection(host, port, **kwargs)

    monkeypatch.setattr(asyncio, "open_connection", open_connection)
    return tried


def _pending(listener):
    """Whether a connection waits in the listener's backlog (and take it)."""
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return None
    return conn


# Real sockets


@pytest.mark.asyncio
async def test_a_listening_port_is_reachable_and_closed_at_once(listener):
    port = listener.getsockname()[1]
    before = datetime.datetime.now(datetime.UTC)
    result = await check_connection("127.0.0.1", port, allow_private=True)
    assert result.outcome == "reachable" and result.reachable
    assert (result.address, result.port) == ("127.0.0.1", port)
    assert 0 <= result.elapsed_ms < 3000
    assert result.checked_at.tzinfo == datetime.UTC
    assert before <= result.checked_at <= datetime.datetime.now(datetime.UTC)
    conn = _pending(listener)
    assert conn is not None
    conn.settimeout(2)
    assert conn.recv(1) == b""  # closed by the check, nothing sent
    conn.close()


@pytest.mark.asyncio
async def test_loopback_is_not_allowed_outside_demo_mode(listener):
    port = listener.getsockname()[1]
    result = await check_connection("127.0.0.1", port)
    assert (result.outcome, result.address) == ("not_allowed", "")
    assert _pending(listener) is None  # nothing connected


@pytest.mark.asyncio
async def test_a_name_is_resolved_then_checked(listener):
    port = listener.getsockname()[1]
    result = await check_connection("localhost", port, allow_private=True, strict_names=False)
    assert (result.outcome, result.address) == ("reachable", "127.0.0.1")
    result = await check_connection("LOCALHOST.", port)
    assert result.outcome == "not_allowed"


@pytest.mark.asyncio
async def test_ipv6_loopback_with_brackets(listener):
    try:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.bind(("::1", 0))
    except OSError as error:
        pytest.fail(f"no IPv6 loopback here ({error}): the IPv6 path would go untested")
    sock.listen(1)
    with sock:
        result = await check_connection("[::1]", sock.getsockname()[1], allow_private=True)
    assert (result.outcome, result.address) == ("reachable", "::1")


@pytest.mark.asyncio
async def test_a_closed_port_refuses(closed_port):
    result = await check_connection("127.0.0.1", closed_port, allow_private=True)
    assert (result.outcome, result.address) == ("refused", "127.0.0.1")


@pytest.mark.asyncio
async def test_a_name_that_does_not_exist():
    result = await check_connection("name.invalid", 443, allow_private=True)
    assert (result.outcome, result.address) == ("name_not_found", "")


@pytest.mark.asyncio
@pytest.mark.parametrize("host", ["169.254.169.254", "fe80::1", "0.0.0.0", "::"])
async def test_link_local_metadata_and_unspecified_are_never_allowed(host, connections):
    result = await check_connection(host, 80, allow_private=True)
    assert (result.outcome, result.address) == ("not_allowed", "")
    assert connections == []


@pytest.mark.asyncio
async def test_no_answer_times_out(full_listener):
    started = time.monotonic()
    result = await check_connection(
        "127.0.0.1", full_listener.getsockname()[1], timeout=0.2, allow_private=True
    )
    assert (result.outcome, result.address) == ("timed_out", "127.0.0.1")
    assert result.elapsed_ms >= 150 and time.monotonic() - started < 2


@pytest.mark.asyncio
async def test_no_time_left_times_out(listener):
    result = await check_connection(
        "127.0.0.1", listener.getsockname()[1], timeout=0, allow_private=True
    )
    assert result.outcome == "timed_out"
    assert _pending(listener) is None


# Resolving: once, every address checked (no DNS rebinding)


@pytest.mark.asyncio
async def test_the_resolved_address_itself_is_connected_to(listener, dns, connections):
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])  # rebinds on a 2nd look-up
    dns["pbx.example.com"] = lambda: next(answers)
    result = await check_connection(
        "pbx.example.com", listener.getsockname()[1], allow_private=True
    )
    assert (result.outcome, result.address) == ("reachable", "127.0.0.1")
    assert dns.calls == ["pbx.example.com."]  # absolute: no search domain is tried
    assert connections == ["127.0.0.1"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("answer", "allow_private"),
    [
        (["8.8.8.8", "10.0.0.1"], False),
        (["10.0.0.1", "8.8.8.8"], False),
        (["127.0.0.1"], False),
        (["127.0.0.1", "169.254.169.254"], True),
        (["8.8.8.8", "::ffff:127.0.0.1"], True),
        (["192.168.1.10", "fd00:ec2::254"], True),
    ],
)
async def test_one_address_not_allowed_stops_the_check(answer, allow_private, dns, connections):
    dns["pbx.example.com"] = answer
    result = await check_connection("pbx.example.com", 443, allow_private=allow_private)
    assert (result.outcome, result.address) == ("not_allowed", "")
    assert connections == []


@pytest.mark.asyncio
async def test_the_next_address_is_tried_when_one_fails(listener, dns, connections):
    dns["pbx.example.com"] = ["127.0.0.2", "127.0.0.1"]  # nothing listens on .2
    result = await check_connection(
        "pbx.example.com", listener.getsockname()[1], allow_private=True
    )
    assert (result.outcome, result.address) == ("reachable", "127.0.0.1")
    assert connections == ["127.0.0.2", "127.0.0.1"]


@pytest.mark.asyncio
async def test_a_refusal_is_reported_before_no_route(closed_port, dns, monkeypatch):
    dns["pbx.example.com"] = ["127.0.0.3", "127.0.0.1"]

    async def open_connection(host, port, **kwargs):
        if host == "127.0.0.3":
            raise OSError(errno.ENETUNREACH, "Network is unreachable")
        return await _real_open_connection(host, port, **kwargs)

    monkeypatch.setattr(asyncio, "open_connection", open_connection)
    result = await check_connection("pbx.example.com", closed_port, allow_private=True)
    assert (result.outcome, result.address) == ("refused", "127.0.0.1")


@pytest.mark.asyncio
async def test_other_network_errors_are_unreachable(monkeypatch):
    async def open_connection(host, port, **kwargs):
        raise OSError(errno.EHOSTUNREACH, "No route to host")

    monkeypatch.setattr(asyncio, "open_connection", open_connection)
    result = await check_connection("127.0.0.1", 80, allow_private=True)
    assert (result.outcome, result.address) == ("unreachable", "127.0.0.1")


@pytest.mark.asyncio
async def test_resolver_errors_and_slowness(dns, connections):
    dns["gone.example.com"] = socket.gaierror(socket.EAI_NONAME, "Name not known")
    dns["empty.example.com"] = []

    def slow():
        time.sleep(0.3)
        return ["127.0.0.1"]

    dns["slow.example.com"] = slow
    for host in ("gone.example.com", "empty.example.com"):
        result = await check_connection(host, 443, allow_private=True)
        assert (result.outcome, result.address) == ("name_not_found", "")
    # A lookup that runs out of time answers as a name that does not exist.
    result = await check_connection("slow.example.com", 443, timeout=0.05, allow_private=True)
    assert (result.outcome, result.address) == ("name_not_found", "")
    assert connections == []


# Arguments, settings and texts


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("host", "port"),
    [
        ("", 80),
        ("http://x", 80),
        ("pbx.example.com", 0),
        ("pbx.example.com", 65536),
        ("pbx.example.com", "80"),
        ("pbx.example.com", True),
    ],
)
async def test_arguments_the_rules_refuse_are_a_programming_error(host, port):
    with pytest.raises(ValueError):
        await check_connection(host, port)


@pytest.mark.parametrize(
    ("environment", "allowed"),
    [
        ({}, False),
        ({"CLOUDLINK_DEMO_MODE": "1"}, True),
        ({"CLOUDLINK_ALLOW_PRIVATE_TARGETS": "1"}, True),
        ({"CLOUDLINK_ALLOW_PRIVATE_TARGETS": "true"}, True),
        ({"CLOUDLINK_DEMO_MODE": "0"}, False),
        ({"CLOUDLINK_DEMO_MODE": ""}, False),
        ({"CLOUDLINK_ALLOW_PRIVATE_TARGETS": "no"}, False),
    ],
)
def test_private_targets_only_in_demo_mode(environment, allowed):
    flags = {
        field: settings.parse_bool(name, environment.get(name))
        for field, name in (
            ("demo_mode", "CLOUDLINK_DEMO_MODE"),
            ("allow_private_targets", "CLOUDLINK_ALLOW_PRIVATE_TARGETS"),
        )
    }
    with settings.override(**flags):
        assert allow_private_targets() is allowed


def test_the_rate_limit():
    assert RATE_LIMIT == (6, 60)


def test_the_outcomes():
    assert OUTCOMES == (
        "reachable",
        "refused",
        "timed_out",
        "name_not_found",
        "not_allowed",
        "unreachable",
    )
    now = datetime.datetime.now(datetime.UTC)
    assert ConnectionResult("reachable", "192.0.2.1", 443, 1.0, now).reachable
    assert not ConnectionResult("refused", "192.0.2.1", 443, 1.0, now).reachable
    assert connection.DEFAULT_TIMEOUT == 3.0


# Name resolution off the event loop: a pool of its own, bounded, with a hard timeout


@pytest.fixture
def stuck_resolver(monkeypatch):
    """A resolver that hangs until released (or 5 s); records how many look-ups ran at
    once at most in stuck_resolver.most."""

    class Stuck:
        most = 0
        running = 0
        release = threading.Event()
        lock = threading.Lock()

    stuck = Stuck()

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        with stuck.lock:
            stuck.running += 1
            stuck.most = max(stuck.most, stuck.running)
        try:
            stuck.release.wait(5)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        finally:
            with stuck.lock:
                stuck.running -= 1

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield stuck
    stuck.release.set()


@pytest.mark.asyncio
async def test_a_stuck_lookup_answers_not_found_and_never_holds_the_loop(
    stuck_resolver, monkeypatch
):
    monkeypatch.setattr(connection, "DNS_TIMEOUT", 0.3)
    gaps = []

    async def ticker():
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.ensure_future(ticker())
    started = time.monotonic()
    result = await check_connection("pbx.example.com", 443)
    took = time.monotonic() - started
    ticking.cancel()
    assert (result.outcome, result.address) == ("name_not_found", "")
    assert 0.25 <= took < 1.0  # the DNS timeout, not the check's 3 s nor the resolver's 5 s
    assert max(gaps) < 0.1  # other events ran all along


@pytest.mark.asyncio
async def test_at_most_dns_workers_lookups_run_at_once(stuck_resolver, monkeypatch):
    monkeypatch.setattr(connection, "DNS_TIMEOUT", 0.3)
    results = await asyncio.gather(
        *(check_connection(f"pbx{i}.example.com", 443) for i in range(connection.DNS_WORKERS + 4))
    )
    assert {r.outcome for r in results} == {"name_not_found"}
    assert stuck_resolver.most == connection.DNS_WORKERS
