"""Connection checks: what one can find, what it is about, and when a customer counts
as connected.

A check is stored with the "host:port" it was about (target_of). A new PBX address or
port, or a new system address on the Sync step, is another target: the old result
no longer says anything about it.
"""

from __future__ import annotations

from cloudlink_app.domain import pbx
from cloudlink_app.domain.limits import ProblemError

# What a check can find (services.connection.check_connection), as stored.
REACHABLE = "reachable"
REFUSED = "refused"
TIMED_OUT = "timed_out"
NAME_NOT_FOUND = "name_not_found"
NOT_ALLOWED = "not_allowed"
UNREACHABLE = "unreachable"
OUTCOMES = (REACHABLE, REFUSED, TIMED_OUT, NAME_NOT_FOUND, NOT_ALLOWED, UNREACHABLE)


def target_of(address: str, port: str) -> str:
    """The "host:port" a connection check is about, in normal form ("" if unusable)."""
    try:
        host = pbx.normalize_host(address)
        number = pbx.parse_port(port)
    except ProblemError:
        return ""
    return f"[{host}]:{number}" if ":" in host else f"{host}:{number}"


def is_connected(result: str, checked_target: str, current_target: str) -> bool:
    """Whether the last check (``result`` for ``checked_target``) reached the system
    at ``current_target``, the address and port the step has now (target_of)."""
    return result == REACHABLE and checked_target == current_target
