"""Who signs in: partners, their users, sessions, one-time links, failed sign-ins."""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.models.times import utc_now


class Partner(SQLModel, table=True):
    """A reseller organisation whose users onboard customers."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Made by the demo data (demo_data.accounts): its users sign in only in demo mode,
    # and outside demo mode the app does not start while one exists.
    is_demo: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class AppUser(SQLModel, table=True):
    """A person who signs in: a partner user, or an account admin of one customer."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX, unique=True)  # any case: ux_app_user_email_lower
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20)  # "partner_admin", "partner" or "account_admin"
    partner_id: int = Field(foreign_key="partner.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    # Argon2id hash (argon2-cffi); "" means the user cannot sign in with a password.
    password_hash: str = Field(default="", max_length=200)
    # False once deactivated (python -m cloudlink_app.accounts deactivate): such a user
    # cannot sign in and has no live session.
    active: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # The UI language they chose last ("en", "nl"; None: never); their pages open in it.
    ui_language: str | None = Field(default=None, max_length=8)
    # A partner user sees every customer of the partner, or only the ones selected for
    # them (models.team.UserCustomer; services/owned_customers.py). Account admins: unused.
    all_customers: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # When they were last mailed about failed sign-ins (services/sign_in_alerts.py).
    sign_in_alert_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(True))
    # Single sign-on (services/sso.py): the provider's issuer and ``sub`` of this user,
    # recorded at their first single sign-on (matched by email then, by these after).
    sso_issuer: str | None = Field(default=None, max_length=500)
    sso_subject: str | None = Field(default=None, max_length=255)


sa.Index("ux_app_user_email_lower", sa.func.lower(sa.inspect(AppUser).c.email), unique=True)
_user_columns = sa.inspect(AppUser).c
sa.Index(
    "ux_app_user_sso_subject", _user_columns.sso_issuer, _user_columns.sso_subject, unique=True
)


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only a keyed hash of its token is stored, so the table
    alone cannot be used to sign in."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    expires_at: datetime.datetime = Field(sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class PasswordToken(SQLModel, table=True):
    """A one-time link to set a password (a new user, a reset). Only a keyed hash of its
    token is stored; it is spent (``used_at``) by the first use and expires."""

    __tablename__ = "password_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    purpose: str = Field(max_length=20)  # "new_user", "reset" or "invitation"
    created_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
    expires_at: datetime.datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # A link that is emailed (services/outbox.py) is made from this random seed and the
    # app's secret key when the message is sent or shown (services/links.py): the
    # database alone holds no usable link.
    link_seed: str | None = Field(default=None, max_length=64)


class SignInAttempt(SQLModel, table=True):
    """A failed sign-in, by email and by address: what slows down guessing."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_at", "email", "attempted_at"),
        sa.Index("ix_sign_in_attempt_address_at", "address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX)
    address: str = Field(max_length=64)
    attempted_at: datetime.datetime = Field(
        default_factory=utc_now, sa_type=sa.DateTime(timezone=True)
    )
