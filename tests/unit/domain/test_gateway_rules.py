"""The Gateway step: site name, the site's own address, the deployment type and the
gateway's MAC address (unique) or the SMBC/VA system ID."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlink_app.domain.forms import GatewayForm
from cloudlink_app.domain.gateway import (
    DEPLOYMENT_TYPES,
    SystemIdError,
    deployment_type_options,
    gateway_problems,
    normalize_system_id,
)
from cloudlink_app.domain.gateway import (
    validate_gateway as _validate_gateway,
)
from cloudlink_app.domain.gateway import (
    validate_gateway_draft as _validate_gateway_draft,
)
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_gateway = in_english(_validate_gateway)
validate_gateway_draft = in_english(_validate_gateway_draft)

CLAIMED = "This MAC address is already used by another customer's gateway"
MAC_FORMAT = "Enter the MAC address in the correct format, like 00:1A:2B:3C:4D:5E"
SYSTEM_ID_FORMAT = (
    "System ID must be 4 to 64 letters, digits and dashes, "
    "starting and ending with a letter or digit"
)
APPLIANCE = GatewayForm(
    site_name="Head office", deployment_type="appliance", mac_address="00:1A:2B:3C:4D:5E"
)
SMBC = GatewayForm(site_name="Head office", deployment_type="smbc", system_id="SMBC-0042")
SITE_ADDRESS = {
    "site_same_address": False,
    "site_country": "NL",
    "site_street_address": "Keizersgracht 1",
    "site_city": "Amsterdam",
    "site_postal_code": "1015 CJ",
}


def _form(base=APPLIANCE, **changes):
    return dataclasses.replace(base, **changes)


# The choices


def test_deployment_types_and_their_labels():
    assert DEPLOYMENT_TYPES == (
        ("appliance", "Gateway appliance"),
        ("smbc", "SMB Controller (SMBC)"),
        ("va", "Virtual Appliance (VA)"),
    )
    assert deployment_type_options("en") == list(DEPLOYMENT_TYPES)
    assert deployment_type_options("xx") == list(DEPLOYMENT_TYPES)  # falls back


# Complete forms


@pytest.mark.parametrize(
    "form",
    [
        APPLIANCE,
        SMBC,
        _form(SMBC, deployment_type="va"),
        _form(**SITE_ADDRESS),
        _form(mac_address=" 001a.2b3c.4d5e "),
        _form(site_name=" " + "s" * 100 + " "),
    ],
)
def test_a_complete_step_has_no_errors(form):
    assert validate_gateway(form) == {}


# Site name


def test_the_site_name_is_required():
    assert validate_gateway(_form(site_name="  ")) == {"site_name": "Enter the site name"}


def test_the_site_name_has_a_length_limit():
    assert validate_gateway(_form(site_name="s" * 101)) == {
        "site_name": "Site name must be 100 characters or fewer"
    }


# The site's address


def test_the_customer_address_needs_no_site_fields():
    form = _form(site_same_address=True, site_country="XX", site_postal_code="?" * 50)
    assert validate_gateway(form) == {}


def test_an_own_site_address_follows_the_customer_step_rules_with_prefixed_ids():
    assert validate_gateway(_form(site_same_address=False)) == {
        "site_country": "Select the country",
        "site_street_address": "Enter the street address",
    }
    form = _form(**{**SITE_ADDRESS, "site_city": "", "site_postal_code": "1015"})
    assert validate_gateway(form) == {
        "site_city": "Enter the city",
        "site_postal_code": "Postal code must be in the format 1234 AB",
    }


def test_an_own_site_address_uses_the_country_state_list():
    form = _form(
        site_same_address=False,
        site_country="US",
        site_street_address="1 Main St",
        site_city="Burlington",
        site_state_province="XX",
        site_postal_code="05401",
    )
    assert validate_gateway(form) == {"site_state_province": "Select the state or province"}
    assert validate_gateway(dataclasses.replace(form, site_state_province="VT")) == {}


# Deployment type


@pytest.mark.parametrize(
    ("typed", "key"), [("", "required"), ("  ", "required"), ("router", "unknown")]
)
def test_the_deployment_type_is_one_of_the_list(typed, key):
    form = _form(deployment_type=typed, mac_address="", system_id="")
    problems = gateway_problems(form, lambda normal: False)
    assert problems["deployment_type"].key == f"deployment_type.{key}"
    # Neither the MAC address nor the system ID is shown before a type is chosen.
    assert validate_gateway(form) == {"deployment_type": "Select the deployment type"}


# MAC address (appliance)


def test_an_appliance_needs_a_mac_address():
    assert validate_gateway(_form(mac_address="")) == {
        "mac_address": "Enter the MAC address of the gateway appliance"
    }


@pytest.mark.parametrize("typed", ["00:1A:2B:3C:4D", "00:1A:2B:3C:4D:5E:6F:70", "?"])
def test_a_mac_address_has_a_format(typed):
    assert validate_gateway(_form(mac_address=typed)) == {"mac_address": MAC_FORMAT}


def test_a_huge_mac_address_is_a_format_error():
    assert validate_gateway(_form(mac_address="0" * 100_000)) == {"mac_address": MAC_FORMAT}


def test_a_mac_address_belongs_to_one_device():
    errors = validate_gateway(_form(mac_address="FF:FF:FF:FF:FF:FF"))
    assert errors == {
        "mac_address": (
            "Enter the MAC address from the label on the gateway appliance: "
            "this address does not belong to a single device"
        )
    }


def test_a_mac_address_claimed_elsewhere_never_names_the_other_customer():
    asked = []

    def claimed(normal):
        asked.append(normal)
        return True

    errors = validate_gateway(_form(mac_address="001a.2b3c.4d5e"), claimed)
    assert errors == {"mac_address": CLAIMED}
    assert asked == ["00:1A:2B:3C:4D:5E"]  # asked about the normal form only


def test_only_a_correct_mac_address_is_looked_up():
    asked = []
    validate_gateway(_form(mac_address="nope"), asked.append)
    validate_gateway(_form(mac_address="00:00:00:00:00:00"), asked.append)
    validate_gateway(_form(SMBC, mac_address="00:1A:2B:3C:4D:5E"), asked.append)
    assert asked == []


def test_the_system_id_is_not_checked_for_an_appliance():
    assert validate_gateway(_form(system_id="?" * 100)) == {}


# System ID (SMBC and VA)


@pytest.mark.parametrize("deployment", ["smbc", "va"])
def test_smbc_and_va_need_a_system_id(deployment):
    form = _form(SMBC, deployment_type=deployment, system_id="", mac_address="nope")
    assert validate_gateway(form) == {"system_id": "Enter the system ID"}


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("SMBC-0042", "SMBC-0042"),
        (" smbc-0042 ", "SMBC-0042"),
        ("7f3a22c1", "7F3A22C1"),
        ("ab-1", "AB-1"),
        ("A1B2", "A1B2"),
        ("a" * 64, "A" * 64),
        ("A--B", "A--B"),
    ],
)
def test_a_system_id_is_stored_upper_case(typed, normal):
    assert normalize_system_id(typed) == normal
    assert validate_gateway(_form(SMBC, system_id=typed)) == {}


@pytest.mark.parametrize(
    "typed",
    ["ABC", "-ABCD", "ABCD-", "AB CD", "AB_CD", "ABCD.1", "straße1", "ÄBCD", "ＡＢＣＤ"],
)
def test_what_is_not_a_system_id(typed):
    with pytest.raises(SystemIdError) as raised:
        normalize_system_id(typed)
    assert raised.value.key == "system_id.format"
    assert validate_gateway(_form(SMBC, system_id=typed)) == {"system_id": SYSTEM_ID_FORMAT}


def test_a_system_id_has_a_length_limit():
    assert validate_gateway(_form(SMBC, system_id="A" * 65)) == {
        "system_id": "System ID must be 64 characters or fewer"
    }


def test_the_mac_address_is_not_checked_for_smbc():
    assert validate_gateway(_form(SMBC, mac_address="nope")) == {}


# Everything at once


def test_errors_come_in_page_order():
    form = GatewayForm(
        site_name="",
        site_same_address=False,
        site_country="NL",
        deployment_type="appliance",
        mac_address="",
    )
    assert list(validate_gateway(form)) == [
        "site_name",
        "site_street_address",
        "site_city",
        "site_postal_code",
        "mac_address",
    ]


def test_unstorable_text_is_refused_everywhere():
    form = _form(site_name="Head\x00office", mac_address="00:1A\x00")
    errors = validate_gateway(form)
    assert set(errors) == {"site_name", "mac_address"}
    assert all("hidden characters" in message for message in errors.values())


# Save and return


def test_a_draft_may_be_incomplete():
    assert validate_gateway_draft(GatewayForm()) == {}
    form = GatewayForm(
        site_same_address=False,
        site_country="NL",
        site_postal_code="1",
        deployment_type="appliance",
        mac_address="00:1A",
    )
    assert validate_gateway_draft(form) == {}
    assert validate_gateway_draft(_form(SMBC, system_id="AB")) == {}


def test_a_draft_keeps_the_hard_limits():
    form = GatewayForm(
        site_name="s" * 101,
        site_same_address=False,
        site_country="XX",
        site_street_address="s" * 201,
        deployment_type="appliance",
        mac_address="0" * 41,
    )
    assert validate_gateway_draft(form) == {
        "site_name": "Site name must be 100 characters or fewer",
        "site_country": "Select the country",
        "site_street_address": "Street address must be 200 characters or fewer",
        "mac_address": MAC_FORMAT,
    }
    assert validate_gateway_draft(_form(deployment_type="router")) == {
        "deployment_type": "Select the deployment type"
    }
    assert validate_gateway_draft(_form(SMBC, system_id="A" * 65)) == {
        "system_id": "System ID must be 64 characters or fewer"
    }


def test_a_draft_never_looks_up_the_mac_address():
    # The claim is checked on Next; a draft has no callback to ask.
    assert validate_gateway_draft(APPLIANCE) == {}


# Any input at all


TEXT = st.one_of(
    st.sampled_from(["", "appliance", "smbc", "va", "NL", "00:1A:2B:3C:4D:5E", "A1B2"]),
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.sampled_from(["x" * 100_000, "\x00" * 100, "😀" * 1_000]),
)


@settings(max_examples=200, deadline=None)
@given(
    st.builds(
        GatewayForm,
        site_name=TEXT,
        site_same_address=st.booleans(),
        site_country=TEXT,
        site_street_address=TEXT,
        site_postal_code=TEXT,
        deployment_type=TEXT,
        mac_address=TEXT,
        system_id=TEXT,
    )
)
def test_the_rules_answer_any_form_and_a_draft_needs_no_more_than_next(form):
    errors = validate_gateway(form, lambda normal: True)
    draft = validate_gateway_draft(form)
    assert all(isinstance(message, str) and message for message in errors.values())
    assert draft.items() <= errors.items()
