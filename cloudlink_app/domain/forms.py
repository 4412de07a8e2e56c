"""What the Customer step holds, as plain data shared by rules, services and states.

Rows carry a stable ``id`` (never reused within a form) so that errors, focus and
removal refer to a row, not to its current position.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

from cloudlink_app.domain import limits

# Field ids of the Customer step; they are the HTML ids of the inputs too.
CUSTOMER_NAME = "customer_name"
COUNTRY = "country"
STREET_ADDRESS = "street_address"
ADDRESS_LINE2 = "address_line2"
CITY = "city"
STATE_PROVINCE = "state_province"
POSTAL_CODE = "postal_code"
BUSINESS_TYPE = "business_type"
DEFAULT_LANGUAGE = "default_language"
# Group ids: errors about a whole list (e.g. a missing role) are keyed by these.
EMAIL_DOMAINS = "email_domains"
ADMIN_CONTACTS = "admin_contacts"
SUPPORT_CONTACTS = "support_contacts"
SUPPORT_MISSING_MAINTAINER = "support_contacts-maintainer"
SUPPORT_MISSING_ONSITE_ADMIN = "support_contacts-onsite_admin"

# The address fields in page order; the Gateway step's site address has them prefixed.
ADDRESS_FIELDS = (COUNTRY, STREET_ADDRESS, ADDRESS_LINE2, CITY, STATE_PROVINCE, POSTAL_CODE)

SCALAR_FIELDS = (CUSTOMER_NAME, *ADDRESS_FIELDS, BUSINESS_TYPE, DEFAULT_LANGUAGE)

# Support contact roles, stored by these keys.
ROLE_MAINTAINER = "maintainer"
ROLE_ONSITE_ADMIN = "onsite_admin"
ROLE_OTHER = "other"
ROLES = (ROLE_MAINTAINER, ROLE_ONSITE_ADMIN, ROLE_OTHER)


def domain_field(row_id: int) -> str:
    """Field id of the email domain input of a row."""
    return f"email_domain-{row_id}"


def admin_field(row_id: int, part: str) -> str:
    """Field id of an admin contact input; part is first_name, last_name or email."""
    return f"admin-{row_id}-{part}"


def support_field(row_id: int, part: str) -> str:
    """Field id of a support contact input; part is role, name or email."""
    return f"support-{row_id}-{part}"


@dataclasses.dataclass
class DomainRow:
    """One email domain as typed."""

    id: int
    value: str = ""


@dataclasses.dataclass
class AdminContactRow:
    """One admin contact as typed."""

    id: int
    first_name: str = ""
    last_name: str = ""
    email: str = ""


@dataclasses.dataclass
class SupportContactRow:
    """One support contact as typed; role is one of ROLES or "" when not chosen."""

    id: int
    role: str = ""
    name: str = ""
    email: str = ""


@dataclasses.dataclass
class CustomerForm:
    """Everything the Customer step shows, exactly as the user typed it."""

    customer_name: str = ""
    country: str = ""
    street_address: str = ""
    address_line2: str = ""
    city: str = ""
    state_province: str = ""
    postal_code: str = ""
    business_type: str = ""
    default_language: str = ""
    email_domains: list[DomainRow] = dataclasses.field(default_factory=list)
    admin_contacts: list[AdminContactRow] = dataclasses.field(default_factory=list)
    support_contacts: list[SupportContactRow] = dataclasses.field(default_factory=list)


# ----- rows: one mechanism for the three lists -------------------------------------------


@dataclasses.dataclass(frozen=True)
class RowKind:
    """One list of rows of the Customer step: its row type, the parts a user types
    or chooses (with the longest value each takes), and how many rows must stay."""

    name: str  # the form's attribute, e.g. "admin_contacts"
    row_type: type
    field_id: Callable[[int, str], str]
    max_length: dict[str, int]
    choices: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    min_rows: int = 0

    @property
    def first_part(self) -> str:
        """The part a new row's focus goes to."""
        return next(iter(self.max_length))

    def field_ids(self, row_id: int) -> list[str]:
        """The field ids of one row."""
        return [self.field_id(row_id, part) for part in self.max_length]


ROW_KINDS: dict[str, RowKind] = {
    kind.name: kind
    for kind in (
        RowKind(
            EMAIL_DOMAINS,
            DomainRow,
            lambda row_id, _part: domain_field(row_id),
            {"value": limits.DOMAIN_MAX},
        ),
        RowKind(
            ADMIN_CONTACTS,
            AdminContactRow,
            admin_field,
            {
                "first_name": limits.NAME_MAX,
                "last_name": limits.NAME_MAX,
                "email": limits.EMAIL_MAX,
            },
            min_rows=1,
        ),
        RowKind(
            SUPPORT_CONTACTS,
            SupportContactRow,
            support_field,
            {"role": max(map(len, ROLES)), "name": limits.NAME_MAX, "email": limits.EMAIL_MAX},
            choices={"role": ROLES},
        ),
    )
}


def with_default_rows(form: CustomerForm) -> CustomerForm:
    """The form as the page shows it: a new form starts with one admin contact and
    two support contacts (Maintainer, Onsite Admin), as the rules require them anyway;
    every row gets a fresh id, so ids never repeat within the form."""
    ids = itertools.count(1)
    admins = form.admin_contacts or [AdminContactRow(id=0)]
    support = form.support_contacts or [
        SupportContactRow(id=0, role=ROLE_MAINTAINER),
        SupportContactRow(id=0, role=ROLE_ONSITE_ADMIN),
    ]
    return dataclasses.replace(
        form,
        email_domains=[dataclasses.replace(r, id=next(ids)) for r in form.email_domains],
        admin_contacts=[dataclasses.replace(r, id=next(ids)) for r in admins],
        support_contacts=[dataclasses.replace(r, id=next(ids)) for r in support],
    )


def next_row_id(form: CustomerForm) -> int:
    """An id no row of the form has yet."""
    ids = [row.id for name in ROW_KINDS for row in getattr(form, name)]
    return max(ids, default=0) + 1


# ----- the steps after the Customer step -----------------------------------------------

SITE_NAME = "site_name"
SITE_SAME_ADDRESS = "site_same_address"
# The site's own address uses the Customer step's address fields with this prefix.
SITE_PREFIX = "site_"
DEPLOYMENT_TYPE = "deployment_type"
MAC_ADDRESS = "mac_address"
SYSTEM_ID = "system_id"
PBX_TYPE = "pbx_type"
PBX_ADDRESS = "pbx_address"
PBX_PORT = "pbx_port"
CONNECTION = "connection"  # errors about the Connect step's check as a whole
SYNC_ADDRESS = "sync_address"
SYNC_PORT = "sync_port"
SYNCHRONISATION = "synchronisation"  # errors about the Sync step as a whole


@dataclasses.dataclass
class GatewayForm:
    """The Gateway step ("configure the customer site") as typed."""

    site_name: str = ""
    site_same_address: bool = True
    site_country: str = ""
    site_street_address: str = ""
    site_address_line2: str = ""
    site_city: str = ""
    site_state_province: str = ""
    site_postal_code: str = ""
    deployment_type: str = ""
    mac_address: str = ""
    system_id: str = ""


@dataclasses.dataclass
class PbxForm:
    """The PBX step as typed; the port is text as typed until it is checked."""

    pbx_type: str = ""
    pbx_address: str = ""
    pbx_port: str = ""


@dataclasses.dataclass
class SyncForm:
    """The Sync step's system address and port as typed."""

    sync_address: str = ""
    sync_port: str = ""


def address_parts(form: CustomerForm | GatewayForm, prefix: str = "") -> tuple[str, ...]:
    """The address fields of a form as typed, in the order of ADDRESS_FIELDS (the
    arguments of address.address_problems); the site's with prefix SITE_PREFIX."""
    return tuple(getattr(form, prefix + field) for field in ADDRESS_FIELDS)
