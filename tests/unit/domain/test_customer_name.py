"""The customer name: required, 1-100 characters after trimming."""

from cloudlink_app.domain.validation import NAME_MAX
from cloudlink_app.domain.validation import validate_customer_name as _validate_customer_name
from tests.support.texts import in_english, rendered

# The rules return Texts; these tests read them as the page words them in English.
validate_customer_name = in_english(_validate_customer_name)


def test_a_name_is_accepted():
    assert validate_customer_name("Acme B.V.") == {}


def test_surrounding_spaces_do_not_count():
    assert validate_customer_name("  Acme  ") == {}
    assert validate_customer_name(" " * 10 + "a" * NAME_MAX + " " * 10) == {}


def test_international_names_are_accepted():
    assert validate_customer_name("Bäckerei Müller & Söhne 🍞") == {}
    assert validate_customer_name("株式会社例子") == {}


def test_an_empty_name_says_to_enter_it():
    expected = {"customer_name": "Enter the customer name"}
    assert validate_customer_name("") == expected
    assert validate_customer_name(" \t\n ") == expected


def test_the_name_is_at_most_100_characters():
    assert NAME_MAX == 100
    assert validate_customer_name("a" * 100) == {}
    assert validate_customer_name("a" * 101) == {
        "customer_name": "Customer name must be 100 characters or fewer"
    }


def test_a_name_that_cannot_be_stored_says_to_retype_it():
    expected = {
        "customer_name": ("Retype this field: it contains hidden characters that cannot be saved")
    }
    assert validate_customer_name("Acme\x00") == expected
    assert validate_customer_name("Acme\ud800") == expected


def test_an_unknown_language_falls_back_to_english():
    problems = _validate_customer_name("")
    assert rendered(problems, "xx") == {"customer_name": "Enter the customer name"}
