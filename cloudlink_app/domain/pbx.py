"""PBX step and Sync step rules: the system's type, its address and port.

An address is an IPv4 or IPv6 address (an IPv6 one with or without brackets) or a host
name; it is stored in one normal form (normalize_host) so that the connection check and
the review show exactly what will be used.
"""

from __future__ import annotations

import functools
import ipaddress
import re

import idna

from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, Text, t
from cloudlink_app.domain.limits import (
    DOMAIN_MAX,
    Problem,
    ProblemError,
    Problems,
    choice_problem,
    hard_limits,
    problems_found,
    texts,
    typed_problem,
)

HOST_MAX = DOMAIN_MAX  # a host name's limit (RFC 1035); every IP address is shorter
# What a port field may store as typed (models.Customer.pbx_port / sync_port).
PORT_TYPED_MAX = 10
PORT_MIN = 1
PORT_MAX = 65535

_PBX_TYPE_KEYS = (
    "mivoice_business",
    "mivoice_office_400",
    "mivoice_office_250",
    "mivoice_connect",
    "mivoice_5000",
    "mivoice_mx_one",
)
PBX_TYPES: tuple[tuple[str, str], ...] = tuple(
    (key, t(f"pbx_type.{key}", DEFAULT_LANGUAGE)) for key in _PBX_TYPE_KEYS
)

# The port filled in when a PBX type is chosen: the port each system's third-party
# call-control interface listens on as shipped. They are defaults only: the partner
# changes the port when the customer's PBX is configured otherwise.
DEFAULT_PORTS: dict[str, int] = {
    "mivoice_business": 3999,  # MiTAI / CSTA application interface
    "mivoice_office_400": 7001,  # CSTA
    "mivoice_office_250": 4000,  # OAI
    "mivoice_connect": 443,  # HTTPS API of the headquarters server
    "mivoice_5000": 3211,  # CSTA
    "mivoice_mx_one": 8882,  # CSTA phase III, XML
}

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DIGITS = re.compile(r"[0-9]+")


class HostError(ProblemError):
    """A value that is not an IP address or host name; ``key`` says why."""


class PortError(ProblemError):
    """A value that is not a port number; ``key`` says why."""


def pbx_type_options(lang: str = "en") -> list[tuple[str, str]]:
    """PBX types as (key, label in ``lang``)."""
    return [(key, t(f"pbx_type.{key}", lang)) for key in _PBX_TYPE_KEYS]


def normalize_host(value: str, *, prefix: str = "pbx_address") -> str:
    """The stored form of a typed system address.

    An IP address comes back in its compressed canonical form ("2001:db8::1", brackets
    dropped); a host name as lower-case IDNA A-labels without a trailing dot
    ("xn--bcher-kva.example"). A host name may be a single label ("pbx1"), but its last
    label must start with a letter, so that no numeric form ("10.1", "0x7f000001") is
    taken for a name. Raises HostError with the keys ``{prefix}.required``,
    ``{prefix}.too_long`` or ``{prefix}.format``.
    """
    text = value.strip()
    if not text:
        raise HostError(f"{prefix}.required")
    if len(text) > HOST_MAX:
        raise HostError(f"{prefix}.too_long", max=HOST_MAX)
    bracketed = text.startswith("[") and text.endswith("]")
    candidate = text[1:-1] if bracketed else text
    address = _ip_address(candidate)
    if address is not None:
        if bracketed and address.version != 6:
            raise HostError(f"{prefix}.format")
        return str(address)
    if bracketed:
        raise HostError(f"{prefix}.format")
    return _host_name(text, prefix)


def _ip_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A zone ("fe80::1%eth0") names an interface of the user's machine, not ours.
    if getattr(address, "scope_id", None):
        return None
    return address


def _host_name(text: str, prefix: str) -> str:
    try:
        # UTS 46 maps case and full-width dots; STD3 rules refuse "_", "/", ":", "@"
        # and spaces, so URLs and host:port are not taken for names.
        normal = idna.encode(text, uts46=True, std3_rules=True).decode("ascii")
    except idna.IDNAError as error:
        if error.code == "domain_too_long":
            raise HostError(f"{prefix}.too_long", max=HOST_MAX) from None
        raise HostError(f"{prefix}.format") from None
    except UnicodeError:
        raise HostError(f"{prefix}.format") from None
    labels = normal.removesuffix(".").split(".")
    if not all(_LABEL.fullmatch(label) for label in labels) or not labels[-1][0].isalpha():
        raise HostError(f"{prefix}.format")
    name = ".".join(labels)
    if len(name) > HOST_MAX:
        raise HostError(f"{prefix}.too_long", max=HOST_MAX)
    return name


def parse_port(value: str) -> int:
    """The port number of a typed port: digits only, spaces around allowed, 1 to 65535.
    Raises PortError ("port.required" or "port.range")."""
    text = value.strip()
    if not text:
        raise PortError("port.required")
    # Checked before int(): no huge number is built from a paste, and no non-ASCII
    # digits ("٨٠") are taken for a port.
    if len(text) > PORT_TYPED_MAX or not _DIGITS.fullmatch(text):
        raise PortError("port.range")
    port = int(text)
    if not PORT_MIN <= port <= PORT_MAX:
        raise PortError("port.range")
    return port


def pbx_problems(form: forms.PbxForm) -> Problems:
    """Every problem of the PBX step, keyed by field id, in page order."""
    return problems_found(
        {
            forms.PBX_TYPE: choice_problem(form.pbx_type, _PBX_TYPE_KEYS, "pbx_type"),
            **_system_checks(forms.PBX_ADDRESS, form.pbx_address, forms.PBX_PORT, form.pbx_port),
        }
    )


def sync_problems(form: forms.SyncForm) -> Problems:
    """Every problem of the Sync step's system address and port, in page order."""
    return problems_found(
        _system_checks(forms.SYNC_ADDRESS, form.sync_address, forms.SYNC_PORT, form.sync_port)
    )


def validate_pbx(form: forms.PbxForm) -> dict[str, Text]:
    """Messages for every field of the PBX step that breaks a rule (what Next checks)."""
    return texts(pbx_problems(form))


def validate_sync(form: forms.SyncForm) -> dict[str, Text]:
    """Messages for the Sync step's address and port when they break a rule."""
    return texts(sync_problems(form))


def validate_pbx_draft(form: forms.PbxForm) -> dict[str, Text]:
    """Messages that stop "Save and return" on the PBX step: the hard limits only."""
    return texts(hard_limits(pbx_problems(form)))


def validate_sync_draft(form: forms.SyncForm) -> dict[str, Text]:
    """Messages that stop "Save and return" on the Sync step: the hard limits only."""
    return texts(hard_limits(sync_problems(form)))


def _system_checks(
    address_field: str, address: str, port_field: str, port: str
) -> dict[str, Problem | None]:
    # An address's message keys are its field id's ("pbx_address.format"); a port's
    # are the same on both steps ("port.range").
    normalize = functools.partial(normalize_host, prefix=address_field)
    return {
        address_field: typed_problem(address, HOST_MAX, address_field, normalize),
        port_field: typed_problem(port, PORT_TYPED_MAX, "port", parse_port),
    }
