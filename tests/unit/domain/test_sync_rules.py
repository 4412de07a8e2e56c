"""The Sync step's system address and port: the PBX step's rules, their own words."""

from cloudlink_app.domain.forms import SyncForm
from cloudlink_app.domain.pbx import validate_sync as _validate_sync
from cloudlink_app.domain.pbx import validate_sync_draft as _validate_sync_draft
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_sync = in_english(_validate_sync)
validate_sync_draft = in_english(_validate_sync_draft)

PORT_RANGE = "Enter a port number from 1 to 65535"


def test_a_complete_step_has_no_errors():
    assert validate_sync(SyncForm("smbc.example.com", "443")) == {}
    assert validate_sync(SyncForm(" 192.0.2.20 ", "4443")) == {}
    assert validate_sync(SyncForm("[2001:db8::20]", "65535")) == {}


def test_address_and_port_are_required_in_page_order():
    assert validate_sync(SyncForm()) == {
        "sync_address": "Enter the system address",
        "sync_port": "Enter the port number",
    }


def test_the_address_is_an_ip_address_or_host_name():
    assert validate_sync(SyncForm("smbc.example.com:443", "443")) == {
        "sync_address": (
            "Enter the system address as an IP address or host name, "
            "like smbc.example.com or 192.0.2.20"
        )
    }
    assert validate_sync(SyncForm("a" * 254, "443")) == {
        "sync_address": "System address must be 253 characters or fewer"
    }


def test_the_port_is_from_1_to_65535():
    for typed in ("0", "65536", "https", "4 43"):
        assert validate_sync(SyncForm("smbc.example.com", typed)) == {"sync_port": PORT_RANGE}


def test_a_draft_keeps_only_the_hard_limits():
    assert validate_sync_draft(SyncForm()) == {}
    assert validate_sync_draft(SyncForm("x:y", "0")) == {}
    assert validate_sync_draft(SyncForm("a" * 254, "1" * 11)) == {
        "sync_address": "System address must be 253 characters or fewer",
        "sync_port": PORT_RANGE,
    }
