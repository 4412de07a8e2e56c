"""Support contacts: a role, name and email address each; at least one Maintainer and
at least one Onsite Admin, each missing role its own error."""

import pytest

from cloudlink_app.domain.contacts import validate_support_contacts as _validate_support_contacts
from cloudlink_app.domain.forms import (
    ROLE_MAINTAINER,
    ROLE_ONSITE_ADMIN,
    ROLE_OTHER,
    SupportContactRow,
)
from cloudlink_app.domain.limits import MAX_ROWS
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_support_contacts = in_english(_validate_support_contacts)

MISSING_MAINTAINER = {
    "support_contacts-maintainer": "Add a support contact with the role Maintainer"
}
MISSING_ONSITE_ADMIN = {
    "support_contacts-onsite_admin": "Add a support contact with the role Onsite Admin"
}


def _row(row_id, role=ROLE_OTHER, name="Piet Jansen", email=None):
    return SupportContactRow(row_id, role, name, email or f"p{row_id}@acme.nl")


MAINTAINER = _row(1, ROLE_MAINTAINER)
ONSITE_ADMIN = _row(2, ROLE_ONSITE_ADMIN)


def test_a_maintainer_and_an_onsite_admin_pass():
    assert validate_support_contacts([MAINTAINER, ONSITE_ADMIN]) == {}
    assert validate_support_contacts([ONSITE_ADMIN, _row(3), MAINTAINER]) == {}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], MISSING_MAINTAINER | MISSING_ONSITE_ADMIN),
        ([_row(5)], MISSING_MAINTAINER | MISSING_ONSITE_ADMIN),
        ([MAINTAINER], MISSING_ONSITE_ADMIN),
        ([ONSITE_ADMIN, _row(5)], MISSING_MAINTAINER),
    ],
)
def test_each_missing_role_is_its_own_error(rows, expected):
    assert validate_support_contacts(rows) == expected


def test_a_role_counts_even_when_its_row_has_other_errors():
    rows = [_row(1, ROLE_MAINTAINER, name=""), ONSITE_ADMIN]
    assert validate_support_contacts(rows) == {
        "support-1-name": "Enter the name of support contact 1"
    }


def test_missing_roles_come_after_the_row_errors():
    errors = validate_support_contacts([_row(1, role="")])
    assert list(errors) == [
        "support-1-role",
        "support_contacts-maintainer",
        "support_contacts-onsite_admin",
    ]


@pytest.mark.parametrize("role", ["", "  ", "owner", "Maintainer"])
def test_role_is_one_of_the_list(role):
    errors = validate_support_contacts([MAINTAINER, ONSITE_ADMIN, _row(8, role=role)])
    assert errors == {"support-8-role": "Select the role of support contact 3"}


def test_name_and_email_are_required():
    rows = [MAINTAINER, SupportContactRow(id=6, role=ROLE_ONSITE_ADMIN)]
    assert validate_support_contacts(rows) == {
        "support-6-name": "Enter the name of support contact 2",
        "support-6-email": "Enter the email address of support contact 2",
    }


def test_email_format():
    rows = [MAINTAINER, _row(2, ROLE_ONSITE_ADMIN, email="piet at acme.nl")]
    assert validate_support_contacts(rows) == {
        "support-2-email": ("Enter an email address in the correct format, like name@example.com")
    }


def test_lengths():
    rows = [
        _row(1, ROLE_MAINTAINER, name="n" * 100),
        _row(2, ROLE_ONSITE_ADMIN, name="n" * 101, email="e" * 250 + "@x.nl"),
    ]
    assert validate_support_contacts(rows) == {
        "support-2-name": "Name of support contact 2 must be 100 characters or fewer",
        "support-2-email": ("Email address of support contact 2 must be 254 characters or fewer"),
    }


def test_the_same_address_twice_is_an_error_on_the_later_row():
    rows = [
        _row(1, ROLE_MAINTAINER, email="sara@bücher.example"),
        _row(2, ROLE_ONSITE_ADMIN, email="sara@XN--BCHER-KVA.example"),
    ]
    assert validate_support_contacts(rows) == {
        "support-2-email": ("Support contact 2 has the same email address as support contact 1")
    }


def test_at_most_500_rows():
    rows = [MAINTAINER, ONSITE_ADMIN] + [_row(i) for i in range(3, MAX_ROWS + 2)]
    assert validate_support_contacts(rows) == {
        "support_contacts": "Remove support contacts until there are 500 or fewer"
    }
    assert validate_support_contacts(rows[:MAX_ROWS]) == {}
