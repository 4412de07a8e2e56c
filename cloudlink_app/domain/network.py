"""Which addresses "Check connection" may connect to: the policy, as pure functions.

The check opens a TCP connection from our server to an address a user typed, so without
a policy it would let any partner probe our own network and the cloud's metadata
service (server-side request forgery). The classes, checked in this order:

- "public": globally routable unicast; always allowed.
- "metadata": cloud instance metadata and platform services (169.254.169.254,
  169.254.170.2, fd00:ec2::/32, 100.100.100.200, 168.63.129.16); never allowed, even
  where they lie in a private or public range.
- "loopback": 127.0.0.0/8, ::1; allowed only with allow_private.
- "link_local": 169.254.0.0/16, fe80::/10; never allowed: a PBX is not reached that way
  from a server, and this is where metadata services live.
- "private": RFC 1918, shared address space 100.64.0.0/10 (CGNAT), unique local
  fc00::/7 and the deprecated site-local fec0::/10, and also the documentation
  (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20) and
  benchmarking (198.18.0.0/15) ranges: none of these is on the internet, yet labs and
  demo networks use them, so they are allowed only with allow_private (demo mode).
- "forbidden": everything else that is not globally routable unicast: unspecified,
  "this network" 0.0.0.0/8, multicast, broadcast, reserved (240.0.0.0/4, IETF protocol
  assignments, discard-only), and IPv6 addresses that embed an IPv4 address
  (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) when that IPv4 address is not
  public. One that embeds a public IPv4 address is public.

The lists are written out rather than taken from ``ipaddress.is_global`` alone because
that changed between Python releases (multicast counts as global on 3.11).
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PUBLIC = "public"
PRIVATE = "private"
LOOPBACK = "loopback"
LINK_LOCAL = "link_local"
METADATA = "metadata"
FORBIDDEN = "forbidden"
CLASSES = (PUBLIC, PRIVATE, LOOPBACK, LINK_LOCAL, METADATA, FORBIDDEN)


def _networks(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


_METADATA = _networks(
    "169.254.169.254/32",  # AWS, Google Cloud, Azure, OpenStack, Oracle, DigitalOcean
    "169.254.170.2/32",  # AWS ECS task metadata
    "fd00:ec2::/32",  # AWS over IPv6: metadata fd00:ec2::254, DNS, time
    "100.100.100.200/32",  # Alibaba Cloud
    "168.63.129.16/32",  # Azure platform (WireServer)
)
_PRIVATE = _networks(
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "192.0.2.0/24",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "198.18.0.0/15",
    "fc00::/7",
    "fec0::/10",
    "2001:db8::/32",
    "3fff::/20",
)
_FORBIDDEN = _networks(
    "0.0.0.0/8",
    "192.0.0.0/24",
    "192.88.99.0/24",  # deprecated 6to4 relay anycast
    "224.0.0.0/4",
    "240.0.0.0/4",  # reserved, with the broadcast address 255.255.255.255
    "::/8",  # reserved; loopback and IPv4-mapped are classified before
    "100::/64",
    "2001::/23",  # IETF protocol assignments: Teredo, ORCHID and the like
    "64:ff9b:1::/48",  # local-use NAT64
    "5f00::/16",
    "ff00::/8",
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def classify(ip: IPAddress) -> str:
    """The policy class of an address: one of CLASSES (see the module's docstring)."""
    if isinstance(ip, ipaddress.IPv6Address):
        # A zone ("%eth0") does not change where the address points.
        ip = ipaddress.IPv6Address(int(ip))
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return PUBLIC if classify(embedded) == PUBLIC else FORBIDDEN
    if _within(ip, _METADATA):
        return METADATA
    if ip.is_loopback:
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if _within(ip, _PRIVATE):
        return PRIVATE
    if (
        _within(ip, _FORBIDDEN)
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
        or not ip.is_global
    ):
        return FORBIDDEN
    return PUBLIC


def target_allowed(ip: IPAddress, allow_private: bool) -> bool:
    """Whether "Check connection" may connect to ``ip``: public addresses always,
    loopback and private ones only when ``allow_private`` (demo mode), link-local,
    metadata and forbidden ones never."""
    kind = classify(ip)
    return kind == PUBLIC or (allow_private and kind in (LOOPBACK, PRIVATE))


def single_label_name(host: str) -> bool:
    """Whether ``host`` (a host in normalize_host's normal form) is a name of one label,
    such as "pbx" or "intranet". Outside demo mode such names are not looked up: the
    resolver would complete them with the server's own search domains, and so reach
    (and let a user map) the names of our own network."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "." not in host.removesuffix(".")
    return False


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def _within(ip: IPAddress, networks) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)
