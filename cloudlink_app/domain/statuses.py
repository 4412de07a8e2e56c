"""Dashboard statuses as people read them: their kind, their words, and the step a
customer with that status opens at.

The status itself is stored on the customer (wizard_path.status_for writes it):
"next:<step>", "problem:<key>" or "onboarded".
"""

from __future__ import annotations

from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t

NEXT = "next"
PROBLEM = "problem"
ONBOARDED = wizard_path.ONBOARDED
KINDS = (NEXT, PROBLEM, ONBOARDED)

_STEPS = frozenset(wizard_path.APPLIANCE_PATH + wizard_path.SYNC_PATH)
# Where a customer with a problem is opened: the step that fixes it.
_PROBLEM_STEPS = {wizard_path.PROBLEM_PBX_UNREACHABLE: wizard_path.CONNECT}


def status_kind(status: str) -> str:
    """ "next", "problem" or "onboarded"; anything else stored counts as "next"."""
    kind = wizard_path.status_kind(status)
    return kind if kind in (PROBLEM, ONBOARDED) else NEXT


def is_draft(status: str) -> bool:
    """Whether a customer with this status is still a draft (one that may be deleted)."""
    return status_kind(status) != ONBOARDED


def resume_step(status: str) -> str:
    """The step a customer opens at: the next step, the step that fixes a problem, or
    the Review of an onboarded customer."""
    kind, _, detail = status.partition(":")
    if kind == ONBOARDED:
        return wizard_path.REVIEW
    if kind == PROBLEM:
        return _PROBLEM_STEPS.get(status, wizard_path.CUSTOMER)
    return detail if detail in _STEPS else wizard_path.CUSTOMER


def status_text(status: str, lang: str) -> str:
    """What the dashboard's Status column says: "Next: Gateway", "Problem: PBX not
    reachable" or "Onboarded"."""
    kind = status_kind(status)
    if kind == ONBOARDED:
        return t("status.onboarded", lang)
    if kind == PROBLEM:
        return t(f"status.{status.replace(':', '.', 1)}", lang)
    return t("status.next", lang, step=t(f"step.{resume_step(status)}", lang))
