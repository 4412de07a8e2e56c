"""Which addresses "Check connection" may connect to (no server-side request forgery)."""

import ipaddress

import pytest

from cloudlink_app.domain.network import CLASSES, classify, target_allowed

EXAMPLES = {
    "public": [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "172.15.255.255",  # just outside 172.16.0.0/12
        "172.32.0.0",
        "100.63.255.255",  # just outside 100.64.0.0/10
        "2001:4860:4860::8888",
        "2a00:1450:4001::1",
        "::ffff:8.8.8.8",  # IPv4-mapped public
        "64:ff9b::808:808",  # NAT64 of 8.8.8.8
        "2002:808:808::1",  # 6to4 of 8.8.8.8
    ],
    "private": [
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.10",
        "100.64.0.1",  # CGNAT
        "100.127.255.254",
        "192.0.2.10",  # documentation
        "198.51.100.1",
        "203.0.113.7",
        "198.18.0.1",  # benchmarking
        "fc00::1",
        "fd12:3456:789a::1",
        "fec0::1",  # deprecated site-local
        "2001:db8::1",  # documentation
        "3fff::1",
    ],
    "loopback": ["127.0.0.1", "127.255.255.254", "::1"],
    "link_local": ["169.254.0.1", "169.254.255.254", "fe80::1", "febf::1"],
    "metadata": [
        "169.254.169.254",
        "169.254.170.2",
        "fd00:ec2::254",
        "fd00:ec2::23",
        "100.100.100.200",
        "168.63.129.16",
    ],
    "forbidden": [
        "0.0.0.0",
        "0.1.2.3",
        "::",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.0.9",
        "192.88.99.1",
        "ff02::1",
        "ff0e::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:0.0.0.0",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b:1::a00:1",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "100::1",
        "::127.0.0.1",  # IPv4-compatible, deprecated
        "5f00::1",
    ],
}
CASES = [(ip, kind) for kind, ips in EXAMPLES.items() for ip in ips]


def test_every_class_has_examples():
    assert set(EXAMPLES) == set(CLASSES)


@pytest.mark.parametrize(("ip", "kind"), CASES)
def test_classes(ip, kind):
    assert classify(ipaddress.ip_address(ip)) == kind


@pytest.mark.parametrize(("ip", "kind"), CASES)
def test_what_may_be_checked(ip, kind):
    address = ipaddress.ip_address(ip)
    assert target_allowed(address, allow_private=False) == (kind == "public")
    assert target_allowed(address, allow_private=True) == (
        kind in ("public", "private", "loopback")
    )


def test_a_zone_does_not_change_the_class():
    assert classify(ipaddress.ip_address("fe80::1%eth0")) == "link_local"
    scoped_metadata = ipaddress.ip_address("fd00:ec2::254%1")
    assert classify(scoped_metadata) == "metadata"
    assert not target_allowed(scoped_metadata, allow_private=True)
