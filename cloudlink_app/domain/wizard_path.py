"""The wizard's steps, which path a customer follows, and where they stand."""

from __future__ import annotations

import secrets

CUSTOMER = "customer"
GATEWAY = "gateway"
PBX = "pbx"
CONNECT = "connect"
SYNC = "sync"
REVIEW = "review"

# Deployment types (chosen on the Gateway step).
APPLIANCE = "appliance"
SMBC = "smbc"
VA = "va"

APPLIANCE_PATH = (CUSTOMER, GATEWAY, PBX, CONNECT, REVIEW)
SYNC_PATH = (CUSTOMER, GATEWAY, SYNC, REVIEW)
ALL_STEPS = (CUSTOMER, GATEWAY, PBX, CONNECT, SYNC, REVIEW)


def is_sync_path(deployment_type: str) -> bool:
    """Whether a deployment synchronises (SMBC, VA) instead of connecting to a PBX."""
    return deployment_type in (SMBC, VA)


def wizard_path(deployment_type: str = "") -> tuple[str, ...]:
    """The steps for a deployment type; the appliance path until one is chosen."""
    return SYNC_PATH if is_sync_path(deployment_type) else APPLIANCE_PATH


def parse_completed(completed_steps: str) -> set[str]:
    """The stored comma-separated list of completed steps, as a set."""
    return {step for step in completed_steps.split(",") if step}


def format_completed(steps: set[str]) -> str:
    """The set of completed steps in their stored form, in path order."""
    order = {step: i for i, step in enumerate(ALL_STEPS)}
    return ",".join(sorted(steps, key=lambda s: order.get(s, len(order))))


def first_incomplete_step(completed: set[str], deployment_type: str = "") -> str | None:
    """The first step of the path not completed yet; None when all are."""
    for step in wizard_path(deployment_type):
        if step not in completed:
            return step
    return None


def can_open_step(step: str, completed: set[str], deployment_type: str = "") -> bool:
    """A step opens when it is on the path and no earlier step is incomplete."""
    path = wizard_path(deployment_type)
    if step not in path:
        return False
    first = first_incomplete_step(completed, deployment_type)
    return first is None or path.index(step) <= path.index(first)


# Dashboard statuses, stored on the customer (see models.Customer.status).
ONBOARDED = "onboarded"
PROBLEM_PBX_UNREACHABLE = "problem:pbx_unreachable"


def status_for(
    completed: set[str],
    deployment_type: str = "",
    onboarded: bool = False,
    connection_skipped: bool = False,
) -> str:
    """The dashboard status: "onboarded", a problem to fix, or "next:<step>".

    A customer whose Connect step was passed without a working connection shows that
    problem until a check succeeds, whatever step comes next.
    """
    if onboarded:
        return ONBOARDED
    if connection_skipped and not is_sync_path(deployment_type):
        return PROBLEM_PBX_UNREACHABLE
    return "next:" + (first_incomplete_step(completed, deployment_type) or REVIEW)


def status_kind(status: str) -> str:
    """ "next", "problem" or "onboarded": how the dashboard colours and labels it."""
    return status.split(":", 1)[0]


def next_step(step: str, deployment_type: str = "") -> str:
    """The step after ``step`` on the path (Review after the last one)."""
    path = wizard_path(deployment_type)
    if step not in path or step == path[-1]:
        return REVIEW
    return path[path.index(step) + 1]


def previous_step(step: str, deployment_type: str = "") -> str:
    """The step before ``step`` on the path (the Customer step for the first)."""
    path = wizard_path(deployment_type)
    if step not in path or path.index(step) == 0:
        return CUSTOMER
    return path[path.index(step) - 1]


# Account IDs: no 0/O, 1/I/L, 5/S, 8/B, U/V: nothing that is misheard or misread.
_ACCOUNT_ID_ALPHABET = "2346789ACDEFGHJKMNPQRTWXYZ"


def generate_account_id() -> str:
    """A new random account ID like "K7M4-Q2XR": short and easy to read aloud."""
    chars = "".join(secrets.choice(_ACCOUNT_ID_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def is_account_id(value: object) -> bool:
    """Whether a value has the shape of an account ID (checked before any query)."""
    return (
        isinstance(value, str)
        and len(value) == 9
        and value[4] == "-"
        and all(c in _ACCOUNT_ID_ALPHABET for c in value[:4] + value[5:])
    )
