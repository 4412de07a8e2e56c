"""Gateway step rules ("configure the customer site"): site name and address, the
deployment type, and the gateway's MAC address or the SMBC/VA system ID.

The MAC address is stored in one normal form, "00:1A:2B:3C:4D:5E", whatever notation
was typed, and belongs to at most one customer (models.Customer.mac_claim is unique).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.domain.address import address_problems
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, Text, t
from cloudlink_app.domain.limits import (
    NAME_MAX,
    Problem,
    ProblemError,
    Problems,
    choice_problem,
    hard_limits,
    normal_or_problem,
    problems_found,
    text_problem,
    texts,
    typed_problem,
)

SITE_NAME_MAX = NAME_MAX
# What a draft may store as typed (models.Customer.mac_address): any notation with
# some spaces fits; more than this is never a MAC address.
MAC_ADDRESS_TYPED_MAX = 40
SYSTEM_ID_MIN = 4
SYSTEM_ID_MAX = 64

_DEPLOYMENT_TYPE_KEYS = (wizard_path.APPLIANCE, wizard_path.SMBC, wizard_path.VA)
DEPLOYMENT_TYPES: tuple[tuple[str, str], ...] = tuple(
    (key, t(f"deployment_type.{key}", DEFAULT_LANGUAGE)) for key in _DEPLOYMENT_TYPE_KEYS
)

_HEX = "[0-9A-Fa-f]"
# The notations people copy from labels, switches and operating systems. Groups of
# one digit are how macOS prints them ("0:1a:2b:3c:4d:5e"); a separator must be the
# same throughout, so "00:1A-2B:3C..." is a typo rather than a notation.
_MAC_NOTATIONS = (
    re.compile(rf"({_HEX}{{1,2}})([:-])({_HEX}{{1,2}})" + rf"\2({_HEX}{{1,2}})" * 4),
    re.compile(rf"({_HEX}{{4}})([.-])({_HEX}{{4}})\2({_HEX}{{4}})"),  # Cisco, HPE
    re.compile(rf"({_HEX}{{6}})(-)({_HEX}{{6}})"),  # HP ProCurve
    re.compile(rf"({_HEX}{{12}})"),
)
_SYSTEM_ID = re.compile(r"[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?")


class MacError(ProblemError):
    """A value that is not a gateway's MAC address; ``key`` says why."""


class SystemIdError(ProblemError):
    """A value that is not an SMBC/VA system ID; ``key`` says why."""


def deployment_type_options(lang: str = "en") -> list[tuple[str, str]]:
    """Deployment types as (key, label in ``lang``), the appliance first."""
    return [(key, t(f"deployment_type.{key}", lang)) for key in _DEPLOYMENT_TYPE_KEYS]


def normalize_mac(value: str) -> str:
    """The stored form of a typed MAC address: six upper-case octets joined by colons.

    Accepts "00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "0:1a:2b:3c:4d:5e",
    "001a.2b3c.4d5e", "001a-2b3c-4d5e", "001a2b-3c4d5e" and "001A2B3C4D5E", with
    spaces around. Raises MacError for anything else, and for the all-zero, broadcast
    and multicast addresses: a gateway has its own (unicast) address. Locally
    administered addresses are accepted (lab and replacement units use them).
    """
    text = value.strip()
    if not text:
        raise MacError("mac_address.required")
    digits = _mac_digits(text)
    if digits is None:
        raise MacError("mac_address.format")
    octets = [int(digits[i : i + 2], 16) for i in range(0, 12, 2)]
    # The lowest bit of the first octet marks a group (multicast) address; broadcast
    # FF:FF:FF:FF:FF:FF is one of them.
    if not any(octets) or octets[0] & 1:
        raise MacError("mac_address.not_unicast")
    return ":".join(f"{octet:02X}" for octet in octets)


def _mac_digits(text: str) -> str | None:
    # Only the short separated notations checked here, so fullmatch never sees a paste.
    if len(text) > 17:
        return None
    for notation in _MAC_NOTATIONS:
        match = notation.fullmatch(text)
        if match is None:
            continue
        groups = [g for g in match.groups() if g not in (":", "-", ".")]
        width = 12 // len(groups)
        return "".join(group.rjust(width, "0") for group in groups)
    return None


def normalize_system_id(value: str) -> str:
    """The stored form of an SMBC/VA system ID: trimmed and upper case.

    The rule: 4 to 64 characters, ASCII letters, digits and dashes, starting and ending
    with a letter or digit ("7F3A-22C1", "SMBC0042"). Letters are not case-sensitive, so
    they are stored upper case and compared in that form. Raises SystemIdError.
    """
    text = value.strip()
    if not text:
        raise SystemIdError("system_id.required")
    if len(text) > SYSTEM_ID_MAX:
        raise SystemIdError("system_id.too_long", max=SYSTEM_ID_MAX)
    # isascii first: upper() maps "ß" to "SS" and would let non-ASCII text through.
    normal = text.upper()
    if not text.isascii() or len(normal) < SYSTEM_ID_MIN or not _SYSTEM_ID.fullmatch(normal):
        raise SystemIdError("system_id.format")
    return normal


def gateway_problems(
    form: forms.GatewayForm, is_mac_claimed_elsewhere: Callable[[str], bool]
) -> Problems:
    """Every problem of the Gateway step, keyed by field id, in page order.

    The site's own address is checked only when "Same as the customer address" is
    unchecked, with the Customer step's rules and field ids prefixed "site_"; the MAC
    address only for an appliance and the system ID only for SMBC/VA. Fields that are
    not shown are not checked, so the caller stores them empty.
    ``is_mac_claimed_elsewhere(normal)`` says whether another customer has the MAC
    address; it is asked only about a MAC address that passes every other rule.
    """
    problems = problems_found(
        {forms.SITE_NAME: text_problem(form.site_name, SITE_NAME_MAX, "site_name")}
    )
    if not form.site_same_address:
        problems.update(_site_address_problems(form))
    deployment = choice_problem(form.deployment_type, _DEPLOYMENT_TYPE_KEYS, "deployment_type")
    if deployment is not None:
        problems[forms.DEPLOYMENT_TYPE] = deployment
    elif form.deployment_type == wizard_path.APPLIANCE:
        problems.update(
            problems_found(
                {forms.MAC_ADDRESS: _mac_problem(form.mac_address, is_mac_claimed_elsewhere)}
            )
        )
    else:
        system_id = typed_problem(form.system_id, SYSTEM_ID_MAX, "system_id", normalize_system_id)
        problems.update(problems_found({forms.SYSTEM_ID: system_id}))
    return problems


def validate_gateway(
    form: forms.GatewayForm,
    is_mac_claimed_elsewhere: Callable[[str], bool] = lambda normal: False,
) -> dict[str, Text]:
    """Messages for every field of the Gateway step that breaks a rule, by field id, in
    page order (what Next checks)."""
    return texts(gateway_problems(form, is_mac_claimed_elsewhere))


def validate_gateway_draft(form: forms.GatewayForm) -> dict[str, Text]:
    """Messages that stop "Save and return" on the Gateway step: only the hard limits
    (lengths, values outside a list, unstorable text) of the fields shown. Everything
    else, the site name included, may be incomplete in a draft."""
    return texts(hard_limits(gateway_problems(form, lambda normal: False)))


def _site_address_problems(form: forms.GatewayForm) -> Problems:
    problems = address_problems(*forms.address_parts(form, forms.SITE_PREFIX))
    return {forms.SITE_PREFIX + field: p for field, p in problems.items()}


def _mac_problem(value: str, is_mac_claimed_elsewhere: Callable[[str], bool]) -> Problem | None:
    normal = normal_or_problem(value, MAC_ADDRESS_TYPED_MAX, "mac_address", normalize_mac)
    if isinstance(normal, Problem):
        return normal
    # Never names the other customer: that would leak another partner's data.
    if is_mac_claimed_elsewhere(normal):
        return Problem("mac_address.claimed")
    return None
