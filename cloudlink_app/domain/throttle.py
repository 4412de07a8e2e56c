"""Slowing down password guessing without locking anyone out: the rules, as plain
functions (services/signing_in.py stores the failures and applies them).

- ``client_address``: the client's IP address behind a known number of trusted reverse
  proxies, by the rule Reflex uses for ``router.session.client_ip``.
- ``address_key``: what failures are counted by: an IPv4 address, or the /64 network of
  an IPv6 address (one subscriber's line usually holds a whole /64, so counting single
  IPv6 addresses would give one attacker 2**64 fresh allowances).
- ``delay_after``: after ``free`` failures for a key, each further attempt waits a delay
  that doubles with each failure (1 s, 2 s, 4 s, ... up to ``max_delay``); an attempt
  made after the wait is checked normally, so the right password always works once the
  short wait is over.
- The limits: per (email, address) and per address over FAILURE_WINDOW, and per
  account (the email, from any address) over the longer ACCOUNT_WINDOW.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress

# A /64 is what one IPv6 subscriber (a home, an office, a phone) is normally given.
IPV6_PREFIX = 64


def client_address(scope_client_ip: object, x_forwarded_for: object, hops: int) -> str:
    """The client's address for a request that came through ``hops`` trusted reverse
    proxies: with ``hops`` > 0 and at least that many entries in X-Forwarded-For, the
    entry ``hops`` from the end (each trusted proxy appends the address it received the
    request from; entries further left are written by whoever sent the request and are
    never trusted); otherwise the address the connection came from (``scope_client_ip``,
    the ASGI scope's client).

    The same rule as Reflex 0.10.1's ``trusted_proxy_hops`` (``router.session.client_ip``).
    Several X-Forwarded-For header lines must be joined with ", " first, in order.
    Raises ValueError for a ``hops`` that is not an integer >= 0."""
    if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
        raise ValueError(f"hops must be an integer >= 0, not {hops!r}")
    direct = scope_client_ip.strip() if isinstance(scope_client_ip, str) else ""
    if hops == 0 or not isinstance(x_forwarded_for, str):
        return direct
    forwarded = [entry.strip() for entry in x_forwarded_for.split(",") if entry.strip()]
    if len(forwarded) < hops:
        return direct
    return forwarded[-hops]


def address_key(address: object) -> str:
    """The key failures from ``address`` are counted under: an IPv4 address as itself,
    an IPv6 address as its /64 network ("2001:db8:1:2::/64"), an IPv4-mapped IPv6
    address ("::ffff:192.0.2.1") as the IPv4 address. A port ("192.0.2.1:5060",
    "[2001:db8::1]:443") and an IPv6 zone ("fe80::1%eth0") are ignored. Anything that
    is not an IP address (a test client's name, an empty value) is its own key,
    stripped and in lower case."""
    text = address.strip() if isinstance(address, str) else ""
    ip = _parse_ip(text)
    if ip is None:
        return text.lower()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        prefix = int(ip) >> (128 - IPV6_PREFIX) << (128 - IPV6_PREFIX)
        return str(ipaddress.IPv6Network((prefix, IPV6_PREFIX)))
    return str(ip)


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address in ``text``, with a port, brackets or a zone taken off; or None."""
    candidates = [text]
    if text.startswith("[") and "]" in text:  # [v6] or [v6]:port
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:  # v4:port
        candidates.append(text.split(":", 1)[0])
    for candidate in candidates:
        candidate = candidate.split("%", 1)[0]  # the zone of a link-local address
        try:
            return ipaddress.ip_address(candidate)
        except ValueError:
            continue
    return None


@dataclasses.dataclass(frozen=True)
class Limit:
    """How failures for one kind of key slow down further attempts: ``free`` failures
    in the window cost nothing; the one that reaches ``free`` makes the next attempt
    wait ``first_delay`` seconds, and each further failure doubles the wait, up to
    ``max_delay``."""

    free: int
    first_delay: float = 1.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        if self.free < 1 or self.first_delay <= 0 or self.max_delay < self.first_delay:
            raise ValueError(f"not a usable limit: {self!r}")


def delay_after(failures: int, limit: Limit) -> float:
    """Seconds the next attempt must wait after ``failures`` recent failures, counted
    from the last one: 0 below ``limit.free``, then first_delay, 2 x first_delay, ...
    capped at max_delay."""
    if failures < limit.free:
        return 0.0
    doublings = min(failures - limit.free, 64)  # 2**64 s is past any cap
    return min(limit.first_delay * 2.0**doublings, limit.max_delay)


def wait_left(
    failures: int,
    last_failure: datetime.datetime | None,
    limit: Limit,
    now: datetime.datetime,
) -> float:
    """Seconds still to wait at ``now`` (0.0: the attempt is checked) for a key with
    ``failures`` recent failures, the last at ``last_failure``."""
    if last_failure is None:
        return 0.0
    ready = last_failure + datetime.timedelta(seconds=delay_after(failures, limit))
    return max(0.0, (ready - now).total_seconds())


# Failures older than this no longer count per (email, address) or per address.
FAILURE_WINDOW = datetime.timedelta(minutes=15)
# Per (email, address): someone mistyping their own password; per address: one client
# guessing many accounts. Past `free` failures, waits of 1 s, 2 s, 4 s ... up to 60 s.
PAIR_LIMIT = Limit(free=5, first_delay=1.0, max_delay=60.0)
ADDRESS_LIMIT = Limit(free=20, first_delay=1.0, max_delay=60.0)
# Per account, whatever the address (many addresses guessing one account): 10 failures
# in 6 hours are free, then 1 s, 2 s, 4 s ... up to 15 minutes. The window holds more
# failures at the longest wait (6 h / 15 min = 24) than it takes to reach that wait
# (10 free + 10 doublings = 20), so an attacker who keeps going stays at one guess per
# 15 minutes: about 22 in the first hour, then 4 an hour, from any number of addresses.
# A browser that signed in to the account before is not slowed by it
# (services/known_devices.py).
ACCOUNT_WINDOW = datetime.timedelta(hours=6)
ACCOUNT_LIMIT = Limit(free=10, first_delay=1.0, max_delay=15 * 60.0)
# The oldest failure any limit still counts.
LONGEST_WINDOW = max(FAILURE_WINDOW, ACCOUNT_WINDOW)
