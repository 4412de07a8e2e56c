"""Forms that pass every rule, one builder per wizard step, and what a connection
check finds.

`valid_form` is the one valid Customer step of the tests: a test that needs a broken
one changes a field of it (``valid_form(country="XX")``) so the change is the point.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from typing import Any

from cloudlink_app.domain import forms, wizard_path
from cloudlink_app.models import utc_now
from cloudlink_app.services import wizard
from cloudlink_app.services.connection import ConnectionResult

_numbers = itertools.count(1)


def unique_number() -> int:
    """A number no other caller of the test run got (for unique domains and MACs)."""
    return next(_numbers)


def valid_form(
    name: str = "Acme Trading BV", domain: str = "acme.example", **changes: Any
) -> forms.CustomerForm:
    """A Customer step that passes every rule (a Dutch address), for customer ``name``
    with the email domain ``domain`` ("" for none; the contacts' addresses stay at
    acme.example then), then ``changes`` to its fields."""
    mail = domain or "acme.example"
    form = forms.CustomerForm(
        customer_name=name,
        country="NL",
        street_address="Keizersgracht 1",
        city="Amsterdam",
        postal_code="1012ab",
        business_type="retail",
        default_language="nl",
        email_domains=[forms.DomainRow(1, domain)] if domain else [],
        admin_contacts=[forms.AdminContactRow(2, "Ada", "Lovelace", f"ada@{mail}")],
        support_contacts=[
            forms.SupportContactRow(3, forms.ROLE_MAINTAINER, "Mo Main", f"mo@{mail}"),
            forms.SupportContactRow(4, forms.ROLE_ONSITE_ADMIN, "Olga Site", f"olga@{mail}"),
        ],
    )
    return dataclasses.replace(form, **changes)


def unique_mac() -> str:
    """A unicast MAC address (normal form) no other customer of the test run has."""
    n = unique_number()
    return "02:00:00:00:" + f"{n >> 8 & 0xFF:02X}:{n & 0xFF:02X}"


def gateway_form(
    deployment: str = wizard_path.APPLIANCE,
    mac: str | None = None,
    system_id: str = "SMBC-0042",
    **changes: Any,
) -> forms.GatewayForm:
    """A Gateway step that passes every rule (the site at the customer's address)."""
    form = forms.GatewayForm(
        site_name="Head office",
        deployment_type=deployment,
        mac_address=(mac or unique_mac()) if deployment == wizard_path.APPLIANCE else "",
        system_id=system_id if deployment != wizard_path.APPLIANCE else "",
    )
    return dataclasses.replace(form, **changes)


def pbx_form(
    address: str = "pbx.acme.example", port: str = "3999", pbx_type: str = "mivoice_business"
) -> forms.PbxForm:
    """A PBX step that passes every rule."""
    return forms.PbxForm(pbx_type=pbx_type, pbx_address=address, pbx_port=port)


def sync_form(address: str = "smbc.acme.example", port: str = "4443") -> forms.SyncForm:
    """A Sync step's address and port that pass every rule."""
    return forms.SyncForm(sync_address=address, sync_port=port)


def result(
    outcome: str = wizard.REACHABLE, port: int = 3999, at: datetime.datetime | None = None
) -> ConnectionResult:
    """What a connection check found."""
    return ConnectionResult(outcome, "192.0.2.10", port, 12.5, at or utc_now())
