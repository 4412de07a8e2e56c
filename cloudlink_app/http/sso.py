"""Single sign-on's two HTTP endpoints beside /auth/sign-in (services/sso.py does the
work):

GET /auth/sso/start     email, next  -> 303 to the partner's provider (the sign-in under
                        way bound to this browser by an HttpOnly cookie), or back to the
                        sign-in page with ?error=... (a domain no single sign-on covers,
                        the provider not answering)
GET /auth/sso/callback  state, code  -> 303 to ``next`` with the same session cookie as
                        a password sign-in, or to the sign-in page with ?error=...

Both are GETs, as navigations: the sign-in page's link starts one, the provider's page
sends the browser back to the other (from another site: its cookie is SameSite=Lax).
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from cloudlink_app import routes
from cloudlink_app.domain import permissions
from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.http import cookies
from cloudlink_app.services import sessions, signing_in, sso, sso_tokens
from cloudlink_app.services.database import get_session

logger = logging.getLogger("cloudlink_app")


def _redirect(url: str) -> Response:
    response = RedirectResponse(url, status_code=303)
    response.headers["cache-control"] = "no-store"
    return response


def _refused(next_path: str, error: str) -> Response:
    # The browser's single sign-on cookie stays: a forged callback (another site can send
    # the browser here) must not end the sign-in this browser has under way.
    return _redirect(cookies.deployed_page_url(routes.sign_in_error_url(next_path, error)))


def _client_address(request: Request) -> str:
    client = request.client.host if request.client else ""
    forwarded = ", ".join(request.headers.getlist("x-forwarded-for")) or None
    return signing_in.request_client_address(client, forwarded)


async def start(request: Request) -> Response:
    """Send the browser to the provider covering the email's domain."""
    email = request.query_params.get("email", "")
    next_path = routes.safe_next(request.query_params.get("next")) or ""
    if len(email) > EMAIL_MAX:
        email = ""
    try:
        started = await sso.start(email, next_path)
    except sso.SsoRefused as refused:
        logger.warning("Single sign-on not started: %s", refused.reason)
        return _refused(next_path, refused.error)
    except sso_tokens.ProviderUnavailable as error:
        logger.warning("Single sign-on not started: the provider did not answer (%s)", error)
        return _refused(next_path, routes.SIGN_IN_SSO_UNAVAILABLE)
    response = _redirect(started.url)
    cookies.set_sso_cookie(response, started.browser, sso.BROWSER_COOKIE_SECONDS)
    return response


async def callback(request: Request) -> Response:
    """The provider sent the browser back: sign in, or say why not."""
    params = request.query_params
    finished = await sso.finish(
        params.get("state"),
        params.get("code"),
        params.get("error"),
        cookies.sso_cookie(request),
        _client_address(request),
    )
    if finished.token is None or finished.user is None:
        return _refused(finished.next_path, finished.error)
    old_token = cookies.session_token(request)
    if old_token is not None:
        await asyncio.to_thread(_revoke, old_token)
    user = finished.user
    home = routes.DASHBOARD if user.may(permissions.VIEW_DASHBOARD) else routes.ACCOUNT
    response = _redirect(cookies.deployed_page_url(finished.next_path or home))
    cookies.set_session_cookie(response, finished.token)
    cookies.clear_sso_cookie(response)
    return response


def _revoke(token: str) -> bool:
    with get_session() as session:
        return sessions.revoke_session(session, token)
