"""'Check connection': a real TCP connection from the server to a PBX or SMBC/VA.

The name is resolved once, every address it resolves to must pass the target policy
(domain/network.py), and the connection goes to a resolved address itself. Resolving
again when connecting would let a name that first pointed at a public address point at
our own network the second time (DNS rebinding). The connection is closed as soon as it
is open: nothing is sent.

Outside demo mode (``strict_names``) a name of one label ("pbx") is not looked up at
all, and other names are looked up as absolute names (with a final dot), so that the
resolver never completes them with the server's own search domains.

Name resolution (getaddrinfo, which blocks) runs in a pool of DNS_WORKERS threads of
its own, never on the event loop nor in the loop's default executor, with a hard
timeout (DNS_TIMEOUT, within the check's own): a lookup that runs out of time answers
"name not found". A lookup the system resolver is still stuck in keeps its thread
until the resolver gives up, so at most DNS_WORKERS such threads exist; later lookups
wait for a free one within their own timeout.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime
import ipaddress
import socket
import time

from cloudlink_app import settings
from cloudlink_app.domain.checks import (  # noqa: F401 (OUTCOMES: re-exported)
    NAME_NOT_FOUND,
    NOT_ALLOWED,
    OUTCOMES,
    REACHABLE,
    REFUSED,
    TIMED_OUT,
    UNREACHABLE,
)
from cloudlink_app.domain.network import single_label_name, target_allowed
from cloudlink_app.domain.pbx import PORT_MAX, PORT_MIN, HostError, normalize_host

DEFAULT_TIMEOUT = 3.0
# Checks per user per window of seconds. services.connection_checks enforces it with
# the connection_check table (models.ConnectionCheck): each check opens a connection from
# our server, and a partner must not be able to use it as a port scanner.
RATE_LIMIT = (6, 60)
# Threads that resolve names, per backend process, and the longest one lookup may take.
DNS_WORKERS = 8
DNS_TIMEOUT = 2.0

_dns_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=DNS_WORKERS, thread_name_prefix="cloudlink-dns"
)


@dataclasses.dataclass(frozen=True)
class ConnectionResult:
    """What one check found.

    ``address`` is the IP address actually tried ("" when none was: the name was not
    found, the target is not allowed or time ran out while resolving); ``elapsed_ms``
    the time from the start of the check, resolving included; ``checked_at`` when the
    check started, in UTC.
    """

    outcome: str
    address: str
    port: int
    elapsed_ms: float
    checked_at: datetime.datetime

    @property
    def reachable(self) -> bool:
        """Whether the system accepted the connection."""
        return self.outcome == REACHABLE


def allow_private_targets() -> bool:
    """Whether private and loopback addresses may be checked: only in demo mode
    (CLOUDLINK_DEMO_MODE=1, which `make run` sets: sales demos run on a laptop against
    local PBX simulators) or when CLOUDLINK_ALLOW_PRIVATE_TARGETS=1. Off by default: a
    production server must not connect into its own network."""
    current = settings.get()
    return current.allow_private_targets or current.demo_mode


async def check_connection(
    host: str,
    port: int,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    allow_private: bool = False,
    strict_names: bool = True,
) -> ConnectionResult:
    """Open and at once close a TCP connection to ``host`` (an IP address or host name,
    as normalize_host accepts it) on ``port``, within ``timeout`` seconds in all,
    resolving included (a lookup within DNS_TIMEOUT of those).

    Outcomes: "reachable", "refused", "timed_out", "name_not_found" (also when the
    lookup ran out of time), "not_allowed" (an address the name resolves to is not
    allowed by the target policy, or ``strict_names`` and the name has one label;
    nothing is connected) and "unreachable" (any other network error). Network
    problems never raise; a host or port that the PBX/Sync rules would refuse raises
    ValueError, as the caller validates them first. ``strict_names`` (outside demo
    mode) also looks names up as absolute names: no search domain is tried.
    """
    try:
        target = normalize_host(host)
    except HostError:
        raise ValueError(f"not a host: {host!r}") from None
    if isinstance(port, bool) or not isinstance(port, int):
        raise ValueError(f"not a port: {port!r}")
    if not PORT_MIN <= port <= PORT_MAX:
        raise ValueError(f"not a port: {port!r}")

    checked_at = datetime.datetime.now(datetime.UTC)
    started = time.monotonic()
    deadline = started + timeout

    def result(outcome: str, address: str = "") -> ConnectionResult:
        elapsed_ms = (time.monotonic() - started) * 1000
        return ConnectionResult(outcome, address, port, elapsed_ms, checked_at)

    if strict_names and single_label_name(target):
        return result(NOT_ALLOWED)
    try:
        addresses = await _resolve(target, port, deadline, absolute=strict_names)
    except TimeoutError:
        # As for a name that does not exist: how long our resolver takes says nothing
        # a user should learn about our network.
        return result(NAME_NOT_FOUND)
    except (socket.gaierror, UnicodeError):
        return result(NAME_NOT_FOUND)
    except OSError:
        return result(UNREACHABLE)
    if not addresses:
        return result(NAME_NOT_FOUND)
    if not all(target_allowed(ip, allow_private) for ip in addresses):
        return result(NOT_ALLOWED)

    # Each address in turn: a host with an IPv6 and an IPv4 address may be reachable
    # over one of them only.
    failures = []
    for ip in addresses:
        outcome = await _connect(str(ip), port, deadline)
        if outcome in (REACHABLE, TIMED_OUT):
            return result(outcome, str(ip))
        failures.append((outcome, str(ip)))
    # A refusal says more (the system is there, the port is wrong) than no route does.
    refusals = [failure for failure in failures if failure[0] == REFUSED]
    return result(*(refusals or failures)[0])


async def _resolve(
    target: str, port: int, deadline: float, *, absolute: bool
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(target)]
    except ValueError:
        pass
    name = target + "." if absolute and not target.endswith(".") else target
    infos = await _getaddrinfo(name, port, min(_remaining(deadline), DNS_TIMEOUT))
    addresses = []
    for family, _, _, _, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        host = sockaddr[0]
        assert isinstance(host, str)  # an IPv4 or IPv6 address's host is a str
        # The zone of a link-local IPv6 result is dropped: the policy refuses those.
        ip = ipaddress.ip_address(host.split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


async def _getaddrinfo(name: str, port: int, timeout: float) -> list:
    """socket.getaddrinfo in the DNS pool, given up on after ``timeout`` seconds
    (TimeoutError). A lookup that has not started by then is cancelled; one that has
    keeps its thread until the system resolver returns."""
    if timeout <= 0:
        raise TimeoutError
    # Looked up at call time (not bound at import) so tests can stand in for it.
    lookup = socket.getaddrinfo
    future = _dns_pool.submit(lookup, name, port, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    return await asyncio.wait_for(asyncio.wrap_future(future), timeout)


async def _connect(address: str, port: int, deadline: float) -> str:
    # An IP literal: asyncio does not resolve it again.
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(address, port), _remaining(deadline)
        )
    except TimeoutError:
        return TIMED_OUT
    except ConnectionRefusedError:
        return REFUSED
    except OSError:
        return UNREACHABLE
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), 1.0)
    return REACHABLE


def _remaining(deadline: float) -> float:
    # Zero makes wait_for give up at once rather than start a connection.
    return max(deadline - time.monotonic(), 0.0)
