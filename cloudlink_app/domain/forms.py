"""What the Customer step holds, as plain data shared by rules, services and states.

Rows carry a stable ``id`` (never reused within a form) so that errors, focus and
removal refer to a row, not to its current position.
"""

from __future__ import annotations

import dataclasses

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

SCALAR_FIELDS = (
    CUSTOMER_NAME,
    COUNTRY,
    STREET_ADDRESS,
    ADDRESS_LINE2,
    CITY,
    STATE_PROVINCE,
    POSTAL_CODE,
    BUSINESS_TYPE,
    DEFAULT_LANGUAGE,
)

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
