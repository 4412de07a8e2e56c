"""Signing in and out over plain HTTP form posts, so that only the server ever sets or
clears the session cookie (HttpOnly: no script can read it); and the one-time links,
whose token only the server ever sees.

POST /auth/sign-in   email, password, next  -> 303 to ``next`` (a page of this app) with
                     the session and known-device cookies set, or back to the
                     sign-in page with ?error=...
POST /auth/sign-out                         -> 303 to the sign-in page, the session
                     revoked and the cookie cleared
GET /auth/link       token                  -> 303 to the Set password page, the token
                     in the link cookie while the link is live (else no link cookie)
GET /auth/password-set                      -> 303 to the sign-in page ("Your password
                     is set"), the link cookie cleared

A form posted from a page of another origin is refused (403): no other site can sign a
browser in or out. After either, the browser loads the next page anew, so its websocket
reconnects with the new cookie. A link is opened from a mail client, another site, so
the two GETs take any origin; neither changes anything but this browser's link cookie.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from cloudlink_app import routes
from cloudlink_app.domain import permissions
from cloudlink_app.http import cookies, customer_files, sso
from cloudlink_app.services import password_links, sessions, signing_in
from cloudlink_app.services.database import get_session

logger = logging.getLogger("cloudlink_app")

# The sign-in form is three short fields; anything longer is not from it.
BODY_MAX = 16 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"


class _Refused(Exception):
    """A request that is not from the app's own form."""


async def _form(request: Request) -> dict[str, str]:
    """The posted form's fields (the first value of each), read up to BODY_MAX."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise _Refused("not a form")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_MAX:
            raise _Refused("too long")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        raise _Refused("not a form") from None
    return {name: values[0] for name, values in fields.items()}


def _client_address(request: Request) -> str:
    client = request.client.host if request.client else ""
    forwarded = ", ".join(request.headers.getlist("x-forwarded-for")) or None
    return signing_in.request_client_address(client, forwarded)


def _redirect(url: str) -> Response:
    response = RedirectResponse(url, status_code=303)
    # Never stored: it may carry a new cookie.
    response.headers["cache-control"] = "no-store"
    return response


def _forbidden() -> Response:
    return PlainTextResponse("Forbidden", status_code=403)


async def sign_in(request: Request) -> Response:
    """Check the email and password; on success a new session, its cookie and the
    page asked for; else the sign-in page with the reason (never which field)."""
    if cookies.page_url(request, "/") is None:
        logger.warning("Sign-in refused: a form from another origin")
        return _forbidden()
    try:
        form = await _form(request)
    except _Refused:
        logger.warning("Sign-in refused: not the sign-in form")
        return _forbidden()
    next_path = routes.safe_next(form.get("next")) or ""
    result = await signing_in.sign_in_async(
        form.get("email"),
        form.get("password"),
        _client_address(request),
        cookies.known_device(request),
    )
    if result.token is None or result.user is None:
        error = (
            routes.SIGN_IN_SSO_REQUIRED
            if result.sso_required
            else routes.SIGN_IN_THROTTLED
            if result.throttled
            else routes.SIGN_IN_TIMED_OUT
            if result.timed_out
            else routes.SIGN_IN_FAILED
        )
        # Never what was typed: a password typed into the email field is common.
        logger.warning("Sign-in refused: %s", error)
        return _redirect(_page(request, routes.sign_in_error_url(next_path, error)))
    old_token = cookies.session_token(request)
    if old_token is not None:
        # This browser's previous session, if any, ends: it could never be used again.
        await asyncio.to_thread(_revoke, old_token)
    # Where the user starts otherwise, as state/session.home_url.
    home = routes.DASHBOARD if result.user.may(permissions.VIEW_DASHBOARD) else routes.ACCOUNT
    target = next_path or home
    response = _redirect(_page(request, target))
    cookies.set_session_cookie(response, result.token)
    if result.known_device is not None:
        # This browser now skips the account's delay when it signs in to it again.
        cookies.set_device_cookie(response, result.known_device)
    return response


async def sign_out(request: Request) -> Response:
    """End this browser's session (every tab of it), clear the cookie, go to sign in."""
    if cookies.page_url(request, "/") is None:
        logger.warning("Sign-out refused: a form from another origin")
        return _forbidden()
    token = cookies.session_token(request)
    if token is None or not await asyncio.to_thread(_revoke, token):
        logger.warning("Not signed in: sign-out without a live session")
    response = _redirect(_page(request, routes.SIGN_IN))
    cookies.clear_session_cookie(response)
    return response


async def open_link(request: Request) -> Response:
    """A one-time link, opened: the token of a live link goes into the link cookie and
    the browser on to the Set password page, whose address holds no token. Another
    token, or none: the same page, which says the link is not valid, and no link
    cookie (an earlier link's is cleared, so that page never shows another link's
    form). Nothing is spent: a mail scanner fetching the link changes nothing."""
    token = request.query_params.get(routes.LINK_TOKEN_QUERY)
    lifetime = await asyncio.to_thread(_cookie_lifetime, token)
    response = _redirect(cookies.deployed_page_url(routes.SET_PASSWORD))
    if token is None or lifetime is None:
        logger.warning("Set password: the link opened is not valid")
        cookies.clear_link_cookie(response)
        return response
    cookies.set_link_cookie(response, token, max(1, int(lifetime.total_seconds())))
    return response


async def password_set(request: Request) -> Response:
    """Where the Set password page sends the browser once the password is set: the
    link cookie is cleared (the link is spent already), then to sign in."""
    response = _redirect(cookies.deployed_page_url(routes.password_set_url()))
    cookies.clear_link_cookie(response)
    return response


def _cookie_lifetime(token: object) -> datetime.timedelta | None:
    with get_session() as session:
        return password_links.cookie_lifetime(session, token)


def _revoke(token: str) -> bool:
    with get_session() as session:
        return sessions.revoke_session(session, token)


def _page(request: Request, path: str) -> str:
    url = cookies.page_url(request, path)
    assert url is not None  # checked on entry
    return url


class OldLinkAddress:
    """ASGI middleware: a one-time link mailed before links pointed at GET /auth/link
    (``/set-password?token=...``, valid for up to 7 days) still works: answered 303 to
    /auth/link with its token, so the token goes the same way (a cookie, a clean page
    address) instead of into the page's router data. Any other request passes."""

    def __init__(self, app: ASGIApp, page_path: str = routes.SET_PASSWORD) -> None:
        """Wrap ``app``; ``page_path`` is the Set password page as the pages are served."""
        self.app = app
        self.page_paths = {page_path, page_path + "/"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect an old link's request; pass every other one on."""
        if scope["type"] == "http" and scope.get("path") in self.page_paths:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            token = query.get(routes.LINK_TOKEN_QUERY, [""])[0]
            if token:
                target = f"{routes.AUTH_LINK}?{urlencode({routes.LINK_TOKEN_QUERY: token})}"
                await _redirect(target)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def auth_app(backend_path: str = "") -> Starlette:
    """The Starlette app of the endpoints (Reflex mounts its own app under it)."""
    return Starlette(
        routes=[
            Route(backend_path + routes.AUTH_SIGN_IN, sign_in, methods=["POST"]),
            Route(backend_path + routes.AUTH_SIGN_OUT, sign_out, methods=["POST"]),
            Route(backend_path + routes.AUTH_LINK, open_link, methods=["GET"]),
            Route(backend_path + routes.AUTH_PASSWORD_SET, password_set, methods=["GET"]),
            *(
                Route(backend_path + path, endpoint, methods=["GET"])
                for path, endpoint in customer_files.ROUTES
            ),
            Route(backend_path + routes.AUTH_SSO_START, sso.start, methods=["GET"]),
            Route(backend_path + routes.AUTH_SSO_CALLBACK, sso.callback, methods=["GET"]),
        ]
    )
