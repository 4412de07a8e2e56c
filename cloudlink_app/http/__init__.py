"""The backend's own HTTP layer around Reflex: the sign-in and sign-out endpoints, and
the middleware that hands the websocket's session to the states as a hash (never the
cookie). ``api_transformers()`` is what cloudlink_app.py gives ``rx.App``.
"""

from __future__ import annotations

from collections.abc import Callable

from reflex import constants
from reflex.config import get_config
from starlette.applications import Starlette
from starlette.types import ASGIApp

from cloudlink_app import routes
from cloudlink_app.http.customer_files import UploadLimit
from cloudlink_app.http.endpoints import OldLinkAddress, auth_app
from cloudlink_app.http.middleware import SessionHeaderMiddleware

ApiTransformer = Starlette | Callable[[ASGIApp], ASGIApp]


def api_transformers() -> list[ApiTransformer]:
    """Reflex's ``api_transformer`` list, applied in order: each wraps what came before
    (a Starlette app gets the backend mounted under its own routes). The session
    middleware comes after the endpoints, so it sees every request first and no
    Authorization header from a client reaches either."""
    config = get_config()
    backend_path = config.prepend_backend_path("")
    event_path = config.prepend_backend_path(str(constants.Endpoint.EVENT))

    def session_middleware(app: ASGIApp) -> ASGIApp:
        return SessionHeaderMiddleware(app, event_path=event_path)

    def old_link_address(app: ASGIApp) -> ASGIApp:
        return OldLinkAddress(app, page_path=config.prepend_frontend_path(routes.SET_PASSWORD))

    def upload_limit(app: ASGIApp) -> ASGIApp:
        return UploadLimit(app, config.prepend_backend_path(str(constants.Endpoint.UPLOAD)))

    return [
        auth_app(backend_path.rstrip("/")),
        session_middleware,
        old_link_address,
        upload_limit,
    ]
