"""What a country's address fields show: which are required, and the list of states
or provinces where the country has one (domain/address.py has the rules)."""

from __future__ import annotations

import dataclasses

from cloudlink_app.domain import address


@dataclasses.dataclass
class AddressRules:
    """What a country's addresses need, as the address fields show it."""

    city_required: bool = False
    state_required: bool = False
    postal_code_required: bool = False
    # The country's states or provinces as [code, name], [] when it has no list.
    state_options: list[list[str]] = dataclasses.field(default_factory=list)


def address_rules(country: str) -> AddressRules:
    """The address rules of a country (any value: unknown ones need nothing)."""
    rules = address.address_format(country)
    return AddressRules(
        rules.city_required,
        rules.state_required,
        rules.postal_code_required,
        [list(o) for o in rules.state_options],
    )
