"""Admin contacts: at least one, each with a first name, last name and email address."""

from cloudlink_app.domain.contacts import validate_admin_contacts as _validate_admin_contacts
from cloudlink_app.domain.forms import AdminContactRow
from cloudlink_app.domain.limits import MAX_ROWS
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_admin_contacts = in_english(_validate_admin_contacts)

ANNA = AdminContactRow(1, first_name="Anna", last_name="de Vries", email="anna@acme.nl")


def _row(row_id, first_name="Piet", last_name="Jansen", email=None):
    return AdminContactRow(row_id, first_name, last_name, email or f"p{row_id}@acme.nl")


def test_one_complete_admin_contact_passes():
    assert validate_admin_contacts([ANNA]) == {}


def test_at_least_one_admin_contact():
    assert validate_admin_contacts([]) == {"admin_contacts": "Add at least one admin contact"}


def test_missing_parts_name_the_contact_by_position():
    rows = [ANNA, AdminContactRow(id=9)]
    assert validate_admin_contacts(rows) == {
        "admin-9-first_name": "Enter the first name of admin contact 2",
        "admin-9-last_name": "Enter the last name of admin contact 2",
        "admin-9-email": "Enter the email address of admin contact 2",
    }


def test_email_format():
    assert validate_admin_contacts([_row(4, email="piet@")]) == {
        "admin-4-email": ("Enter an email address in the correct format, like name@example.com")
    }


def test_internationalised_addresses_are_accepted():
    assert validate_admin_contacts([_row(1, email="用户@例子.广告")]) == {}


def test_lengths():
    assert validate_admin_contacts([_row(1, "a" * 100, "b" * 100)]) == {}
    rows = [_row(1, "a" * 101, "b" * 101, "c" * 250 + "@x.nl")]
    assert validate_admin_contacts(rows) == {
        "admin-1-first_name": ("First name of admin contact 1 must be 100 characters or fewer"),
        "admin-1-last_name": ("Last name of admin contact 1 must be 100 characters or fewer"),
        "admin-1-email": ("Email address of admin contact 1 must be 254 characters or fewer"),
    }


def test_the_same_address_twice_is_an_error_on_the_later_row():
    rows = [ANNA, _row(2), _row(3, email=" anna@ACME.nl "), _row(4, email=ANNA.email)]
    assert validate_admin_contacts(rows) == {
        f"admin-{n}-email": (f"Admin contact {n} has the same email address as admin contact 1")
        for n in (3, 4)
    }


def test_addresses_are_compared_in_normal_form_only():
    # email-validator keeps the case of the part before the @-sign: some mail servers
    # tell Anna@ and anna@ apart.
    assert validate_admin_contacts([ANNA, _row(2, email="Anna@acme.nl")]) == {}


def test_at_most_500_rows():
    rows = [_row(index) for index in range(MAX_ROWS + 1)]
    assert validate_admin_contacts(rows) == {
        "admin_contacts": "Remove admin contacts until there are 500 or fewer"
    }
    assert validate_admin_contacts(rows[:MAX_ROWS]) == {}
