"""Single sign-on for a partner (OpenID Connect): the partner's provider, the email
domains it covers, and the sign-ins under way (services/sso.py, services/sso_config.py)."""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cloudlink_app.models.times import utc_now


class PartnerSso(SQLModel, table=True):
    """A partner's OpenID Connect provider, configured by an operator with
    ``python -m cloudlink_app.accounts configure-sso``."""

    __tablename__ = "partner_sso"

    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    issuer: str = Field(max_length=500)
    client_id: str = Field(max_length=255)
    # AES-GCM with a key derived from CLOUDLINK_SECRET_KEY (services/sso_config.py):
    # the database alone does not hold the client secret.
    client_secret_encrypted: str = Field(max_length=2000)
    # An unknown address of a covered domain becomes a partner user with no customers.
    allow_new_users: bool = Field(default=False)
    # A password sign-in is refused for the covered domains.
    require_sso: bool = Field(default=False)
    updated_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )


class SsoDomain(SQLModel, table=True):
    """An email domain (lower case) whose addresses sign in through a partner's
    provider; a domain belongs to one partner at most."""

    __tablename__ = "sso_domain"

    domain: str = Field(max_length=253, primary_key=True)
    partner_id: int = Field(foreign_key="partner_sso.partner_id", index=True)


class SsoRequest(SQLModel, table=True):
    """A single sign-on under way: what the callback checks. Only keyed hashes of the
    ``state`` and of the browser's cookie are stored; it is spent by its first callback."""

    __tablename__ = "sso_request"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    browser_hash: str = Field(max_length=64)
    partner_id: int = Field(foreign_key="partner.id")
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=200)
    next_path: str = Field(default="", max_length=300)
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    used_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
