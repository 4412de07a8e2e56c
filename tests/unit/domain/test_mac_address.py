"""The gateway's MAC address: any common notation, one normal form, unicast only."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlink_app.domain.gateway import MacError, normalize_mac

NORMAL = "00:1A:2B:3C:4D:5E"


@pytest.mark.parametrize(
    "typed",
    [
        "00:1A:2B:3C:4D:5E",
        "00:1a:2b:3c:4d:5e",
        "00-1A-2B-3C-4D-5E",
        "00-1a-2b-3c-4d-5e",
        "0:1a:2b:3c:4d:5e",  # macOS leaves out leading zeros
        "001a.2b3c.4d5e",  # Cisco
        "001A.2B3C.4D5E",
        "001a-2b3c-4d5e",  # HPE Comware
        "001a2b-3c4d5e",  # HP ProCurve
        "001A2B3C4D5E",
        "001a2b3c4d5e",
        "  00:1A:2B:3C:4D:5E  ",
        "\t001a.2b3c.4d5e\n",
    ],
)
def test_every_common_notation_has_one_normal_form(typed):
    assert normalize_mac(typed) == NORMAL


def test_the_normal_form_is_its_own_normal_form():
    assert normalize_mac(NORMAL) == NORMAL


def test_single_digit_octets_are_padded():
    assert normalize_mac("2:0:c:d:e:f") == "02:00:0C:0D:0E:0F"


def test_a_locally_administered_address_is_accepted():
    assert normalize_mac("02:00:00:00:00:01") == "02:00:00:00:00:01"


@pytest.mark.parametrize(
    "typed",
    [
        "00:1A:2B:3C:4D",  # five octets
        "00:1A:2B:3C:4D:5E:6F",  # seven
        "00:1A:2B:3C:4D:5G",  # not hexadecimal
        "00:1A-2B:3C:4D:5E",  # mixed separators
        "00.1A.2B.3C.4D.5E",  # dots only between groups of four
        "00 1A 2B 3C 4D 5E",
        "00:1A:2B:3C:4D:5E:",
        ":00:1A:2B:3C:4D:5E",
        "001:A2B:3C4:D5E",
        "001a.2b3c-4d5e",
        "001A2B3C4D5",
        "001A2B3C4D5E0",
        "000:1A:2B:3C:4D:5E",
        "0x001A2B3C4D5E",
        "００:１Ａ:２Ｂ:３Ｃ:４Ｄ:５Ｅ",  # full-width digits
        "00:1A:2B:3C:4D:5E / 00:1A:2B:3C:4D:5F",
        "gateway",
        "x" * 10_000,
    ],
)
def test_what_is_not_a_mac_address(typed):
    with pytest.raises(MacError) as raised:
        normalize_mac(typed)
    assert raised.value.key == "mac_address.format"


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_value_is_required(typed):
    with pytest.raises(MacError) as raised:
        normalize_mac(typed)
    assert raised.value.key == "mac_address.required"


@pytest.mark.parametrize(
    "typed",
    [
        "00:00:00:00:00:00",
        "000000000000",
        "FF:FF:FF:FF:FF:FF",  # broadcast
        "ffff.ffff.ffff",
        "01:00:5E:00:00:FB",  # IPv4 multicast (mDNS)
        "33:33:00:00:00:01",  # IPv6 multicast
        "01:80:C2:00:00:0E",  # LLDP
        "03:00:00:00:00:00",  # multicast and locally administered
    ],
)
def test_a_gateway_has_a_unicast_address(typed):
    with pytest.raises(MacError) as raised:
        normalize_mac(typed)
    assert raised.value.key == "mac_address.not_unicast"


def test_the_error_is_a_problem_to_show():
    with pytest.raises(MacError) as raised:
        normalize_mac("nope")
    assert raised.value.problem.key == "mac_address.format"
    assert isinstance(raised.value, ValueError)


UNICAST_OCTETS = st.lists(st.integers(0, 255), min_size=6, max_size=6).filter(
    lambda octets: any(octets) and not octets[0] & 1
)


@settings(max_examples=200, deadline=None)
@given(UNICAST_OCTETS, st.booleans())
def test_every_notation_of_any_unicast_address_gives_the_same_normal_form(octets, lower):
    hex_ = "".join(f"{octet:02x}" if lower else f"{octet:02X}" for octet in octets)
    pairs = [hex_[i : i + 2] for i in range(0, 12, 2)]
    quads = [hex_[i : i + 4] for i in range(0, 12, 4)]
    normal = ":".join(pair.upper() for pair in pairs)
    for typed in (
        ":".join(pairs),
        "-".join(pairs),
        ".".join(quads),
        "-".join(quads),
        hex_[:6] + "-" + hex_[6:],
        hex_,
    ):
        assert normalize_mac(typed) == normal
