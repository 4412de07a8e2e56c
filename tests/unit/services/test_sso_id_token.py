"""The ID token's checks (services/sso_tokens.py), called directly with tokens built
here where the provider would never send them: signed by a foreign key, expired, for
another nonce, audience or issuer, an unverified email; and the provider's keys fetched
again once when a token names a key the cache does not have."""

from __future__ import annotations

import asyncio
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from cloudlink_app.services import sso_config, sso_tokens
from tests.support.oidc_provider import oidc_provider

ISSUER = "https://login.fabrikam.example"
CLIENT = "cloudlink-app"
NONCE = "the-nonce"
PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider-1"})
FOREIGN_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider-1"})


def claims(**changes) -> dict:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "kim-sub",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "email": "kim@fabrikam.example",
        "email_verified": True,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def token(key: RSAKey = PROVIDER_KEY, **changes) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims(**changes), key)


def verify(value: str) -> sso_tokens.Identity:
    return sso_tokens.verify_id_token(
        value, KeySet([PROVIDER_KEY]), issuer=ISSUER, client_id=CLIENT, nonce=NONCE
    )


def test_a_good_token_gives_the_identity():
    assert verify(token()) == sso_tokens.Identity("kim-sub", "kim@fabrikam.example", "")


@pytest.mark.parametrize(
    ("changes", "key", "reason"),
    [
        ({}, FOREIGN_KEY, "signature is not the provider's"),
        ({"exp": int(time.time()) - 3600}, PROVIDER_KEY, "exp"),
        ({"nonce": "another nonce"}, PROVIDER_KEY, "nonce"),
        ({"nonce": None}, PROVIDER_KEY, "nonce"),
        ({"aud": "another-client"}, PROVIDER_KEY, "aud"),
        ({"iss": "https://evil.example"}, PROVIDER_KEY, "iss"),
        ({"email_verified": False}, PROVIDER_KEY, "not verified the email"),
        ({"email_verified": "true"}, PROVIDER_KEY, "not verified the email"),
        ({"email": None}, PROVIDER_KEY, "no email"),
        ({"aud": [CLIENT, "another"]}, PROVIDER_KEY, "several audiences"),
    ],
    ids=[
        "foreign-signed",
        "expired",
        "wrong nonce",
        "no nonce",
        "other audience",
        "other issuer",
        "unverified email",
        "email_verified not a boolean",
        "no email",
        "several audiences",
    ],
)
def test_refused(changes, key, reason):
    with pytest.raises(sso_tokens.TokenRefused, match=reason):
        verify(token(key, **changes))


def test_an_unsigned_token_is_refused():
    shared = OctKey.import_key("a shared secret of our own, long enough for HS256")
    unsigned = jwt.encode({"alg": "HS256"}, claims(), shared)
    with pytest.raises(sso_tokens.TokenRefused):
        verify(unsigned)
    with pytest.raises(sso_tokens.TokenRefused, match="cannot be read"):
        verify("not a token")
    with pytest.raises(sso_tokens.TokenRefused, match="not a signed JWT"):
        sso_tokens.key_id("not a token")


def test_the_keys_are_fetched_again_once_for_an_unknown_key(monkeypatch):
    sso_tokens.forget_cache()
    fetched: list[str] = []
    current = {"keys": KeySet([FOREIGN_KEY])}  # the provider's old key, cached first

    async def get_json(url: str) -> dict:
        fetched.append(url)
        if url.endswith(sso_config.DISCOVERY_PATH):
            return {
                "issuer": ISSUER,
                "authorization_endpoint": ISSUER + "/authorize",
                "token_endpoint": ISSUER + "/token",
                "jwks_uri": ISSUER + "/jwks",
            }
        return current["keys"].as_dict()

    monkeypatch.setattr(sso_tokens, "_get_json", get_json)
    settings = sso_config.SsoSettings(1, ISSUER, CLIENT, "s", False, False, ("x.example",))
    rotated = RSAKey.generate_key(2048, parameters={"kid": "provider-2"})
    asyncio.run(sso_tokens.keys(ISSUER + "/jwks"))
    current["keys"] = KeySet([rotated])
    identity = asyncio.run(sso_tokens.verified_identity(settings, token(rotated), NONCE))
    assert identity.subject == "kim-sub"
    assert fetched.count(ISSUER + "/jwks") == 2
    # A token of a key the provider does not have: fetched once more, then refused.
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
    with pytest.raises(sso_tokens.TokenRefused):
        asyncio.run(sso_tokens.verified_identity(settings, token(stranger), NONCE))
    assert fetched.count(ISSUER + "/jwks") == 3
    sso_tokens.forget_cache()


def test_the_real_providers_keys_verify_its_tokens():
    """The provider's own JWKS, read as the app reads it (no stand-in)."""
    sso_tokens.forget_cache()
    with oidc_provider() as provider:
        document = asyncio.run(sso_tokens.discovery(provider.issuer))
        keys = asyncio.run(sso_tokens.keys(document["jwks_uri"]))
    assert keys.keys
    sso_tokens.forget_cache()
