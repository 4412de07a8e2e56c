"""Email addresses: checked by email-validator without DNS, stored normalised."""

import pytest

from cloudlink_app.domain.contacts import EmailError, email_key, normalize_email
from cloudlink_app.domain.i18n import t


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("anna@acme.nl", "anna@acme.nl"),
        ("  anna@acme.nl ", "anna@acme.nl"),
        ("Anna.de.Vries@ACME.NL", "Anna.de.Vries@acme.nl"),
        ("用户@例子.广告", "用户@例子.广告"),
        ("jürgen@bücher.example", "jürgen@bücher.example"),
        ("anna@xn--bcher-kva.example", "anna@bücher.example"),
    ],
)
def test_addresses_are_stored_normalised(typed, normal):
    assert normalize_email(typed) == normal
    assert normalize_email(normal) == normal


@pytest.mark.parametrize(
    "typed",
    [
        "anna",
        "anna@",
        "@acme.nl",
        "anna@acme",
        "anna@@acme.nl",
        "anna de vries@acme.nl",
        "anna..de@acme.nl",
        "anna@localhost",
        "anna@acme.nl, piet@acme.nl",
    ],
)
def test_what_is_not_an_address(typed):
    with pytest.raises(EmailError) as raised:
        normalize_email(typed)
    assert raised.value.key == "email.format"
    assert t(raised.value.key) == (
        "Enter an email address in the correct format, like name@example.com"
    )


def test_an_empty_address():
    with pytest.raises(EmailError) as raised:
        normalize_email(" ")
    assert t(raised.value.key) == "Enter an email address"


def test_an_address_is_at_most_254_characters():
    longest = "a" * 64 + "@" + ".".join(["b" * 63, "b" * 63, "b" * 57, "com"])
    assert len(longest) == 254
    assert normalize_email(longest) == longest
    with pytest.raises(EmailError) as raised:
        normalize_email("a" + longest)
    assert t(raised.value.key, **raised.value.params) == (
        "Email address must be 254 characters or fewer"
    )


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("  Anna.de.Vries@ACME.NL ", "anna.de.vries@acme.nl"),
        ("anna", "anna"),
        ("anna@@acme.nl", "anna@@acme.nl"),
        ("", ""),
        ("Jürgen@Bücher.example", "jürgen@bücher.example"),
    ],
)
def test_the_key_of_an_address_is_any_text_trimmed_in_lower_case(typed, key):
    # What sign-in looks users up and counts failures by: never refused, unlike the
    # stored form, so that a malformed email is answered as a wrong password.
    assert email_key(typed) == key


def test_the_key_and_the_stored_form_differ_only_in_letter_case_for_an_address():
    typed = "  Anna.de.Vries@ACME.NL "
    assert normalize_email(typed) == "Anna.de.Vries@acme.nl"
    assert email_key(typed) == email_key(normalize_email(typed))
