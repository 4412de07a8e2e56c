"""The session cookie and the known-device cookie: their names and flags, and the
frontend origins they are set for.

Both are set by the backend only (cloudlink_app/http/endpoints.py): HttpOnly, so no
script in the page can read them; SameSite=Strict, so no other site's page sends them;
Path=/. Outside demo mode also Secure with the ``__Host-`` prefix (the browser then
refuses them unless they came over HTTPS from this host, for the whole host). Demo mode
runs on plain http://localhost and keeps neither (not every browser accepts a Secure
cookie over plain http, even from localhost). The session cookie lives as long as the
session; the known-device cookie (services/known_devices.py) for
known_devices.LIFETIME, and signing out keeps it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from reflex.config import get_config
from starlette.requests import HTTPConnection
from starlette.responses import Response

from cloudlink_app import settings
from cloudlink_app.services import known_devices, sessions

DEMO_COOKIE = "cloudlink_session"
SECURE_COOKIE = "__Host-cloudlink_session"
DEMO_DEVICE_COOKIE = "cloudlink_device"
SECURE_DEVICE_COOKIE = "__Host-cloudlink_device"


def cookie_name() -> str:
    """The session cookie's name in the current mode."""
    return DEMO_COOKIE if settings.get().demo_mode else SECURE_COOKIE


def device_cookie_name() -> str:
    """The known-device cookie's name in the current mode."""
    return DEMO_DEVICE_COOKIE if settings.get().demo_mode else SECURE_DEVICE_COOKIE


def _secure() -> bool:
    return not settings.get().demo_mode


def set_session_cookie(response: Response, token: str) -> None:
    """Give the browser its session token, for as long as the session lives."""
    response.set_cookie(
        cookie_name(),
        token,
        max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response) -> None:
    """Make the browser forget its session token (with the same flags it was set
    with: a ``__Host-`` cookie is only replaced by a Secure one)."""
    response.delete_cookie(
        cookie_name(), path="/", secure=_secure(), httponly=True, samesite="strict"
    )


def session_token(connection: HTTPConnection) -> str | None:
    """The session cookie's value of a request, or None."""
    return connection.cookies.get(cookie_name()) or None


def set_device_cookie(response: Response, value: str) -> None:
    """Give the browser its known-device cookie (known_devices.remember's value), for
    known_devices.LIFETIME."""
    response.set_cookie(
        device_cookie_name(),
        value,
        max_age=int(known_devices.LIFETIME.total_seconds()),
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="strict",
    )


def known_device(connection: HTTPConnection) -> str | None:
    """The known-device cookie's value of a request, or None."""
    return connection.cookies.get(device_cookie_name()) or None


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def frontend_origins() -> list[str]:
    """The origins the app's pages are served from: the deploy URL's (Reflex's
    ``deploy_url``: REFLEX_DEPLOY_URL, or the test harness's frontend) first, then
    every origin named in ``cors_allowed_origins`` (never "*")."""
    config = get_config()
    origins = [o for o in [_origin(config.deploy_url)] if o]
    for allowed in config.cors_allowed_origins:
        origin = _origin(allowed) if allowed != "*" else None
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def page_url(connection: HTTPConnection, path: str) -> str | None:
    """The absolute URL of the app's page ``path`` for a form sent from the page at the
    request's Origin, when that origin is one of the app's; the deploy URL's origin for a
    request without Origin; None for a request from any other origin (a form on another
    site: refused)."""
    origins = frontend_origins()
    origin = connection.headers.get("origin")
    if origin is None:
        base = origins[0] if origins else ""
    elif origin.lower() in origins:
        base = origin.lower()
    else:
        return None
    return base + get_config().prepend_frontend_path(path)
