"""A partner's single sign-on configuration (OpenID Connect), set by an operator with
``python -m cloudlink_app.accounts configure-sso`` / ``show-sso`` / ``remove-sso``.

- The issuer is ``https://``, or ``http://`` on a loopback address only (tests, demos).
  Its discovery document (``ISSUER/.well-known/openid-configuration``) is fetched and
  checked when configuring: the same issuer, the authorization, token and JWKS
  endpoints present (on the same terms as the issuer).
- The client secret comes from the environment (CLOUDLINK_SSO_CLIENT_SECRET, never the
  command line, where ``ps`` and shell histories would keep it) and is stored encrypted
  with AES-GCM under a key derived (HKDF-SHA256) from CLOUDLINK_SECRET_KEY, bound to
  its partner: the database alone does not give it away.
- Each covered email domain (lower case) belongs to one partner at most.
"""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
import os
import re
from urllib.parse import urlsplit

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlmodel import Session, col, select

from cloudlink_app import settings
from cloudlink_app.models import PartnerSso, SsoDomain, utc_now
from cloudlink_app.services import secret_key

CLIENT_SECRET_ENV = settings.SSO_CLIENT_SECRET
DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_TIMEOUT = 10.0  # seconds, for the operator's command
ISSUER_MAX = 500
CLIENT_ID_MAX = 255
SECRET_MAX = 1000
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_SECRET_VERSION = "v1:"


class SsoConfigError(ValueError):
    """A configuration the operator's command refuses; the message says why."""


@dataclasses.dataclass(frozen=True)
class SsoSettings:
    """A partner's provider as the sign-in uses it (the secret decrypted)."""

    partner_id: int
    issuer: str
    client_id: str
    client_secret: str
    allow_new_users: bool
    require_sso: bool
    domains: tuple[str, ...]


# ----------------------------------------------------------------- the client secret


def _cipher() -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"cloudlink sso client secret"
    ).derive(secret_key.secret_key())
    return AESGCM(key)


def _bound_to(partner_id: int) -> bytes:
    return f"partner_sso:{partner_id}".encode()


def encrypt_secret(secret: str, partner_id: int) -> str:
    """``secret`` encrypted for storage, only readable for ``partner_id``'s row."""
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, secret.encode("utf-8"), _bound_to(partner_id))
    return _SECRET_VERSION + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt_secret(stored: str, partner_id: int) -> str:
    """The secret ``encrypt_secret`` stored; SsoConfigError when it cannot be read (another
    secret key, another row's value)."""
    if not stored.startswith(_SECRET_VERSION):
        raise SsoConfigError("the stored client secret is not readable")
    try:
        raw = base64.urlsafe_b64decode(stored[len(_SECRET_VERSION) :])
        plain = _cipher().decrypt(raw[:12], raw[12:], _bound_to(partner_id))
    except (ValueError, InvalidTag):
        raise SsoConfigError(
            "the stored client secret cannot be decrypted (was CLOUDLINK_SECRET_KEY changed? "
            "configure single sign-on again)"
        ) from None
    return plain.decode("utf-8")


# --------------------------------------------------------------------------- checks


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` is this machine (localhost, 127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: object, what: str) -> str:
    """``url`` when it is https://, or http:// on a loopback address; else refused."""
    if not isinstance(url, str) or not url.strip() or len(url) > ISSUER_MAX:
        raise SsoConfigError(f"the {what} is missing or longer than {ISSUER_MAX} characters")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        ok = True
    else:
        ok = parts.scheme == "http" and is_loopback_host(parts.hostname)
    if not ok or parts.query or parts.fragment or any(c <= " " for c in url):
        raise SsoConfigError(
            f"the {what} {url!r} must be an https:// address (http:// only on a loopback "
            "address such as 127.0.0.1, for tests and demos)"
        )
    return url


def normalize_domain(value: object) -> str:
    """A covered email domain, lower case; refused when it is not a domain name."""
    text = value.strip().lower().rstrip(".") if isinstance(value, str) else ""
    if not _DOMAIN.fullmatch(text):
        raise SsoConfigError(f"{value!r} is not an email domain (such as example.com)")
    return text


def fetch_discovery(issuer: str, timeout: float = DISCOVERY_TIMEOUT) -> dict:
    """The issuer's discovery document, checked: its ``issuer`` is ``issuer`` and it names
    the authorization, token and JWKS endpoints. SsoConfigError says what failed."""
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as error:
        raise SsoConfigError(
            f"the discovery document {url} could not be fetched: {error}"
        ) from None
    if response.status_code != 200:
        raise SsoConfigError(
            f"the discovery document {url} could not be fetched: HTTP {response.status_code}"
        )
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise SsoConfigError(f"the discovery document {url} is not a JSON object")
    return check_discovery(document, issuer)


def check_discovery(document: dict, issuer: str) -> dict:
    """``document`` when it is the discovery document of ``issuer``; else refused."""
    if document.get("issuer") != issuer:
        raise SsoConfigError(
            f"the discovery document names the issuer {document.get('issuer')!r}, not {issuer!r}"
        )
    for name in REQUIRED_ENDPOINTS:
        check_url(document.get(name), f"discovery document's {name}")
    return document


def client_secret_from_environment(environ: dict[str, str] | None = None) -> str:
    """The client secret from CLOUDLINK_SSO_CLIENT_SECRET; refused when it is not set."""
    value = settings.sso_client_secret() if environ is None else environ.get(CLIENT_SECRET_ENV, "")
    if not value.strip():
        raise SsoConfigError(
            f"set the client secret in the environment variable {CLIENT_SECRET_ENV} (it is "
            "never taken from the command line)"
        )
    if len(value) > SECRET_MAX:
        raise SsoConfigError(f"{CLIENT_SECRET_ENV} is longer than {SECRET_MAX} characters")
    return value.strip()


# ------------------------------------------------------------------------- storage


def configure(
    session: Session,
    partner_id: int,
    issuer: object,
    client_id: object,
    client_secret: str,
    domains: list[str],
    *,
    allow_new_users: bool,
    require_sso: bool,
    discover: bool = True,
) -> SsoSettings:
    """Set (or replace) ``partner_id``'s provider and covered domains; commits. The
    discovery document is fetched and checked first (``discover``)."""
    issuer = check_url(issuer, "issuer")
    if not isinstance(client_id, str) or not client_id.strip() or len(client_id) > CLIENT_ID_MAX:
        raise SsoConfigError(f"the client ID is missing or longer than {CLIENT_ID_MAX} characters")
    client_id = client_id.strip()
    covered = sorted({normalize_domain(domain) for domain in domains})
    if not covered:
        raise SsoConfigError("give at least one --domain")
    taken = session.exec(
        select(SsoDomain).where(
            col(SsoDomain.domain).in_(covered), col(SsoDomain.partner_id) != partner_id
        )
    ).all()
    if taken:
        names = ", ".join(sorted(row.domain for row in taken))
        raise SsoConfigError(f"another partner's single sign-on covers {names} already")
    if discover:
        fetch_discovery(issuer)
    row = session.get(PartnerSso, partner_id) or PartnerSso(
        partner_id=partner_id, issuer="", client_id="", client_secret_encrypted=""
    )
    row.issuer = issuer
    row.client_id = client_id
    row.client_secret_encrypted = encrypt_secret(client_secret, partner_id)
    row.allow_new_users = allow_new_users
    row.require_sso = require_sso
    row.updated_at = utc_now()
    session.add(row)
    session.flush()
    for old in session.exec(select(SsoDomain).where(SsoDomain.partner_id == partner_id)).all():
        if old.domain not in covered:
            session.delete(old)
    session.flush()
    for domain in covered:
        if session.get(SsoDomain, domain) is None:
            session.add(SsoDomain(domain=domain, partner_id=partner_id))
    session.commit()
    found = settings_for_partner(session, partner_id)
    assert found is not None
    return found


def remove(session: Session, partner_id: int) -> bool:
    """Remove ``partner_id``'s single sign-on (its users sign in with passwords again);
    whether it had one. Commits."""
    row = session.get(PartnerSso, partner_id)
    if row is None:
        return False
    for domain in session.exec(select(SsoDomain).where(SsoDomain.partner_id == partner_id)).all():
        session.delete(domain)
    session.flush()
    session.delete(row)
    session.commit()
    return True


def settings_for_partner(session: Session, partner_id: int) -> SsoSettings | None:
    """``partner_id``'s provider, the secret decrypted; None when it has none."""
    row = session.get(PartnerSso, partner_id)
    if row is None:
        return None
    domains = session.exec(
        select(SsoDomain.domain)
        .where(SsoDomain.partner_id == partner_id)
        .order_by(col(SsoDomain.domain))
    ).all()
    return SsoSettings(
        partner_id=partner_id,
        issuer=row.issuer,
        client_id=row.client_id,
        client_secret=decrypt_secret(row.client_secret_encrypted, partner_id),
        allow_new_users=row.allow_new_users,
        require_sso=row.require_sso,
        domains=tuple(domains),
    )


def domain_of(email: object) -> str | None:
    """The domain of an email address, lower case; None when it has none."""
    if not isinstance(email, str) or "@" not in email or len(email) > 320:
        return None
    return email.rsplit("@", 1)[1].strip().lower().rstrip(".") or None


def partner_for_email(session: Session, email: object) -> int | None:
    """The partner whose single sign-on covers ``email``'s domain; None: none does."""
    domain = domain_of(email)
    if domain is None or not _DOMAIN.fullmatch(domain):
        return None
    row = session.get(SsoDomain, domain)
    return None if row is None else row.partner_id


def password_refused(session: Session, email: object) -> bool:
    """Whether ``email``'s domain must sign in with single sign-on (--require-sso)."""
    partner_id = partner_for_email(session, email)
    if partner_id is None:
        return False
    row = session.get(PartnerSso, partner_id)
    return row is not None and row.require_sso
