"""Demo data for sales engineers: two partners, their users and 29 believable customers
at every stage of the wizard, loaded once.

    python -m cloudlink_app.demo_data          # load when there are no customers yet
    python -m cloudlink_app.demo_data --reset  # delete every customer, load again; only
                                               # where every partner is a demo partner

accounts    the demo users and their password (the sign-in page lists them in demo mode)
records     the demo partners and customers, as records: who they are, how far they got
onboarding  one demo customer saved through the services step by step, checked by the rules
loader      load(): every demo customer onboarded, all or nothing, then moved into the week
"""

from cloudlink_app.demo_data.loader import NotADemoDatabase, load
from cloudlink_app.demo_data.onboarding import DemoDataError
from cloudlink_app.demo_data.records import (
    ACCOUNT_ADMIN_CUSTOMER,
    ACCOUNT_ADMIN_EMAIL,
    CUSTOMERS,
    PARTNERS,
    SECOND_PARTNER_CUSTOMERS,
    SECOND_PARTNER_EMAIL,
    DemoCustomer,
)

__all__ = [
    "ACCOUNT_ADMIN_CUSTOMER",
    "ACCOUNT_ADMIN_EMAIL",
    "CUSTOMERS",
    "PARTNERS",
    "SECOND_PARTNER_CUSTOMERS",
    "SECOND_PARTNER_EMAIL",
    "DemoCustomer",
    "DemoDataError",
    "NotADemoDatabase",
    "load",
]
