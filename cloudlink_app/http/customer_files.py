"""The customer files over plain HTTP (SPEC "Many customers at once"), not through the
websocket: a download is the browser's own, streamed as it is written.

GET /customers/export?search=&lang=   every customer the dashboard's search finds, in
                                      the signed-in user's scope, as CSV (streamed)
GET /customers/import/template?lang=  the import template (CSV)

Both check the session cookie as the states do (services/sessions.user_for_token) and
the user's role: a partner user's, else 403 (no page to go back to: a download).

``UploadLimit`` is the ASGI middleware that holds Reflex's upload endpoint (``/_upload``,
the import page's file) to ``UPLOAD_MAX_BYTES``: a request that says it is longer is
refused before its body is read, and one that sends more than it said is cut off as
the bytes arrive (413), so a crafted upload never makes the backend read or store more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cloudlink_app import routes
from cloudlink_app.domain import permissions, spreadsheet
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES
from cloudlink_app.http import cookies
from cloudlink_app.services import customer_export, customer_import, sessions, users
from cloudlink_app.services.database import get_session

logger = logging.getLogger("cloudlink_app")

# The file's 2 MB plus room for the multipart envelope (boundaries, headers, the
# handler's arguments): what Reflex's upload endpoint may receive in all.
UPLOAD_MAX_BYTES = spreadsheet.FILE_MAX_BYTES + 64 * 1024
SEARCH_MAX = 200  # the dashboard's search field's own limit
CSV_TYPE = "text/csv; charset=utf-8"


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in UI_LANGUAGES else DEFAULT_LANGUAGE


def _partner_user(token: str | None) -> users.CurrentUser | None:
    with get_session() as session:
        user = sessions.user_for_token(session, token)
    return user if user is not None and user.can(permissions.VIEW_DASHBOARD) else None


def _attachment(filename: str) -> dict[str, str]:
    return {
        "content-disposition": f'attachment; filename="{filename}"',
        "cache-control": "no-store",
    }


async def export_customers(request: Request) -> Response:
    """The export: the customers of the search, streamed a batch at a time."""
    user = await asyncio.to_thread(_partner_user, cookies.session_token(request))
    if user is None:
        logger.warning("Export refused: no partner user's session")
        return PlainTextResponse("Forbidden", status_code=403)
    search = request.query_params.get("search", "")[:SEARCH_MAX]
    lang = _lang(request)
    scope = user.scope

    def lines() -> Iterator[bytes]:
        # Run by Starlette in a worker thread, one batch at a time, in its own session.
        with get_session() as session:
            for text in customer_export.export_lines(session, scope, search, lang):
                yield text.encode("utf-8")

    return StreamingResponse(lines(), media_type=CSV_TYPE, headers=_attachment("customers.csv"))


async def import_template(request: Request) -> Response:
    """The template, its headers in the language asked for."""
    user = await asyncio.to_thread(_partner_user, cookies.session_token(request))
    if user is None or not user.can(permissions.CREATE_CUSTOMER):
        logger.warning("Template refused: no partner user's session")
        return PlainTextResponse("Forbidden", status_code=403)
    body = customer_import.template_csv(_lang(request)).encode("utf-8")
    return Response(body, media_type=CSV_TYPE, headers=_attachment("customers-template.csv"))


class UploadLimit:
    """Refuses an upload to ``upload_path`` beyond ``limit`` bytes (see the module)."""

    def __init__(self, app: ASGIApp, upload_path: str, limit: int = UPLOAD_MAX_BYTES) -> None:
        """Wrap ``app``; ``upload_path`` is Reflex's upload endpoint as served."""
        self.app = app
        self.upload_path = upload_path.rstrip("/")
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass every request on; an upload only while it stays within the limit."""
        if scope["type"] != "http" or scope.get("path", "").rstrip("/") != self.upload_path:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            logger.warning("Upload refused: %s bytes declared", declared[:20].decode("latin-1"))
            await _too_large(send)
            return
        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Reflex sees a client that went away (it stops reading and calls
                    # no handler); the client gets the 413 below instead of its answer.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if exceeded:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            # What the app raised for the "disconnect" (Starlette's ClientDisconnect,
            # where Reflex does not catch it) ends here; anything else is the app's own.
            if not exceeded:
                raise
        if exceeded:
            logger.warning("Upload refused: more than %s bytes sent", self.limit)
            if not started:
                await _too_large(send)


async def _too_large(send: Send) -> None:
    await PlainTextResponse("Request entity too large", status_code=413)(
        {"type": "http"}, _no_body, send
    )


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


ROUTES = (
    (routes.CUSTOMERS_EXPORT, export_customers),
    (routes.IMPORT_TEMPLATE, import_template),
)
