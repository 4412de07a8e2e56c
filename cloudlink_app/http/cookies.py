"""The app's three cookies: their names and flags, and the frontend origins they are set
for. Each is set and cleared by the backend only (cloudlink_app/http/endpoints.py), with
the same flags: HttpOnly, so no script in the page can read it; SameSite=Strict, so no
other site's page sends it; Path=/. Outside demo mode also Secure with the ``__Host-``
prefix (the browser then refuses it unless it came over HTTPS from this host, for the
whole host). Demo mode runs on plain http://localhost and keeps neither (not every
browser accepts a Secure cookie over plain http, even from localhost).

- The session cookie: the session's token, for as long as the session lives.
- The link cookie: the token of the one-time link this browser opened last
  (endpoints.open_link), so that the token never is in a page's address. It lives
  LINK_COOKIE_LIFETIME at most (never beyond the link) and is cleared when the password
  is set or another link is opened. SameSite=Strict works for it too: a link opened
  from a mail client (another site) may set it, and the websocket of the Set password
  page, a request of our own page, sends it (tests/e2e/test_link_token.py).
- The known-device cookie (services/known_devices.py): the accounts this browser signed
  in to, for known_devices.LIFETIME; signing out keeps it.
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
DEMO_LINK_COOKIE = "cloudlink_link"
SECURE_LINK_COOKIE = "__Host-cloudlink_link"
DEMO_DEVICE_COOKIE = "cloudlink_device"
SECURE_DEVICE_COOKIE = "__Host-cloudlink_device"
# A single sign-on under way (services/sso.py): binds its state to this browser. Lax,
# not Strict: the provider's page sends the browser back, a navigation from another site.
DEMO_SSO_COOKIE = "cloudlink_sso"
SECURE_SSO_COOKIE = "__Host-cloudlink_sso"


def _named(demo_name: str, secure_name: str) -> str:
    return demo_name if settings.get().demo_mode else secure_name


def cookie_name() -> str:
    """The session cookie's name in the current mode."""
    return _named(DEMO_COOKIE, SECURE_COOKIE)


def link_cookie_name() -> str:
    """The link cookie's name in the current mode."""
    return _named(DEMO_LINK_COOKIE, SECURE_LINK_COOKIE)


def device_cookie_name() -> str:
    """The known-device cookie's name in the current mode."""
    return _named(DEMO_DEVICE_COOKIE, SECURE_DEVICE_COOKIE)


def _secure() -> bool:
    return not settings.get().demo_mode


def _set(response: Response, name: str, value: str, seconds: int) -> None:
    response.set_cookie(
        name, value, max_age=seconds, path="/", secure=_secure(), httponly=True, samesite="strict"
    )


def _clear(response: Response, name: str) -> None:
    # With the flags it was set with: a ``__Host-`` cookie is only replaced by a Secure one.
    response.delete_cookie(name, path="/", secure=_secure(), httponly=True, samesite="strict")


def set_session_cookie(response: Response, token: str) -> None:
    """Give the browser its session token, for as long as the session lives."""
    _set(response, cookie_name(), token, int(sessions.SESSION_LIFETIME.total_seconds()))


def clear_session_cookie(response: Response) -> None:
    """Make the browser forget its session token."""
    _clear(response, cookie_name())


def session_token(connection: HTTPConnection) -> str | None:
    """The session cookie's value of a request, or None."""
    return connection.cookies.get(cookie_name()) or None


def set_link_cookie(response: Response, token: str, seconds: int) -> None:
    """Keep an opened link's token in the browser for ``seconds``."""
    _set(response, link_cookie_name(), token, seconds)


def clear_link_cookie(response: Response) -> None:
    """Make the browser forget the link's token."""
    _clear(response, link_cookie_name())


def link_token(connection: HTTPConnection) -> str | None:
    """The link cookie's value of a request, or None."""
    return connection.cookies.get(link_cookie_name()) or None


def set_device_cookie(response: Response, value: str) -> None:
    """Give the browser its known-device cookie (known_devices.remember's value), for
    known_devices.LIFETIME."""
    _set(response, device_cookie_name(), value, int(known_devices.LIFETIME.total_seconds()))


def known_device(connection: HTTPConnection) -> str | None:
    """The known-device cookie's value of a request, or None."""
    return connection.cookies.get(device_cookie_name()) or None


def sso_cookie_name() -> str:
    """The name of the cookie of a single sign-on under way."""
    return _named(DEMO_SSO_COOKIE, SECURE_SSO_COOKIE)


def set_sso_cookie(response: Response, value: str, seconds: int) -> None:
    """Bind a single sign-on under way to this browser (HttpOnly, SameSite=Lax)."""
    response.set_cookie(
        sso_cookie_name(),
        value,
        max_age=seconds,
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="lax",
    )


def clear_sso_cookie(response: Response) -> None:
    """The single sign-on is over."""
    response.delete_cookie(
        sso_cookie_name(), path="/", secure=_secure(), httponly=True, samesite="lax"
    )


def sso_cookie(connection: HTTPConnection) -> str | None:
    """This browser's single sign-on cookie, if any."""
    return connection.cookies.get(sso_cookie_name())


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
        return deployed_page_url(path)
    if origin.lower() not in origins:
        return None
    return origin.lower() + get_config().prepend_frontend_path(path)


def deployed_page_url(path: str) -> str:
    """The absolute URL of the app's page ``path`` at the deploy URL's origin (the
    first of frontend_origins)."""
    origins = frontend_origins()
    return (origins[0] if origins else "") + get_config().prepend_frontend_path(path)
