"""The rules of sign-in throttling (domain/throttle.py): what failures are counted by,
the client's address behind trusted proxies (the same answer as Reflex's own), the
growing delay, and the CLOUDLINK_TRUSTED_PROXY_HOPS setting that reaches Reflex."""

from __future__ import annotations

import datetime
import runpy
from pathlib import Path

import pytest
from reflex.app import EventNamespace
from reflex_base.config import get_config

from cloudlink_app import settings
from cloudlink_app.domain import throttle

ROOT = Path(__file__).resolve().parents[3]

# ----- address_key ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("203.0.113.7:51234", "203.0.113.7"),
        # One IPv6 subscriber: every address of the /64 is one key.
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::1]:443", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::1", "::/64"),
        # IPv4 clients of a dual-stack socket: counted as the IPv4 address.
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("::ffff:cb00:7107", "203.0.113.7"),
        # Not an address: its own key.
        ("testclient", "testclient"),
        ("", ""),
        (None, ""),
        (42, ""),
    ],
)
def test_address_key(address, key):
    assert throttle.address_key(address) == key


def test_neighbouring_ipv6_networks_are_different_keys():
    assert throttle.address_key("2001:db8:1:2::1") != throttle.address_key("2001:db8:1:3::1")
    assert throttle.address_key("203.0.113.7") != throttle.address_key("203.0.113.8")


# ----- client_address ---------------------------------------------------------------

XFF = "198.51.100.1, 192.0.2.10, 10.0.0.2"


@pytest.mark.parametrize(
    ("scope_ip", "forwarded", "hops", "client"),
    [
        # No trusted proxy: the header is the sender's to write, so it is ignored.
        ("10.0.0.9", XFF, 0, "10.0.0.9"),
        ("10.0.0.9", None, 0, "10.0.0.9"),
        # One proxy appends what it saw: the last entry.
        ("10.0.0.9", XFF, 1, "10.0.0.2"),
        ("10.0.0.9", XFF, 2, "192.0.2.10"),
        ("10.0.0.9", XFF, 3, "198.51.100.1"),
        # Fewer entries than proxies: the connection's address (as Reflex does).
        ("10.0.0.9", XFF, 4, "10.0.0.9"),
        ("10.0.0.9", None, 1, "10.0.0.9"),
        ("10.0.0.9", "", 1, "10.0.0.9"),
        ("10.0.0.9", " , ,", 1, "10.0.0.9"),
        ("10.0.0.9", " 2001:db8::5 ", 1, "2001:db8::5"),
        (None, None, 0, ""),
    ],
)
def test_client_address(scope_ip, forwarded, hops, client):
    assert throttle.client_address(scope_ip, forwarded, hops) == client


def test_a_spoofed_entry_left_of_the_proxys_is_not_the_client():
    # The client sent "X-Forwarded-For: 1.2.3.4"; the one trusted proxy appended it.
    assert throttle.client_address("10.0.0.9", "1.2.3.4, 203.0.113.7", 1) == "203.0.113.7"


@pytest.mark.parametrize("hops", [-1, 1.0, "1", True, None])
def test_client_address_refuses_a_bad_number_of_hops(hops):
    with pytest.raises(ValueError, match="hops"):
        throttle.client_address("10.0.0.9", XFF, hops)


@pytest.mark.parametrize("hops", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("forwarded", [XFF, "", "203.0.113.7", " a , ,b"])
def test_client_address_agrees_with_reflex(monkeypatch, hops, forwarded):
    """router.session.client_ip of a websocket (Reflex) and client_address of an HTTP
    request (ours) are the same address."""
    monkeypatch.setattr(get_config(), "trusted_proxy_hops", hops)
    environ = {
        "asgi.scope": {
            "client": ("10.0.0.9", 40000),
            "headers": [(b"x-forwarded-for", forwarded.encode())],
        }
    }
    reflex_ip = EventNamespace._build_static_router_data(None, "sid", environ)["ip"]  # type: ignore[arg-type]
    assert throttle.client_address("10.0.0.9", forwarded, hops) == reflex_ip


# ----- the growing delay ------------------------------------------------------------

LIMIT = throttle.Limit(free=5, first_delay=1.0, max_delay=60.0)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (8, 8), (9, 16), (10, 32), (11, 60), (500, 60)],
)
def test_delay_after(failures, delay):
    assert throttle.delay_after(failures, LIMIT) == delay


def test_wait_left_counts_from_the_last_failure():
    last = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)

    def after(seconds: float) -> datetime.datetime:
        return last + datetime.timedelta(seconds=seconds)

    assert throttle.wait_left(7, last, LIMIT, after(seconds=1)) == 3.0
    assert throttle.wait_left(7, last, LIMIT, after(seconds=3.5)) == 0.5
    assert throttle.wait_left(7, last, LIMIT, after(seconds=4)) == 0.0
    assert throttle.wait_left(4, last, LIMIT, last) == 0.0
    assert throttle.wait_left(0, None, LIMIT, last) == 0.0


@pytest.mark.parametrize(
    "arguments",
    [{"free": 0}, {"free": 5, "first_delay": 0}, {"free": 5, "first_delay": 2, "max_delay": 1}],
)
def test_a_limit_that_would_lock_out_or_never_wait_is_refused(arguments):
    with pytest.raises(ValueError):
        throttle.Limit(**arguments)


# ----- CLOUDLINK_TRUSTED_PROXY_HOPS -------------------------------------------------


@pytest.mark.parametrize(("value", "hops"), [(None, 0), ("", 0), ("0", 0), (" 2 ", 2), ("10", 10)])
def test_the_number_of_proxy_hops_is_read(value, hops):
    environ = {} if value is None else {"CLOUDLINK_TRUSTED_PROXY_HOPS": value}
    assert settings.from_environ(environ).trusted_proxy_hops == hops


@pytest.mark.parametrize("value", ["-1", "1.5", "one", "true", "11", "0x1", "١"])
def test_a_bad_number_of_proxy_hops_stops_the_app(value):
    with pytest.raises(settings.SettingsError) as raised:
        settings.from_environ({"CLOUDLINK_TRUSTED_PROXY_HOPS": value})
    assert raised.value.variable == "CLOUDLINK_TRUSTED_PROXY_HOPS"
    assert "reverse proxies" in str(raised.value)


@pytest.mark.parametrize("hops", [-1, 11, True, "1"])
def test_settings_refuse_a_bad_number_of_hops(hops):
    with pytest.raises(settings.SettingsError):
        settings.Settings(trusted_proxy_hops=hops)  # type: ignore[arg-type]


@pytest.mark.parametrize("hops", [0, 2])
def test_rxconfig_gives_reflex_the_number_of_hops(hops):
    with settings.override(trusted_proxy_hops=hops):
        config = runpy.run_path(str(ROOT / "rxconfig.py"))["config"]
    assert config.trusted_proxy_hops == hops


# ----- the per-account limit -------------------------------------------------------

START = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)


def test_many_addresses_get_a_few_guesses_an_hour_at_one_account():
    """ACCOUNT_LIMIT over ACCOUNT_WINDOW, as its comment says: an attacker who tries
    whenever the wait is over (from any number of addresses) gets 22 guesses in the
    first hour and 4 an hour after that."""
    limit, window = throttle.ACCOUNT_LIMIT, throttle.ACCOUNT_WINDOW
    moment, failures = START, []
    end = START + datetime.timedelta(hours=24)
    while moment < end:
        recent = [f for f in failures if f > moment - window]
        wait = throttle.wait_left(len(recent), recent[-1] if recent else None, limit, moment)
        if wait:
            moment += datetime.timedelta(seconds=wait)
            continue
        failures.append(moment)
        moment += datetime.timedelta(milliseconds=1)
    hours = [int((f - START).total_seconds() // 3600) for f in failures]
    per_hour = [hours.count(hour) for hour in range(24)]
    assert per_hour[0] == 22 and set(per_hour[1:]) == {4}, per_hour
