"""Signing in with a partner's own identity provider (OpenID Connect, Authorization
Code flow with PKCE, ``state`` and ``nonce``); the HTTP side is
cloudlink_app/http/sso.py, the provider side services/sso_tokens.py.

- ``start``: for an email whose domain a partner's single sign-on covers, a sign-in
  under way (models.SsoRequest: keyed hashes of the state and of a random value kept in
  this browser's HttpOnly cookie, the nonce and the PKCE verifier) and the provider's
  authorization URL. The only thing it tells about the email is its domain's coverage.
- ``finish``: the callback. The state must be a live request of this browser, spent by
  its first use (a replayed or foreign state is refused); the code is exchanged, the ID
  token verified; then who gets in: an active user of that partner, matched by the
  provider's ``sub`` once they signed in with it, by email the first time; with
  ``allow_new_users`` an unknown address of a covered domain becomes a partner user with
  no customers. Deactivated users, other partners' users and demo accounts outside demo
  mode stay out. Sign-in throttling (services/signing_in.py) applies: a refusal counts
  as a failed sign-in of the address (and of the email, once known).
- Every refusal is logged with its reason for the operators; the browser only gets an
  error code (routes.SIGN_IN_SSO_*).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import hashlib
import hmac
import logging
import secrets

import sqlalchemy as sa
from reflex.config import get_config
from sqlmodel import Session, col, select

from cloudlink_app import routes
from cloudlink_app import settings as app_settings
from cloudlink_app.domain import permissions
from cloudlink_app.domain.contacts import EmailError, email_key, normalize_email
from cloudlink_app.domain.limits import storable
from cloudlink_app.models import AppUser, SsoRequest, utc_now, utc_now_or
from cloudlink_app.services import (
    database,
    links,
    secret_key,
    sessions,
    signing_in,
    sso_config,
    sso_tokens,
    users,
)

REQUEST_LIFETIME = datetime.timedelta(minutes=10)
BROWSER_COOKIE_SECONDS = int(REQUEST_LIFETIME.total_seconds())
VALUE_MAX = 2048  # the longest state, code or cookie value read

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Started:
    """A sign-in under way: send the browser to ``url`` with ``browser`` in its cookie."""

    url: str
    browser: str


@dataclasses.dataclass(frozen=True)
class Finished:
    """The callback's outcome: a session token and its user, or an error code."""

    token: str | None = None
    user: users.CurrentUser | None = None
    next_path: str = ""
    error: str = ""


class SsoRefused(Exception):
    """A sign-in through the provider refused: ``error`` for the browser (a sign-in
    error code), ``reason`` for the operators' log."""

    def __init__(self, error: str, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


def _hash(kind: str, value: str) -> str:
    message = f"sso-{kind}\x00{value}".encode()
    return hmac.new(secret_key.secret_key(), message, hashlib.sha256).hexdigest()


def redirect_uri() -> str:
    """The callback's public address, which the provider sends the browser back to."""
    # The links' address (REFLEX_DEPLOY_URL); else Reflex's deploy_url, where the
    # pages are served and /auth/ is answered too (the browser tests' harness).
    base = links.base_url() or get_config().deploy_url
    if not base:
        raise SsoRefused(routes.SIGN_IN_SSO_FAILED, "REFLEX_DEPLOY_URL is not set")
    return base.rstrip("/") + routes.AUTH_SSO_CALLBACK


def covered(email: object) -> bool:
    """Whether a partner's single sign-on covers ``email``'s domain."""
    with database.get_session() as session:
        return sso_config.partner_for_email(session, email) is not None


def _begin(email: object, next_path: str) -> tuple[sso_config.SsoSettings, SsoRequest, str, str]:
    with database.get_session() as session:
        partner_id = sso_config.partner_for_email(session, email)
        if partner_id is None:
            raise SsoRefused(routes.SIGN_IN_SSO_FAILED, "the email's domain is not covered")
        settings = sso_config.settings_for_partner(session, partner_id)
        assert settings is not None
        state, browser = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        request = SsoRequest(
            state_hash=_hash("state", state),
            browser_hash=_hash("browser", browser),
            partner_id=partner_id,
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
            next_path=next_path,
        )
        session.add(request)
        session.execute(
            sa.delete(SsoRequest).where(
                col(SsoRequest.created_at) < utc_now() - datetime.timedelta(days=1)
            )
        )
        session.commit()
        session.refresh(request)
        return settings, request, state, browser


async def start(email: object, next_path: str) -> Started:
    """A new sign-in through the provider covering ``email``'s domain; SsoRefused when
    none does, ProviderUnavailable when the provider does not answer."""
    settings, request, state, browser = await asyncio.to_thread(_begin, email, next_path)
    url = await sso_tokens.authorization_url(
        settings,
        redirect_uri(),
        state=state,
        nonce=request.nonce,
        code_verifier=request.code_verifier,
        login_hint=email if isinstance(email, str) else "",
    )
    return Started(url=url, browser=browser)


def _spend(state: object, browser: object, address: str, now: datetime.datetime) -> SsoRequest:
    """The sign-in under way that ``state`` names, spent now (once only)."""
    with database.get_session() as session:
        if signing_in.throttle_wait(session, "", address, now) > 0:
            raise SsoRefused(routes.SIGN_IN_THROTTLED, "too many failed sign-ins from the address")
        if not isinstance(state, str) or not state or len(state) > VALUE_MAX:
            raise SsoRefused(routes.SIGN_IN_SSO_EXPIRED, "no state")
        request = session.exec(
            select(SsoRequest).where(SsoRequest.state_hash == _hash("state", state))
        ).first()
        if request is None:
            raise SsoRefused(routes.SIGN_IN_SSO_EXPIRED, "an unknown state")
        if not isinstance(browser, str) or not hmac.compare_digest(
            request.browser_hash, _hash("browser", browser)
        ):
            raise SsoRefused(routes.SIGN_IN_SSO_EXPIRED, "the state of another browser")
        spent = session.execute(
            sa.update(SsoRequest)
            .where(col(SsoRequest.id) == request.id, col(SsoRequest.used_at).is_(None))
            .values(used_at=now)
        )
        session.commit()
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            raise SsoRefused(routes.SIGN_IN_SSO_EXPIRED, "a state used already (replayed)")
        created = request.created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=datetime.UTC)
        if now - created > REQUEST_LIFETIME:
            raise SsoRefused(routes.SIGN_IN_SSO_EXPIRED, "a state past its lifetime")
        session.expunge(request)
        return request


def _settings(partner_id: int) -> sso_config.SsoSettings:
    with database.get_session() as session:
        settings = sso_config.settings_for_partner(session, partner_id)
    if settings is None:
        raise SsoRefused(routes.SIGN_IN_SSO_FAILED, "the partner's single sign-on was removed")
    return settings


def admit(
    session: Session,
    settings: sso_config.SsoSettings,
    identity: sso_tokens.Identity,
    now: datetime.datetime | None = None,
) -> AppUser:
    """The user ``identity`` signs in as, for the partner of ``settings``: found by
    (issuer, sub), else by email (and the subject recorded), else made when the partner
    allows new users; SsoRefused otherwise. The caller commits."""
    try:
        email = normalize_email(identity.email)
    except EmailError:
        raise SsoRefused(
            routes.SIGN_IN_SSO_NOT_ALLOWED, "the provider's email is not valid"
        ) from None
    if not storable(email):
        raise SsoRefused(routes.SIGN_IN_SSO_NOT_ALLOWED, "the provider's email is not valid")
    user = session.exec(
        select(AppUser).where(
            AppUser.sso_issuer == settings.issuer, AppUser.sso_subject == identity.subject
        )
    ).first()
    if user is None:
        user = users.user_with_email(session, email)
        if user is not None and user.sso_issuer == settings.issuer and user.sso_subject:
            raise SsoRefused(
                routes.SIGN_IN_SSO_NOT_ALLOWED,
                "the email's user signed in before as another subject of the provider",
            )
    if user is None:
        if sso_config.partner_for_email(session, email) != settings.partner_id:
            raise SsoRefused(routes.SIGN_IN_SSO_NOT_ALLOWED, "no user, and not a covered domain")
        if not settings.allow_new_users:
            raise SsoRefused(routes.SIGN_IN_SSO_NOT_ALLOWED, "no user (new users not allowed)")
        user = AppUser(
            email=email,
            display_name=(identity.name.strip() or email)[:200],
            role=permissions.PARTNER_ROLE,
            partner_id=settings.partner_id,
            all_customers=False,
        )
        logger.info(
            "Single sign-on: a new partner user (no customers) for partner %s", user.partner_id
        )
    if user.partner_id != settings.partner_id:
        raise SsoRefused(routes.SIGN_IN_SSO_NOT_ALLOWED, "a user of another partner")
    if not user.active:
        raise SsoRefused(routes.SIGN_IN_SSO_NOT_ALLOWED, "a deactivated user")
    demo = user.id is not None and not app_settings.get().demo_mode
    if demo and users.is_demo_account(session, user):
        raise SsoRefused(routes.SIGN_IN_SSO_NOT_ALLOWED, "a demo account outside demo mode")
    user.sso_issuer = settings.issuer
    user.sso_subject = identity.subject
    session.add(user)
    session.flush()
    return user


def _sign_in(
    settings: sso_config.SsoSettings, identity: sso_tokens.Identity, address: str
) -> tuple[str, users.CurrentUser]:
    now = utc_now()
    with database.get_session() as session:
        try:
            user = admit(session, settings, identity, now)
        except SsoRefused:
            session.rollback()
            signing_in.record_failure(session, email_key(identity.email), address, now)
            session.commit()
            raise
        signing_in.prune(session, now)
        token = sessions.create_session(session, users.stored_id(user), now)  # commits
        return token, users.current_user(user)


def _record_failure(address: str) -> None:
    with database.get_session() as session:
        signing_in.record_failure(session, "", address)
        session.commit()


async def finish(
    state: object, code: object, provider_error: object, browser: object, client_address: str
) -> Finished:
    """The callback: check, exchange, verify, admit; a session or an error code."""
    address = signing_in.address_key(client_address)
    try:
        request = await asyncio.to_thread(_spend, state, browser, address, utc_now_or(None))
        next_path = request.next_path
        settings = await asyncio.to_thread(_settings, request.partner_id)
        if provider_error is not None:
            raise SsoRefused(routes.SIGN_IN_SSO_FAILED, f"the provider answered {provider_error!r}")
        if not isinstance(code, str) or not code or len(code) > VALUE_MAX:
            raise SsoRefused(routes.SIGN_IN_SSO_FAILED, "no code")
        id_token = await sso_tokens.exchange_code(
            settings, redirect_uri(), code, request.code_verifier
        )
        identity = await sso_tokens.verified_identity(settings, id_token, request.nonce)
        token, user = await asyncio.to_thread(_sign_in, settings, identity, address)
    except sso_tokens.ProviderUnavailable as error:
        logger.warning("Single sign-on refused: the provider did not answer (%s)", error)
        return Finished(error=routes.SIGN_IN_SSO_UNAVAILABLE)
    except sso_tokens.TokenRefused as error:
        logger.warning("Single sign-on refused: %s", error)
        await asyncio.to_thread(_record_failure, address)
        return Finished(error=routes.SIGN_IN_SSO_FAILED)
    except SsoRefused as refused:
        logger.warning("Single sign-on refused: %s", refused.reason)
        if refused.error not in (routes.SIGN_IN_THROTTLED, routes.SIGN_IN_SSO_NOT_ALLOWED):
            await asyncio.to_thread(_record_failure, address)
        return Finished(error=refused.error)
    return Finished(token=token, user=user, next_path=next_path)
