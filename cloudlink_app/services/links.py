"""One-time links to set a password, as they are mailed.

A link's token is never stored: the database holds only a keyed hash of it
(``link_hash``, an HMAC under the app's secret key). A link the app emails (an
invitation of an admin contact, a set-password link of the accounts tool) must still be
in the message when the sender delivers it, perhaps hours later, and on the demo
Outbox page. So such a link's token is made from a random seed stored with the link
(``password_token.link_seed``) and the secret key (``seeded_token``): the message's
stored text holds only LINK_PLACEHOLDER, and the link is put in when the message is
sent or shown. The database alone (a backup, a leaked dump) holds no usable link,
exactly as for the links the accounts tool prints.

A link points at the backend's own endpoint (routes.AUTH_LINK), never at a page: the
backend keeps the token in a short-lived HttpOnly cookie and sends the browser on to the
Set password page, whose address holds no token (cloudlink_app/http/endpoints.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from html import escape

from reflex.config import get_config
from sqlmodel import Session, col, select

from cloudlink_app import routes, settings
from cloudlink_app.models import PasswordToken
from cloudlink_app.services import secret_key

# What a mailed message's stored text has where its link goes.
LINK_PLACEHOLDER = "[[one-time-link]]"


def base_url() -> str | None:
    """Where a browser reaches the backend's endpoints, which links point at.

    Outside demo mode REFLEX_DEPLOY_URL: `make serve` answers the pages and the backend
    there (behind nginx), and the accounts tool, run outside the app, knows no other
    address. In demo mode Reflex's ``deploy_url``: `make run` serves the pages and the
    backend on http://localhost:3000 (Reflex's default, which the demo data and the
    accounts tool get too; the browser tests' harness names its own frontend, which
    answers /auth/ as well). None outside demo mode without a deploy URL."""
    current = settings.get()
    if current.demo_mode:
        return get_config().deploy_url
    return current.deploy_url


def link_hash(token: str) -> str:
    """What is stored of a link's token (password_token.token_hash)."""
    # Another message than session tokens' HMAC: a link token can never be turned into
    # a session hash or the other way round.
    message = b"password-link\x00" + token.encode("utf-8")
    return hmac.new(secret_key.secret_key(), message, hashlib.sha256).hexdigest()


def new_seed() -> str:
    return secrets.token_urlsafe(32)


def seeded_token(seed: str) -> str:
    """The token of a mailed link: made from its stored seed and the secret key."""
    digest = hmac.new(
        secret_key.secret_key(), b"password-link-seed\x00" + seed.encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def url(token: str) -> str | None:
    """The one-time link of ``token`` (routes.AUTH_LINK); None without a base URL."""
    base = base_url()
    return None if base is None else routes.link_url(base, token)


def mailed_urls(session: Session, password_token_ids: set[int]) -> dict[int, str]:
    """The links messages carry, by their password_token id, read in one query; an id
    whose link cannot be made (no such row, no seed, no base URL) is left out."""
    if not password_token_ids:
        return {}
    rows = session.exec(
        select(PasswordToken.id, PasswordToken.link_seed).where(
            col(PasswordToken.id).in_(sorted(password_token_ids))
        )
    ).all()
    found = {}
    for token_id, seed in rows:
        link = url(seeded_token(seed)) if token_id is not None and seed else None
        if token_id is not None and link is not None:
            found[token_id] = link
    return found


def mailed_url(session: Session, password_token_id: int | None) -> str | None:
    """The link one message carries, or None (see mailed_urls)."""
    if password_token_id is None:
        return None
    return mailed_urls(session, {password_token_id}).get(password_token_id)


def fill(text: str, link: str | None, *, html: bool = False) -> str:
    """A stored body with its link put in (escaped for an HTML body), or, when the link
    cannot be made, a note saying so."""
    if LINK_PLACEHOLDER not in text:
        return text
    shown = link or "(link not available: ask for a new one)"
    if html:
        shown = escape(shown, quote=True)
    return text.replace(LINK_PLACEHOLDER, shown)
