"""Talking to a partner's OpenID Connect provider: its discovery document and keys
(cached), the authorization request and the code exchange through Authlib's httpx
client, and the ID token's verification with joserfc (Authlib's JOSE library, which
Authlib's own ``authlib.jose`` is being replaced by).

Every request to the provider is async with PROVIDER_TIMEOUT: a slow or down provider
never holds the event loop and ends in ProviderUnavailable. The ID token's signature is
checked against the provider's JWKS (cached for KEYS_TTL; fetched again once when the
token names a key the cache does not have: the provider rotated its keys), and its
``iss``, ``aud``, ``exp``, ``iat``, ``nonce`` and ``email_verified``.
"""

from __future__ import annotations

import dataclasses
import time

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2 import OAuth2Error
from joserfc import errors, jws, jwt
from joserfc.jwk import KeySet

from cloudlink_app.services import sso_config

PROVIDER_TIMEOUT = 10.0  # seconds, each request to the provider
DISCOVERY_TTL = 3600.0
KEYS_TTL = 3600.0
CLOCK_LEEWAY = 60  # seconds of clock difference allowed for exp and iat
SCOPE = "openid email profile"
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")

_cache: dict[str, tuple[float, object]] = {}


class ProviderUnavailable(Exception):
    """The provider did not answer (in time) or answered nonsense."""


class TokenRefused(Exception):
    """The provider's answer or ID token is not acceptable; the message says why (for
    the operators' log)."""


@dataclasses.dataclass(frozen=True)
class Identity:
    """Who the provider says signed in (the ID token's checked claims)."""

    subject: str
    email: str
    name: str


async def _get_json(url: str) -> dict:
    try:
        async with httpx.AsyncClient(timeout=PROVIDER_TIMEOUT) as client:
            response = await client.get(url)
    except httpx.HTTPError as error:
        raise ProviderUnavailable(f"{url}: {type(error).__name__}") from None
    if response.status_code != 200:
        raise ProviderUnavailable(f"{url}: HTTP {response.status_code}")
    try:
        value = response.json()
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return value


async def _cached(key: str, ttl: float, fetch, *, refresh: bool = False):
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and not refresh and now - hit[0] < ttl:
        return hit[1]
    value = await fetch()
    _cache[key] = (time.monotonic(), value)
    return value


def forget_cache() -> None:
    """Forget every cached discovery document and key set (tests)."""
    _cache.clear()


async def discovery(issuer: str) -> dict:
    """The issuer's discovery document, checked (sso_config.check_discovery), cached."""

    async def fetch() -> dict:
        document = await _get_json(issuer.rstrip("/") + sso_config.DISCOVERY_PATH)
        try:
            return sso_config.check_discovery(document, issuer)
        except sso_config.SsoConfigError as error:
            raise ProviderUnavailable(str(error)) from None

    return await _cached("discovery:" + issuer, DISCOVERY_TTL, fetch)


async def keys(jwks_uri: str, *, refresh: bool = False) -> KeySet:
    """The provider's signing keys, cached; ``refresh`` fetches them again."""

    async def fetch() -> KeySet:
        try:
            return KeySet.import_key_set(await _get_json(jwks_uri))  # type: ignore[arg-type]
        except (ValueError, errors.JoseError):
            raise ProviderUnavailable(f"{jwks_uri}: not a key set") from None

    return await _cached("jwks:" + jwks_uri, KEYS_TTL, fetch, refresh=refresh)


def _client(settings: sso_config.SsoSettings, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=PROVIDER_TIMEOUT,
    )


async def authorization_url(
    settings: sso_config.SsoSettings,
    redirect_uri: str,
    *,
    state: str,
    nonce: str,
    code_verifier: str,
    login_hint: str,
) -> str:
    """Where the browser goes to sign in at the provider: response_type=code, PKCE
    (S256), state and nonce."""
    document = await discovery(settings.issuer)
    async with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            document["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=code_verifier,
            login_hint=login_hint,
        )
    return url


async def exchange_code(
    settings: sso_config.SsoSettings, redirect_uri: str, code: str, code_verifier: str
) -> str:
    """The ID token the provider gives for ``code`` (with the PKCE verifier)."""
    document = await discovery(settings.issuer)
    try:
        async with _client(settings, redirect_uri) as client:
            token = await client.fetch_token(
                document["token_endpoint"], code=code, code_verifier=code_verifier
            )
    except (OAuth2Error, OAuthError) as error:
        raise TokenRefused(f"the provider refused the code: {error.error}") from None
    except httpx.HTTPError as error:
        raise ProviderUnavailable(f"token endpoint: {type(error).__name__}") from None
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str) or not id_token:
        raise TokenRefused("the provider's answer has no ID token")
    return id_token


def key_id(id_token: str) -> str | None:
    """The ``kid`` the ID token's header names (None: none); TokenRefused when it is
    not a signed token at all."""
    try:
        headers = jws.extract_compact(id_token.encode("ascii")).headers()
    except (ValueError, UnicodeEncodeError, errors.JoseError):
        raise TokenRefused("the ID token is not a signed JWT") from None
    kid = headers.get("kid")
    return kid if isinstance(kid, str) else None


def verify_id_token(
    id_token: str,
    key_set: KeySet,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: int | None = None,
) -> Identity:
    """The identity in ``id_token`` once its signature (by a key of ``key_set``), issuer,
    audience, expiry, issue time, nonce and verified email are checked; TokenRefused
    says which check failed."""
    try:
        token = jwt.decode(id_token, key_set, algorithms=list(ALGORITHMS))
    except errors.BadSignatureError:
        raise TokenRefused("the ID token's signature is not the provider's") from None
    except (ValueError, errors.JoseError) as error:
        raise TokenRefused(f"the ID token cannot be read: {error}") from None
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(token.claims)
    except errors.JoseError as error:
        raise TokenRefused(f"the ID token's claims: {error}") from None
    claims = token.claims
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise TokenRefused("the ID token is for several audiences and not authorised for us")
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise TokenRefused("the ID token has no email")
    if claims.get("email_verified") is not True:
        raise TokenRefused("the provider has not verified the email address")
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise TokenRefused("the ID token's subject is not usable")
    name = claims.get("name")
    return Identity(subject=subject, email=email, name=name if isinstance(name, str) else "")


async def verified_identity(
    settings: sso_config.SsoSettings, id_token: str, nonce: str
) -> Identity:
    """``verify_id_token`` with the provider's keys: cached, fetched again once when the
    token names a key they do not have."""
    document = await discovery(settings.issuer)
    key_set = await keys(document["jwks_uri"])
    kid = key_id(id_token)
    if kid is not None and all(key.kid != kid for key in key_set.keys):
        key_set = await keys(document["jwks_uri"], refresh=True)
    return verify_id_token(
        id_token, key_set, issuer=settings.issuer, client_id=settings.client_id, nonce=nonce
    )
