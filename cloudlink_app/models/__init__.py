"""SQLModel tables, one module per concern (accounts, customers, mail, the team, the search index),
all on SQLModel's one metadata; this package names them all, so that
``from cloudlink_app.models import Customer`` works wherever a table is needed.
"""

from __future__ import annotations

from reflex.model import ModelRegistry
from sqlmodel import SQLModel

from cloudlink_app.models.accounts import (
    AppUser,
    Partner,
    PasswordToken,
    SignInAttempt,
    UserSession,
)
from cloudlink_app.models.customers import (
    AdminContact,
    ConnectionCheck,
    Customer,
    EmailDomain,
    SaveRecord,
    SupportContact,
)
from cloudlink_app.models.mail import OutboxMessage, ProblemReport
from cloudlink_app.models.search import (
    ENTRY_TABLE,
    SEARCH_TABLE,
    SQLITE_SEARCH_DDL,
    CustomerSearchEntry,
)
from cloudlink_app.models.sso import PartnerSso, SsoDomain, SsoRequest
from cloudlink_app.models.team import TeamEvent, UserCustomer
from cloudlink_app.models.times import as_utc, utc_now, utc_now_or

__all__ = [
    "ENTRY_TABLE",
    "SEARCH_TABLE",
    "SQLITE_SEARCH_DDL",
    "AdminContact",
    "AppUser",
    "ConnectionCheck",
    "Customer",
    "CustomerSearchEntry",
    "EmailDomain",
    "OutboxMessage",
    "Partner",
    "PartnerSso",
    "PasswordToken",
    "ProblemReport",
    "SaveRecord",
    "SignInAttempt",
    "SsoDomain",
    "SsoRequest",
    "SupportContact",
    "TeamEvent",
    "UserCustomer",
    "UserSession",
    "as_utc",
    "utc_now",
    "utc_now_or",
]

# Reflex's migrations read the tables from its registry; they all share one metadata.
ModelRegistry.register(SQLModel)
