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
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.limits import MAX_ROWS
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


# The keys of the rules' messages in domain/ and of the labels of their fixed choices
# (the list domain/messages.py kept until nothing read it): every one has an English
# text, and the rules use exactly the messages among them.
MESSAGE_KEYS = (
    "customer_name.required",
    "customer_name.too_long",
    "country.required",
    "country.unknown",
    "street_address.required",
    "street_address.too_long",
    "address_line2.too_long",
    "city.required",
    "city.too_long",
    "state_province.required",
    "state_province.select",
    "state_province.too_long",
    "postal_code.required",
    "postal_code.format",
    "postal_code.too_long",
    "business_type.required",
    "business_type.unknown",
    "default_language.required",
    "default_language.unknown",
    "email_domain.required",
    "email_domain.format",
    "email_domain.too_long",
    "email_domain.public",
    "email_domain.duplicate",
    "email_domain.claimed",
    "email_domains.too_many",
    "email.required",
    "email.format",
    "email.too_long",
    "admin_contacts.required",
    "admin_contacts.too_many",
    "admin.first_name.required",
    "admin.first_name.too_long",
    "admin.last_name.required",
    "admin.last_name.too_long",
    "admin.email.required",
    "admin.email.too_long",
    "admin.email.duplicate",
    "support_contacts.too_many",
    "support_contacts.missing_maintainer",
    "support_contacts.missing_onsite_admin",
    "support.role.required",
    "support.role.unknown",
    "support.name.required",
    "support.name.too_long",
    "support.email.required",
    "support.email.too_long",
    "support.email.duplicate",
    "text.unstorable",
    "site_name.required",
    "site_name.too_long",
    "deployment_type.required",
    "deployment_type.unknown",
    "mac_address.required",
    "mac_address.format",
    "mac_address.too_long",
    "mac_address.not_unicast",
    "mac_address.claimed",
    "system_id.required",
    "system_id.format",
    "system_id.too_long",
    "pbx_type.required",
    "pbx_type.unknown",
    "pbx_address.required",
    "pbx_address.format",
    "pbx_address.too_long",
    "sync_address.required",
    "sync_address.format",
    "sync_address.too_long",
    "port.required",
    "port.range",
    "port.too_long",
    "business_type.agriculture",
    "business_type.construction",
    "business_type.education",
    "business_type.energy",
    "business_type.finance",
    "business_type.government",
    "business_type.healthcare",
    "business_type.hospitality",
    "business_type.information_technology",
    "business_type.manufacturing",
    "business_type.media",
    "business_type.non_profit",
    "business_type.professional_services",
    "business_type.real_estate",
    "business_type.retail",
    "business_type.transport",
    "business_type.other",
    "language.en",
    "language.nl",
    "language.fr",
    "language.de",
    "language.es",
    "language.it",
    "language.pt",
    "language.pl",
    "language.sv",
    "language.da",
    "role.maintainer",
    "role.onsite_admin",
    "role.other",
    "deployment_type.appliance",
    "deployment_type.smbc",
    "deployment_type.va",
    "pbx_type.mivoice_business",
    "pbx_type.mivoice_office_400",
    "pbx_type.mivoice_office_250",
    "pbx_type.mivoice_connect",
    "pbx_type.mivoice_5000",
    "pbx_type.mivoice_mx_one",
)


# Their English texts, which these tests read (CATALOG["en"] of domain/messages.py was).
ENGLISH = {key: t(key, "en") for key in MESSAGE_KEYS}


def test_every_one_of_these_keys_has_an_english_text():
    assert [key for key, text in ENGLISH.items() if text == key] == []


def _all_messages():
    for key, text in ENGLISH.items():
        yield "en", key, text


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
    assert set(ENGLISH) >= LABEL_KEYS


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
    assert used <= set(ENGLISH)
    assert used == set(ENGLISH) - LABEL_KEYS
