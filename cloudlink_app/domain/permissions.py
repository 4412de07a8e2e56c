"""Who may do what: one pure function for every permission check.

Three roles (SPEC "Who uses it"):

- ``partner``: staff of a reseller (a partner user). They see the dashboard, create
  customers, and do everything to their own partner's customers they see (all of them,
  or the ones selected for them: services/owned_customers.py); nothing to another
  partner's.
- ``partner_admin``: a partner user who also runs the partner's team (the Team pages):
  invites colleagues, sets their role and the customers they see, deactivates them.
- ``account_admin``: a customer's own administrator. They open, correct and finish
  their own customer only; no dashboard, no new customers, no "Save and return", no
  deleting drafts and no connection checks (a check opens a connection from our server,
  which is the partner's tool). Only they have the account page.

Anything else (an unknown role or action) is refused: a permission that nobody wrote
down does not exist.

The caller says how the customer relates to the user: ``same_partner`` (the customer
belongs to the user's partner) and ``own_customer`` (it is the account admin's own
customer). Actions that concern no particular customer ignore both. An account admin's
own customer always belongs to their partner; when the two flags disagree the data is
inconsistent and the answer is no.
"""

from __future__ import annotations

PARTNER_ROLE = "partner"
PARTNER_ADMIN_ROLE = "partner_admin"
ACCOUNT_ADMIN_ROLE = "account_admin"
ROLES = (PARTNER_ADMIN_ROLE, PARTNER_ROLE, ACCOUNT_ADMIN_ROLE)
# The roles of a partner's own staff: the Team pages show and set these.
PARTNER_ROLES = (PARTNER_ADMIN_ROLE, PARTNER_ROLE)

VIEW_DASHBOARD = "view_dashboard"
CREATE_CUSTOMER = "create_customer"
OPEN_CUSTOMER = "open_customer"
EDIT_CUSTOMER = "edit_customer"
SAVE_AND_RETURN = "save_and_return"
DELETE_DRAFT = "delete_draft"
CHECK_CONNECTION = "check_connection"
FINISH_ONBOARDING = "finish_onboarding"
VIEW_ACCOUNT_PAGE = "view_account_page"
# One's own password (the Change password page): every role, no customer involved.
CHANGE_OWN_PASSWORD = "change_own_password"
# The partner's team: see it, and invite, change and deactivate its members.
VIEW_TEAM = "view_team"
MANAGE_TEAM = "manage_team"

ACTIONS = (
    VIEW_DASHBOARD,
    CREATE_CUSTOMER,
    OPEN_CUSTOMER,
    EDIT_CUSTOMER,
    SAVE_AND_RETURN,
    DELETE_DRAFT,
    CHECK_CONNECTION,
    FINISH_ONBOARDING,
    VIEW_ACCOUNT_PAGE,
    CHANGE_OWN_PASSWORD,
    VIEW_TEAM,
    MANAGE_TEAM,
)

# Who may act, per role: "always" (no customer involved), "same_partner" (a customer
# of the user's partner), "own_customer" (the account admin's own customer). An action
# missing from a role's table is refused.
_ALWAYS = "always"
_SAME_PARTNER = "same_partner"
_OWN_CUSTOMER = "own_customer"

_PARTNER_USER_RULES = {
    VIEW_DASHBOARD: _ALWAYS,
    CREATE_CUSTOMER: _ALWAYS,
    OPEN_CUSTOMER: _SAME_PARTNER,
    EDIT_CUSTOMER: _SAME_PARTNER,
    SAVE_AND_RETURN: _SAME_PARTNER,
    DELETE_DRAFT: _SAME_PARTNER,
    CHECK_CONNECTION: _SAME_PARTNER,
    FINISH_ONBOARDING: _SAME_PARTNER,
    CHANGE_OWN_PASSWORD: _ALWAYS,
}
_RULES: dict[str, dict[str, str]] = {
    PARTNER_ROLE: _PARTNER_USER_RULES,
    # The team's members are the user's own partner's: the services look them up
    # within it, as customers.
    PARTNER_ADMIN_ROLE: {**_PARTNER_USER_RULES, VIEW_TEAM: _ALWAYS, MANAGE_TEAM: _ALWAYS},
    ACCOUNT_ADMIN_ROLE: {
        OPEN_CUSTOMER: _OWN_CUSTOMER,
        EDIT_CUSTOMER: _OWN_CUSTOMER,
        FINISH_ONBOARDING: _OWN_CUSTOMER,
        VIEW_ACCOUNT_PAGE: _ALWAYS,
        CHANGE_OWN_PASSWORD: _ALWAYS,
    },
}


def may(role: str, action: str, *, same_partner: bool, own_customer: bool) -> bool:
    """Whether a user with ``role`` may do ``action`` on a customer that belongs to
    their partner (``same_partner``) and/or is their own (``own_customer``)."""
    if not isinstance(role, str) or not isinstance(action, str):
        return False
    rule = _RULES.get(role, {}).get(action)
    if rule == _ALWAYS:
        return True
    if rule == _SAME_PARTNER:
        return same_partner is True
    if rule == _OWN_CUSTOMER:
        return own_customer is True and same_partner is True
    return False


def role_has(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` on some customer at all: what a page offers
    (and what is refused before any customer is read)."""
    return isinstance(role, str) and isinstance(action, str) and action in _RULES.get(role, {})
