"""'Check connection': a real TCP connection from the server to a PBX or SMBC/VA.

The name is resolved once, every address it resolves to must pass the target policy
(domain/network.py), and the connection goes to a resolved address itself. Resolving
again when connecting would let a name that first pointed at a public address point at
our own network the second time (DNS rebinding). The connection is closed as soon as it
is open: nothing is sent.
"""

from __future__ import annotations

import asyncio
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
from cloudlink_app.domain.network import target_allowed
from cloudlink_app.domain.pbx import PORT_MAX, PORT_MIN, HostError, normalize_host

DEFAULT_TIMEOUT = 3.0
# Checks per user per window of seconds. services.connection_checks enforces it with
# the connection_check table (models.ConnectionCheck): each check opens a connection from
# our server, and a partner must not be able to use it as a port scanner.
RATE_LIMIT = (6, 60)


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
) -> ConnectionResult:
    """Open and at once close a TCP connection to ``host`` (an IP address or host name,
    as normalize_host accepts it) on ``port``, within ``timeout`` seconds in all,
    resolving included.

    Outcomes: "reachable", "refused", "timed_out", "name_not_found", "not_allowed" (an
    address the name resolves to is not allowed by the target policy; nothing is
    connected) and "unreachable" (any other network error). Network problems never
    raise; a host or port that the PBX/Sync rules would refuse raises ValueError, as
    the caller validates them first.
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

    try:
        addresses = await _resolve(target, port, deadline)
    except TimeoutError:
        return result(TIMED_OUT)
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
    target: str, port: int, deadline: float
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(target)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(
        loop.getaddrinfo(target, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP),
        _remaining(deadline),
    )
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
