"""Who may do what: domain.permissions.may for every (role, action, owner) case,
against a table written out by hand, and CurrentUser.may that uses it."""

from __future__ import annotations

import itertools

import pytest

from cloudlink_app.domain import permissions
from cloudlink_app.domain.permissions import ACTIONS, may
from cloudlink_app.services.users import CurrentUser

# y = allowed. Columns: (same_partner, own_customer) = FF, FT, TF, TT, i.e. the customer
# is another partner's / (inconsistent: own but another partner's) / the user's
# partner's but not their own / the user's own.
TABLE = """
role            action              FF  FT  TF  TT
partner_admin   view_dashboard      y   y   y   y
partner_admin   create_customer     y   y   y   y
partner_admin   open_customer       n   n   y   y
partner_admin   edit_customer       n   n   y   y
partner_admin   save_and_return     n   n   y   y
partner_admin   delete_draft        n   n   y   y
partner_admin   check_connection    n   n   y   y
partner_admin   finish_onboarding   n   n   y   y
partner_admin   view_account_page   n   n   n   n
partner_admin   change_own_password y   y   y   y
partner_admin   view_team           y   y   y   y
partner_admin   manage_team         y   y   y   y
partner_admin   unknown_action      n   n   n   n
partner         view_dashboard      y   y   y   y
partner         create_customer     y   y   y   y
partner         open_customer       n   n   y   y
partner         edit_customer       n   n   y   y
partner         save_and_return     n   n   y   y
partner         delete_draft        n   n   y   y
partner         check_connection    n   n   y   y
partner         finish_onboarding   n   n   y   y
partner         view_account_page   n   n   n   n
partner         change_own_password y   y   y   y
partner         view_team           n   n   n   n
partner         manage_team         n   n   n   n
partner         unknown_action      n   n   n   n
account_admin   view_dashboard      n   n   n   n
account_admin   create_customer     n   n   n   n
account_admin   open_customer       n   n   n   y
account_admin   edit_customer       n   n   n   y
account_admin   save_and_return     n   n   n   n
account_admin   delete_draft        n   n   n   n
account_admin   check_connection    n   n   n   n
account_admin   finish_onboarding   n   n   n   y
account_admin   view_account_page   y   y   y   y
account_admin   change_own_password y   y   y   y
account_admin   view_team           n   n   n   n
account_admin   manage_team         n   n   n   n
account_admin   unknown_action      n   n   n   n
unknown_role    view_dashboard      n   n   n   n
unknown_role    create_customer     n   n   n   n
unknown_role    open_customer       n   n   n   n
unknown_role    edit_customer       n   n   n   n
unknown_role    save_and_return     n   n   n   n
unknown_role    delete_draft        n   n   n   n
unknown_role    check_connection    n   n   n   n
unknown_role    finish_onboarding   n   n   n   n
unknown_role    view_account_page   n   n   n   n
unknown_role    change_own_password n   n   n   n
unknown_role    view_team           n   n   n   n
unknown_role    manage_team         n   n   n   n
unknown_role    unknown_action      n   n   n   n
"""
COLUMNS = ((False, False), (False, True), (True, False), (True, True))
ROLES = ("partner_admin", "partner", "account_admin", "unknown_role")
ALL_ACTIONS = (*ACTIONS, "unknown_action")


def _expected() -> dict[tuple[str, str, bool, bool], bool]:
    lines = TABLE.strip().splitlines()
    assert lines[0].split() == ["role", "action", "FF", "FT", "TF", "TT"]
    expected = {}
    for line in lines[1:]:
        role, action, *cells = line.split()
        assert len(cells) == 4 and set(cells) <= {"y", "n"}, line
        for (same_partner, own_customer), cell in zip(COLUMNS, cells, strict=True):
            key = (role, action, same_partner, own_customer)
            assert key not in expected, line
            expected[key] = cell == "y"
    return expected


EXPECTED = _expected()
CASES = list(itertools.product(ROLES, ALL_ACTIONS, (False, True), (False, True)))


def test_the_actions_are_the_documented_ones():
    assert ACTIONS == (
        "view_dashboard",
        "create_customer",
        "open_customer",
        "edit_customer",
        "save_and_return",
        "delete_draft",
        "check_connection",
        "finish_onboarding",
        "view_account_page",
        "change_own_password",
        "view_team",
        "manage_team",
    )


def test_the_table_has_exactly_every_case():
    assert set(EXPECTED) == set(CASES)
    assert len(CASES) == 4 * 13 * 2 * 2


@pytest.mark.parametrize(("role", "action", "same_partner", "own_customer"), CASES)
def test_may(role, action, same_partner, own_customer):
    got = may(role, action, same_partner=same_partner, own_customer=own_customer)
    assert got is EXPECTED[(role, action, same_partner, own_customer)]


@pytest.mark.parametrize(
    "role",
    ["", "Partner", "ACCOUNT_ADMIN", "admin", " partner", "partner_admin ", None, 1, ["partner"]],
)
def test_odd_roles_may_nothing(role):
    for action, flags in itertools.product(ACTIONS, COLUMNS):
        assert may(role, action, same_partner=flags[0], own_customer=flags[1]) is False


@pytest.mark.parametrize("action", ["", "VIEW_DASHBOARD", "view_dashboard ", None, ["x"]])
def test_odd_actions_are_refused(action):
    for role in ("partner", "account_admin"):
        assert may(role, action, same_partner=True, own_customer=True) is False


def test_the_flags_must_be_true_not_truthy():
    # A crafted value ("yes", 1) must not pass for True.
    assert not may("partner", "edit_customer", same_partner="yes", own_customer=False)
    assert not may("account_admin", "edit_customer", same_partner=1, own_customer=1)


def test_the_flags_are_keyword_only():
    with pytest.raises(TypeError):
        may("partner", "edit_customer", True, True)  # type: ignore[misc]


def test_the_role_names_are_the_users_ones():
    from cloudlink_app.services import users

    assert users.PARTNER_ROLE == permissions.PARTNER_ROLE == "partner"
    assert users.ACCOUNT_ADMIN_ROLE == permissions.ACCOUNT_ADMIN_ROLE == "account_admin"


# CurrentUser.may: works out the two flags from the customer's partner and id.

PARTNER = CurrentUser(
    id=1, email="p@x.example", display_name="P", role="partner", partner_id=10, customer_id=None
)
ADMIN = CurrentUser(
    id=2,
    email="a@x.example",
    display_name="A",
    role="account_admin",
    partner_id=10,
    customer_id=100,
)
ADMIN_WITHOUT_CUSTOMER = CurrentUser(
    id=3,
    email="b@x.example",
    display_name="B",
    role="account_admin",
    partner_id=10,
    customer_id=None,
)


@pytest.mark.parametrize(
    ("user", "action", "partner_id", "customer_id", "allowed"),
    [
        (PARTNER, "view_dashboard", None, None, True),
        (PARTNER, "create_customer", None, None, True),
        (PARTNER, "edit_customer", 10, 100, True),
        (PARTNER, "edit_customer", 10, 555, True),
        (PARTNER, "edit_customer", 11, 100, False),  # another partner's customer
        (PARTNER, "delete_draft", None, 100, False),  # the customer's partner not given
        (PARTNER, "check_connection", 10, 100, True),
        (PARTNER, "view_account_page", None, None, False),
        (ADMIN, "open_customer", 10, 100, True),
        (ADMIN, "edit_customer", 10, 100, True),
        (ADMIN, "finish_onboarding", 10, 100, True),
        (ADMIN, "edit_customer", 10, 101, False),  # another customer of the partner
        (ADMIN, "edit_customer", 11, 100, False),  # inconsistent: refused
        (ADMIN, "edit_customer", None, 100, False),
        (ADMIN, "save_and_return", 10, 100, False),
        (ADMIN, "check_connection", 10, 100, False),
        (ADMIN, "delete_draft", 10, 100, False),
        (ADMIN, "view_dashboard", None, None, False),
        (ADMIN, "create_customer", None, None, False),
        (ADMIN, "view_account_page", None, None, True),
        (ADMIN_WITHOUT_CUSTOMER, "edit_customer", 10, None, False),
        (ADMIN_WITHOUT_CUSTOMER, "open_customer", 10, 100, False),
    ],
)
def test_current_user_may(user, action, partner_id, customer_id, allowed):
    assert user.may(action, partner_id, customer_id) is allowed
    assert user.may(action, customer_partner_id=partner_id, customer_id=customer_id) is allowed


@pytest.mark.parametrize("role", [*permissions.ROLES, "intruder", ""])
@pytest.mark.parametrize("action", ACTIONS)
def test_a_role_has_an_action_when_some_customer_allows_it(role, action):
    # What a page offers (role_has) agrees with the table: some relation allows it.
    some = any(
        may(role, action, same_partner=same, own_customer=own)
        for same, own in itertools.product((True, False), repeat=2)
    )
    assert permissions.role_has(role, action) is some


def test_only_partner_users_have_save_and_return():
    assert PARTNER.can(permissions.SAVE_AND_RETURN)
    assert not ADMIN.can(permissions.SAVE_AND_RETURN)
    assert not permissions.role_has(3, permissions.SAVE_AND_RETURN)  # type: ignore[arg-type]
