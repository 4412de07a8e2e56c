"""normal_or_none (domain/limits.py): the stored form of a typed value, or None when its
rule finds a problem; what the services store or claim only when it is valid (a domain,
an admin contact's address, a MAC address or system ID)."""

from __future__ import annotations

import pytest

from cloudlink_app.domain.contacts import normalize_email
from cloudlink_app.domain.domains import normalize_domain
from cloudlink_app.domain.gateway import normalize_mac
from cloudlink_app.domain.limits import normal_or_none


@pytest.mark.parametrize(
    ("normalize", "typed", "normal"),
    [
        (normalize_domain, " Bücher.Example ", "xn--bcher-kva.example"),
        (normalize_email, " Anna@ACME.NL ", "Anna@acme.nl"),
        (normalize_mac, "00-1a-2b-3c-4d-5e", "00:1A:2B:3C:4D:5E"),
    ],
)
def test_a_valid_value_gives_its_stored_form(normalize, typed, normal):
    assert normal_or_none(normalize, typed) == normal


@pytest.mark.parametrize(
    ("normalize", "typed"),
    [
        (normalize_domain, ""),
        (normalize_domain, "not a domain"),
        (normalize_email, "anna@"),
        (normalize_mac, "00:1A"),
    ],
)
def test_a_value_with_a_problem_gives_none(normalize, typed):
    assert normal_or_none(normalize, typed) is None


def test_only_a_rules_problem_is_taken_for_none():
    def broken(value: str) -> str:
        raise KeyError(value)

    with pytest.raises(KeyError):
        normal_or_none(broken, "x")
