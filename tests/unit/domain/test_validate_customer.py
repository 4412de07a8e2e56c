"""The whole Customer step on Next: every rule, errors in the order of the page."""

import dataclasses

from cloudlink_app.domain.forms import (
    AdminContactRow,
    CustomerForm,
    DomainRow,
    SupportContactRow,
)
from cloudlink_app.domain.validation import validate_customer as _validate_customer
from tests.support.builders import valid_form
from tests.support.texts import in_english, rendered

# The rules return Texts; these tests read them as the page words them in English.
validate_customer = in_english(_validate_customer)


def test_a_complete_form_passes():
    assert validate_customer(valid_form()) == {}


def test_an_untouched_form_lists_what_to_do():
    assert validate_customer(CustomerForm()) == {
        "customer_name": "Enter the customer name",
        "country": "Select the country",
        "street_address": "Enter the street address",
        "business_type": "Select the business type",
        "default_language": "Select the default language",
        "admin_contacts": "Add at least one admin contact",
        "support_contacts-maintainer": "Add a support contact with the role Maintainer",
        "support_contacts-onsite_admin": ("Add a support contact with the role Onsite Admin"),
    }


def test_errors_come_in_the_order_of_the_page():
    form = CustomerForm(
        country="US",
        address_line2="x" * 201,
        postal_code="1",
        email_domains=[DomainRow(1, "gmail.com")],
        admin_contacts=[AdminContactRow(1)],
        support_contacts=[SupportContactRow(1)],
    )
    assert list(validate_customer(form)) == [
        "customer_name",
        "street_address",
        "address_line2",
        "city",
        "state_province",
        "postal_code",
        "business_type",
        "default_language",
        "email_domain-1",
        "admin-1-first_name",
        "admin-1-last_name",
        "admin-1-email",
        "support-1-role",
        "support-1-name",
        "support-1-email",
        "support_contacts-maintainer",
        "support_contacts-onsite_admin",
    ]


def test_business_type_and_language_come_from_their_lists():
    form = valid_form(business_type="casino", default_language="xx")
    assert validate_customer(form) == {
        "business_type": "Select the business type",
        "default_language": "Select the default language",
    }


def test_every_business_type_and_language_is_accepted():
    assert validate_customer(valid_form(business_type="other")) == {}
    assert validate_customer(valid_form(default_language="da")) == {}


def test_the_country_decides_the_address_rules():
    form = valid_form(country="US", postal_code="94043", city="Mountain View")
    assert validate_customer(form) == {"state_province": "Select the state or province"}
    assert validate_customer(dataclasses.replace(form, state_province="CA")) == {}


def test_domain_ownership_is_asked_with_the_normal_form():
    form = valid_form(email_domains=[DomainRow(4, "Bücher.Example")])
    errors = validate_customer(
        form, is_claimed_elsewhere=lambda normal: normal == "xn--bcher-kva.example"
    )
    assert errors == {
        "email_domain-4": ("This email domain is already used by another customer account")
    }


def test_no_email_domains_is_fine():
    assert validate_customer(valid_form(email_domains=[])) == {}


def test_messages_follow_the_language():
    # The rule returns keys and parameters; each language words them, never as keys.
    problems = _validate_customer(CustomerForm())
    english, dutch = rendered(problems, "en"), rendered(problems, "nl")
    assert list(dutch) == list(english)
    assert dutch["customer_name"] != english["customer_name"]
    assert not set(dutch.values()) & {text.key for text in problems.values()}
