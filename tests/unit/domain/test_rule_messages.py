"""The messages of the rules: plain instructions, every one in the catalog and used."""

import re
import string

import pytest

from cloudlink_app.domain.choices import BUSINESS_TYPES, DEFAULT_LANGUAGES
from cloudlink_app.domain.contacts import EmailError, normalize_email
from cloudlink_app.domain.forms import (
    ROLES,
    AdminContactRow,
    CustomerForm,
    DomainRow,
    GatewayForm,
    PbxForm,
    SupportContactRow,
    SyncForm,
)
from cloudlink_app.domain.gateway import DEPLOYMENT_TYPES, gateway_problems
from cloudlink_app.domain.limits import MAX_ROWS
from cloudlink_app.domain.messages import CATALOG
from cloudlink_app.domain.pbx import PBX_TYPES, pbx_problems, sync_problems
from cloudlink_app.domain.validation import customer_problems

PLACEHOLDERS = {"n", "first", "max", "domain", "example"}
LABEL_KEYS = (
    {f"business_type.{key}" for key, _ in BUSINESS_TYPES}
    | {f"language.{code}" for code, _ in DEFAULT_LANGUAGES}
    | {f"role.{role}" for role in ROLES}
    | {f"deployment_type.{key}" for key, _ in DEPLOYMENT_TYPES}
    | {f"pbx_type.{key}" for key, _ in PBX_TYPES}
)


def _all_messages():
    for lang, entries in CATALOG.items():
        for key, text in entries.items():
            yield lang, key, text


def test_messages_never_say_invalid_or_please():
    for lang, key, text in _all_messages():
        assert not re.search(r"invalid|please", text, re.IGNORECASE), (lang, key)


def test_messages_are_trimmed_without_a_full_stop():
    for lang, key, text in _all_messages():
        assert text and text == text.strip() and not text.endswith("."), (lang, key)


def test_placeholders_are_the_documented_ones():
    for lang, key, text in _all_messages():
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        assert names <= PLACEHOLDERS, (lang, key, names)


def test_every_choice_has_a_label():
    assert set(CATALOG["en"]) >= LABEL_KEYS


def _domain_rows(*values):
    return [DomainRow(i, value) for i, value in enumerate(values)]


def _broken_forms():
    many = range(MAX_ROWS + 1)
    yield CustomerForm(country="NL")
    yield CustomerForm(
        customer_name="x" * 101,
        country="XX",
        street_address="s" * 201,
        address_line2="l" * 201,
        city="c" * 101,
        state_province="p" * 101,
        postal_code="1" * 21,
        business_type="?",
        default_language="?",
        email_domains=_domain_rows("", "x", "d" * 254),
        admin_contacts=[AdminContactRow(1, "f" * 101, "l" * 101, "e" * 255)],
        support_contacts=[SupportContactRow(1, "?", "n" * 101, "e" * 255)],
    )
    yield CustomerForm(
        customer_name="\x00",
        country="US",
        state_province="XX",
        postal_code="1",
        email_domains=_domain_rows("gmail.com", "a.nl", "a.nl"),
        admin_contacts=[AdminContactRow(i, email="a@a.nl") for i in range(2)],
        support_contacts=[SupportContactRow(i, email="a@") for i in range(2)],
    )
    yield CustomerForm(
        country="CR",
        admin_contacts=[AdminContactRow(1)],
        support_contacts=[
            SupportContactRow(i, email=email) for i, email in enumerate(["", "c@c.nl", "c@c.nl"])
        ],
    )
    yield CustomerForm(
        email_domains=[DomainRow(i) for i in many],
        admin_contacts=[AdminContactRow(i) for i in many],
        support_contacts=[SupportContactRow(i) for i in many],
    )


def _email_keys():
    for typed in ("", "e" * 255, "e@"):
        with pytest.raises(EmailError) as raised:
            normalize_email(typed)
        yield raised.value.key


def _broken_later_steps():
    site = {"site_same_address": False, "site_country": "NL"}
    for values in (
        {},
        {**site, "site_name": "s" * 101, "deployment_type": "router"},
        {"deployment_type": "appliance"},
        {"deployment_type": "appliance", "mac_address": "nope"},
        {"deployment_type": "appliance", "mac_address": "0" * 41},
        {"deployment_type": "appliance", "mac_address": "FF:FF:FF:FF:FF:FF"},
        {"deployment_type": "appliance", "mac_address": "00:1A:2B:3C:4D:5E"},
        {"deployment_type": "smbc"},
        {"deployment_type": "va", "system_id": "A"},
        {"deployment_type": "va", "system_id": "A" * 65},
    ):
        yield gateway_problems(GatewayForm(**values), lambda normal: True)
    for address, port in (("", ""), ("?", "0"), ("a" * 254, "1" * 11)):
        yield pbx_problems(PbxForm("", address, port))
        yield pbx_problems(PbxForm("asterisk", address, port))
        yield sync_problems(SyncForm(address, port))


def test_every_rule_message_is_in_the_catalog_and_every_one_is_used():
    used = set(_email_keys())
    for form in _broken_forms():
        problems = customer_problems(form, is_claimed_elsewhere=lambda normal: True)
        used |= {problem.key for problem in problems.values()}
    for problems in _broken_later_steps():
        used |= {problem.key for problem in problems.values()}
    assert used <= set(CATALOG["en"])
    assert used == set(CATALOG["en"]) - LABEL_KEYS
