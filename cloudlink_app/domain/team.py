"""The partner's team: the rules of inviting a colleague and changing a member (SPEC
"The partner's team"). Pure: the services apply them (services/team.py), and the Team
pages' live checks call the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence

from cloudlink_app.domain import contacts, permissions
from cloudlink_app.domain.i18n import Text
from cloudlink_app.domain.limits import (
    EMAIL_MAX,
    Problem,
    Problems,
    choice_problem,
    problems_found,
    text_problem,
    texts,
    typed_problem,
)

# Field ids of the invitation and member forms (also the catalogs' rule prefixes).
MEMBER_NAME = "member_name"
MEMBER_EMAIL = "member_email"
MEMBER_ROLE = "member_role"
MEMBER_CUSTOMERS = "member_customers"
MEMBER_NAME_MAX = 200
# "Customers": every customer of the partner, or the ones selected.
ALL_CUSTOMERS = "all"
SELECTED_CUSTOMERS = "selected"
CUSTOMER_CHOICES = (ALL_CUSTOMERS, SELECTED_CUSTOMERS)
# Customers one member may have selected: a technician looks after tens, a large
# reseller's account manager a few hundred; more is a crafted event.
SELECTION_MAX = 2000
# What the member page's history and the team list show per page.
MEMBERS_PAGE_SIZE = 25
EVENTS_SHOWN = 50

# The audit trail's actions (models.team.TeamEvent.action).
INVITED = "invited"
INVITATION_RESENT = "invitation_resent"
ROLE_CHANGED = "role_changed"
CUSTOMERS_CHANGED = "customers_changed"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"
ACTIONS = (INVITED, INVITATION_RESENT, ROLE_CHANGED, CUSTOMERS_CHANGED, DEACTIVATED, REACTIVATED)

# A member's status in the list.
INVITED_STATUS = "invited"
ACTIVE_STATUS = "active"
DEACTIVATED_STATUS = "deactivated"
STATUSES = (INVITED_STATUS, ACTIVE_STATUS, DEACTIVATED_STATUS)


def member_status(active: bool, has_password: bool) -> str:
    """Invited (no password set yet), Active, or Deactivated."""
    if not active:
        return DEACTIVATED_STATUS
    return ACTIVE_STATUS if has_password else INVITED_STATUS


def access_problems(role: str, customers: str, selected: Sequence[object]) -> Problems:
    """Problems of the role and the customers chosen for a member."""
    selection: Problem | None = None
    if customers == SELECTED_CUSTOMERS and len(selected) > SELECTION_MAX:
        selection = Problem(f"{MEMBER_CUSTOMERS}.too_many", {"max": SELECTION_MAX})
    return problems_found(
        {
            MEMBER_ROLE: choice_problem(role, permissions.PARTNER_ROLES, MEMBER_ROLE),
            MEMBER_CUSTOMERS: choice_problem(customers, CUSTOMER_CHOICES, MEMBER_CUSTOMERS)
            or selection,
        }
    )


def invitation_problems(
    name: str, email: str, role: str, customers: str, selected: Sequence[object]
) -> Problems:
    """Every problem of "Invite a colleague", keyed by field id, in page order."""
    problems = problems_found(
        {
            MEMBER_NAME: text_problem(name, MEMBER_NAME_MAX, MEMBER_NAME),
            MEMBER_EMAIL: typed_problem(email, EMAIL_MAX, "email", contacts.normalize_email),
        }
    )
    problems.update(access_problems(role, customers, selected))
    return problems


def validate_invitation(
    name: str, email: str, role: str, customers: str, selected: Sequence[object]
) -> dict[str, Text]:
    """The messages of "Invite a colleague", keyed by field id ({} when it may be sent)."""
    return texts(invitation_problems(name, email, role, customers, selected))
