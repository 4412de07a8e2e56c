"""Email domains: syntax and one normal form, no public providers, no duplicates, and
at most one customer account per domain."""

import pytest

from cloudlink_app.domain.domains import (
    DomainError,
    display_domain,
    is_public_email_domain,
    normalize_domain,
)
from cloudlink_app.domain.domains import (
    validate_email_domains as _validate_email_domains,
)
from cloudlink_app.domain.forms import DomainRow
from cloudlink_app.domain.limits import MAX_ROWS
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_email_domains = in_english(_validate_email_domains)

FORMAT = "Enter an email domain in the correct format, like example.com"
DUPLICATE = "This email domain is already in the list"
CLAIMED = "This email domain is already used by another customer account"


def _claimed_nowhere(normal):
    return False


def _validate(*values, is_claimed_elsewhere=_claimed_nowhere):
    rows = [DomainRow(id=index, value=value) for index, value in enumerate(values)]
    return validate_email_domains(rows, is_claimed_elsewhere)


# Normal form


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("example.com", "example.com"),
        ("  Example.COM. ", "example.com"),
        ("mail.acme.co.uk", "mail.acme.co.uk"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("Bücher.Example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("例子.广告", "xn--fsqu00a.xn--4rr70v"),
        ("例子。广告", "xn--fsqu00a.xn--4rr70v"),  # ideographic full stop
    ],
)
def test_normal_form_is_lower_case_a_labels(typed, normal):
    assert normalize_domain(typed) == normal
    assert normalize_domain(normal) == normal


def test_display_form_is_unicode():
    assert display_domain("xn--bcher-kva.example") == "bücher.example"
    assert display_domain("xn--fsqu00a.xn--4rr70v") == "例子.广告"
    assert display_domain("example.com") == "example.com"
    assert display_domain("xn--zz--.example") == "xn--zz--.example"


@pytest.mark.parametrize(
    "typed",
    [
        "example",
        "localhost",
        "exa mple.com",
        "name@example.com",
        "@example.com",
        "https://example.com",
        "example.com/path",
        "example..com",
        ".example.com",
        "-example.com",
        "example-.com",
        "a_b.example",
        "10.0.0.1",
        "example.c0m",
        "example.c",
        "a" * 64 + ".com",
    ],
)
def test_what_is_not_a_domain(typed):
    with pytest.raises(DomainError) as raised:
        normalize_domain(typed)
    assert raised.value.key == "email_domain.format"


def test_an_empty_domain():
    with pytest.raises(DomainError) as raised:
        normalize_domain("  ")
    assert raised.value.key == "email_domain.required"


def test_labels_up_to_63_characters():
    assert normalize_domain("a" * 63 + ".com") == "a" * 63 + ".com"


def test_a_domain_is_at_most_253_characters():
    longest = ".".join(["a" * 63] * 3 + ["a" * 57, "com"])
    assert len(longest) == 253
    assert normalize_domain(longest) == longest
    with pytest.raises(DomainError) as raised:
        normalize_domain("a" + longest)
    assert raised.value.key == "email_domain.too_long"


def test_the_ascii_form_counts_for_the_length():
    unicode_name = ".".join(["ü" * 28] * 8) + ".de"
    assert len(unicode_name) < 253
    with pytest.raises(DomainError) as raised:
        normalize_domain(unicode_name)
    assert raised.value.key == "email_domain.too_long"


# Public email providers


@pytest.mark.parametrize("domain", ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com"])
def test_public_email_providers(domain):
    assert is_public_email_domain(domain)


def test_an_organisation_domain_is_not_public():
    assert not is_public_email_domain("acme.nl")
    assert not is_public_email_domain("xn--bcher-kva.example")


# The rows


def test_no_domains_is_fine():
    assert validate_email_domains([], _claimed_nowhere) == {}


def test_good_domains_pass():
    assert _validate("acme.nl", "bücher.example", "例子.广告") == {}


def test_errors_are_keyed_by_row_id():
    rows = [DomainRow(id=7, value="acme.nl"), DomainRow(id=3, value="nope")]
    assert validate_email_domains(rows, _claimed_nowhere) == {"email_domain-3": FORMAT}


def test_an_empty_row_says_to_fill_or_remove_it():
    assert _validate("acme.nl", " ") == {
        "email_domain-1": "Enter an email domain, or remove the row"
    }


def test_a_wrong_domain_says_what_the_format_is():
    assert _validate("acme", "anna@acme.nl") == {
        "email_domain-0": FORMAT,
        "email_domain-1": FORMAT,
    }


def test_a_public_provider_is_named():
    assert _validate("Gmail.COM", "outlook.com") == {
        "email_domain-0": (
            "gmail.com is a public email provider: enter a domain the organisation owns"
        ),
        "email_domain-1": (
            "outlook.com is a public email provider: enter a domain the organisation owns"
        ),
    }


def test_duplicates_are_compared_in_normal_form():
    assert _validate("acme.nl", "ACME.nl.", " acme.nl ") == {
        "email_domain-1": DUPLICATE,
        "email_domain-2": DUPLICATE,
    }
    assert _validate("bücher.example", "xn--bcher-kva.example") == {"email_domain-1": DUPLICATE}


def test_a_domain_claimed_by_another_account():
    def claimed(normal):
        return normal == "xn--bcher-kva.example"

    assert _validate("acme.nl", "Bücher.example", is_claimed_elsewhere=claimed) == {
        "email_domain-1": CLAIMED
    }


def test_only_sound_new_domains_are_looked_up():
    asked = []

    def record(normal):
        asked.append(normal)
        return False

    _validate(
        "acme.nl", "", "nope", "gmail.com", "ACME.NL", "bücher.example", is_claimed_elsewhere=record
    )
    assert asked == ["acme.nl", "xn--bcher-kva.example"]


def test_a_row_is_at_most_253_characters():
    assert _validate("a" * 250 + ".com") == {
        "email_domain-0": "Email domain must be 253 characters or fewer"
    }


def test_at_most_500_rows():
    rows = [DomainRow(id=index, value=f"d{index}.example") for index in range(MAX_ROWS)]
    assert validate_email_domains(rows, _claimed_nowhere) == {}
    rows.append(DomainRow(id=MAX_ROWS, value="one-more.example"))
    assert validate_email_domains(rows, _claimed_nowhere) == {
        "email_domains": "Remove email domains until there are 500 or fewer"
    }
