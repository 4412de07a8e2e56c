"""Save and return: a draft needs a customer name and must respect the hard limits,
nothing else, so what was typed can always be stored."""

from cloudlink_app.domain.forms import (
    AdminContactRow,
    CustomerForm,
    DomainRow,
    SupportContactRow,
)
from cloudlink_app.domain.limits import MAX_ROWS
from cloudlink_app.domain.validation import validate_draft as _validate_draft
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_draft = in_english(_validate_draft)


def test_a_draft_needs_a_customer_name():
    assert validate_draft(CustomerForm()) == {"customer_name": "Enter the customer name"}
    assert validate_draft(CustomerForm(customer_name="x" * 101)) == {
        "customer_name": "Customer name must be 100 characters or fewer"
    }


def test_an_incomplete_draft_is_stored_as_typed():
    form = CustomerForm(
        customer_name="Acme",
        country="US",
        postal_code="1",
        email_domains=[DomainRow(1, "gmail.com"), DomainRow(2, ""), DomainRow(3, "x")],
        admin_contacts=[AdminContactRow(1, email="anna@")],
        support_contacts=[SupportContactRow(1, role="other")],
    )
    assert validate_draft(form) == {}


def test_a_draft_keeps_the_length_limits():
    form = CustomerForm(
        customer_name="Acme",
        street_address="s" * 201,
        address_line2="l" * 201,
        city="c" * 101,
        state_province="p" * 101,
        postal_code="1" * 21,
        email_domains=[DomainRow(1, "d" * 254)],
        admin_contacts=[AdminContactRow(1, "f" * 101, "l" * 101, "e" * 255)],
        support_contacts=[SupportContactRow(1, "other", "n" * 101, "e" * 255)],
    )
    assert validate_draft(form) == {
        "street_address": "Street address must be 200 characters or fewer",
        "address_line2": "Address line 2 must be 200 characters or fewer",
        "city": "City must be 100 characters or fewer",
        "state_province": "State or province must be 100 characters or fewer",
        "postal_code": "Postal code must be 20 characters or fewer",
        "email_domain-1": "Email domain must be 253 characters or fewer",
        "admin-1-first_name": ("First name of admin contact 1 must be 100 characters or fewer"),
        "admin-1-last_name": ("Last name of admin contact 1 must be 100 characters or fewer"),
        "admin-1-email": ("Email address of admin contact 1 must be 254 characters or fewer"),
        "support-1-name": "Name of support contact 1 must be 100 characters or fewer",
        "support-1-email": ("Email address of support contact 1 must be 254 characters or fewer"),
    }


def test_a_draft_keeps_the_row_limits():
    form = CustomerForm(
        customer_name="Acme",
        email_domains=[DomainRow(i) for i in range(MAX_ROWS + 1)],
        admin_contacts=[AdminContactRow(i) for i in range(MAX_ROWS + 1)],
        support_contacts=[SupportContactRow(i) for i in range(MAX_ROWS + 1)],
    )
    assert validate_draft(form) == {
        "email_domains": "Remove email domains until there are 500 or fewer",
        "admin_contacts": "Remove admin contacts until there are 500 or fewer",
        "support_contacts": "Remove support contacts until there are 500 or fewer",
    }


def test_a_draft_holds_only_values_from_the_lists():
    form = CustomerForm(
        customer_name="Acme",
        country="Narnia",
        business_type="casino",
        default_language="xx",
        support_contacts=[SupportContactRow(1, role="boss")],
    )
    assert validate_draft(form) == {
        "country": "Select the country",
        "business_type": "Select the business type",
        "default_language": "Select the default language",
        "support-1-role": "Select the role of support contact 1",
    }


def test_a_draft_holds_only_storable_text():
    unstorable = "Retype this field: it contains hidden characters that cannot be saved"
    form = CustomerForm(
        customer_name="Acme\x00",
        city="\ud83d",
        admin_contacts=[AdminContactRow(1, email="a\x00@acme.nl")],
    )
    assert validate_draft(form) == {
        "customer_name": unstorable,
        "city": unstorable,
        "admin-1-email": unstorable,
    }
