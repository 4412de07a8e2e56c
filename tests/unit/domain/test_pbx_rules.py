"""The PBX step: the PBX type, its address (IPv4, IPv6 or host name, one normal form)
and port (1-65535, a default per type)."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlink_app.domain.forms import PbxForm, SyncForm
from cloudlink_app.domain.pbx import (
    DEFAULT_PORTS,
    PBX_TYPES,
    HostError,
    PortError,
    normalize_host,
    parse_port,
    pbx_type_options,
)
from cloudlink_app.domain.pbx import (
    validate_pbx as _validate_pbx,
)
from cloudlink_app.domain.pbx import (
    validate_pbx_draft as _validate_pbx_draft,
)
from cloudlink_app.domain.pbx import (
    validate_sync as _validate_sync,
)
from cloudlink_app.domain.pbx import (
    validate_sync_draft as _validate_sync_draft,
)
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_pbx = in_english(_validate_pbx)
validate_pbx_draft = in_english(_validate_pbx_draft)
validate_sync = in_english(_validate_sync)
validate_sync_draft = in_english(_validate_sync_draft)

ADDRESS_FORMAT = (
    "Enter the PBX address as an IP address or host name, like pbx.example.com or 192.0.2.10"
)
PORT_RANGE = "Enter a port number from 1 to 65535"
COMPLETE = PbxForm(pbx_type="mivoice_business", pbx_address="pbx.example.com", pbx_port="3999")


def _form(**changes):
    return dataclasses.replace(COMPLETE, **changes)


# PBX types and their default ports


def test_pbx_types_and_their_labels():
    assert PBX_TYPES == (
        ("mivoice_business", "MiVoice Business"),
        ("mivoice_office_400", "MiVoice Office 400"),
        ("mivoice_office_250", "MiVoice Office 250"),
        ("mivoice_connect", "MiVoice Connect"),
        ("mivoice_5000", "MiVoice 5000"),
        ("mivoice_mx_one", "MiVoice MX-ONE"),
    )
    assert pbx_type_options("en") == list(PBX_TYPES)


def test_every_pbx_type_has_a_default_port_that_passes_the_rules():
    assert set(DEFAULT_PORTS) == {key for key, _ in PBX_TYPES}
    for pbx_type, port in DEFAULT_PORTS.items():
        assert validate_pbx(_form(pbx_type=pbx_type, pbx_port=str(port))) == {}


# Port


@pytest.mark.parametrize(
    ("typed", "port"),
    [("1", 1), ("443", 443), (" 3999 ", 3999), ("65535", 65535), ("08080", 8080)],
)
def test_a_port_is_a_number_from_1_to_65535(typed, port):
    assert parse_port(typed) == port


@pytest.mark.parametrize(
    "typed",
    [
        "0",
        "65536",
        "99999",
        "-1",
        "+80",
        "80.0",
        "1e3",
        "0x50",
        "8 0",
        "eighty",
        "٨٠",
        "８０",
        "1" * 11,
        "9" * 10_000,
    ],
)
def test_what_is_not_a_port(typed):
    with pytest.raises(PortError) as raised:
        parse_port(typed)
    assert raised.value.key == "port.range"


def test_a_port_is_required():
    with pytest.raises(PortError) as raised:
        parse_port("  ")
    assert raised.value.key == "port.required"
    assert validate_pbx(_form(pbx_port="")) == {"pbx_port": "Enter the port number"}


@pytest.mark.parametrize("typed", ["0", "65536", "http", "1" * 11])
def test_a_wrong_port_says_the_range(typed):
    assert validate_pbx(_form(pbx_port=typed)) == {"pbx_port": PORT_RANGE}


# Address: one normal form


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("192.0.2.10", "192.0.2.10"),
        (" 192.0.2.10 ", "192.0.2.10"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("::1", "::1"),
        ("pbx.example.com", "pbx.example.com"),
        ("PBX.Example.COM.", "pbx.example.com"),
        ("pbx-01.acme.nl", "pbx-01.acme.nl"),
        ("1.pbx.acme.nl", "1.pbx.acme.nl"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("例子。广告", "xn--fsqu00a.xn--4rr70v"),
        ("pbx1", "pbx1"),  # a single label is a host name too
        ("localhost", "localhost"),
    ],
)
def test_an_address_has_one_normal_form(typed, normal):
    assert normalize_host(typed) == normal
    assert normalize_host(normal) == normal
    assert validate_pbx(_form(pbx_address=typed)) == {}


@pytest.mark.parametrize(
    "typed",
    [
        "192.0.2.256",
        "192.0.2",
        "192.0.2.010",  # leading zeros are read as octal by some tools
        "10.1",
        "0x7f000001",
        "2130706433",
        "[192.0.2.10]",
        "[pbx.example.com]",
        "[2001:db8::1",
        "2001:db8::1::2",
        "fe80::1%eth0",  # a zone names an interface of the user's machine
        "pbx.example.com:5060",
        "https://pbx.example.com",
        "pbx.example.com/admin",
        "user@pbx.example.com",
        "pbx_1.example.com",
        "pbx example.com",
        "pbx..example.com",
        ".example.com",
        "-pbx.example.com",
        "pbx-.example.com",
        "pbx.123",
        "a" * 64 + ".example.com",
        "😀.example",
        "\x00",
    ],
)
def test_what_is_not_an_address(typed):
    with pytest.raises(HostError) as raised:
        normalize_host(typed)
    assert raised.value.key == "pbx_address.format"


def test_the_address_messages():
    assert validate_pbx(_form(pbx_address="")) == {"pbx_address": "Enter the PBX address"}
    assert validate_pbx(_form(pbx_address="http://pbx")) == {"pbx_address": ADDRESS_FORMAT}
    too_long = ".".join(["a" * 63] * 4) + ".nl"
    assert validate_pbx(_form(pbx_address=too_long)) == {
        "pbx_address": "PBX address must be 253 characters or fewer"
    }


def test_a_short_unicode_name_can_be_too_long_as_a_labels():
    typed = ".".join(["bücher" * 8] * 5) + ".example"  # 248 characters typed
    assert len(typed) <= 253
    with pytest.raises(HostError) as raised:
        normalize_host(typed)
    assert raised.value.key == "pbx_address.too_long"
    assert validate_pbx(_form(pbx_address=typed)) == {
        "pbx_address": "PBX address must be 253 characters or fewer"
    }


def test_the_error_keys_follow_the_field():
    with pytest.raises(HostError) as raised:
        normalize_host("?", prefix="sync_address")
    assert raised.value.key == "sync_address.format"


# PBX type


@pytest.mark.parametrize(("typed", "key"), [("", "required"), ("asterisk", "unknown")])
def test_the_pbx_type_is_one_of_the_list(typed, key):
    assert validate_pbx(_form(pbx_type=typed)) == {"pbx_type": "Select the PBX type"}


# Everything at once


def test_a_complete_step_has_no_errors():
    assert validate_pbx(COMPLETE) == {}
    assert validate_pbx(_form(pbx_address="[2001:db8::10]", pbx_port=" 443 ")) == {}


def test_errors_come_in_page_order():
    assert list(validate_pbx(PbxForm())) == ["pbx_type", "pbx_address", "pbx_port"]


def test_a_draft_keeps_only_the_hard_limits():
    assert validate_pbx_draft(PbxForm()) == {}
    assert validate_pbx_draft(PbxForm(pbx_address="http://x", pbx_port="0")) == {}
    form = PbxForm(pbx_type="asterisk", pbx_address="a" * 254, pbx_port="1" * 11)
    assert validate_pbx_draft(form) == {
        "pbx_type": "Select the PBX type",
        "pbx_address": "PBX address must be 253 characters or fewer",
        "pbx_port": PORT_RANGE,
    }
    assert set(validate_pbx_draft(PbxForm(pbx_address="pbx\x00"))) == {"pbx_address"}


# Any input at all


TEXT = st.one_of(
    st.sampled_from(["", "mivoice_business", "pbx.example.com", "[::1]", "443", "0"]),
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.sampled_from(["x" * 100_000, "9" * 10_000, "\x00" * 100, "ü." * 500]),
)


@settings(max_examples=200, deadline=None)
@given(st.builds(PbxForm, pbx_type=TEXT, pbx_address=TEXT, pbx_port=TEXT))
def test_the_rules_answer_any_form_and_a_draft_needs_no_more_than_next(form):
    errors = validate_pbx(form)
    assert validate_pbx_draft(form).items() <= errors.items()
    sync = SyncForm(form.pbx_address, form.pbx_port)
    assert validate_sync_draft(sync).items() <= validate_sync(sync).items()
    # What passes the rules has a normal form (what the services store).
    if "pbx_address" not in errors:
        assert normalize_host(normalize_host(form.pbx_address)) == normalize_host(form.pbx_address)
    if "pbx_port" not in errors:
        assert 1 <= parse_port(form.pbx_port) <= 65535
