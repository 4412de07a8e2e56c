"""The customer files over HTTP (cloudlink_app/http/customer_files.py): the export and
the template check the session cookie and the user's role and scope; Reflex's upload
endpoint is held to 2 MB while the bytes arrive."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.http.customer_files import UploadLimit
from cloudlink_app.models import AppUser
from cloudlink_app.services import sessions
from tests.support.backend import backend
from tests.support.builders import valid_form
from tests.support.database import add_partner, demo_partner_id, save

COOKIE = "__Host-cloudlink_session"
ANNA = demo_accounts.DEMO_PARTNER_EMAIL


def _session_for(database, email: str) -> str:
    with Session(database) as session:
        user_id = session.exec(sa.select(AppUser.id).where(AppUser.email == email)).scalar_one()
        return sessions.create_session(session, user_id)


def _lines(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_gives_the_search_in_the_users_scope(database, demo_users):
    partner = demo_partner_id(database)
    save(database, partner, valid_form("Acme Noord", "noord.example"))
    save(database, partner, valid_form("Zuid Handel", "zuid.example"))
    save(database, add_partner(database, "Rival"), valid_form("Acme Rival", "rival.example"))
    client = backend()
    client.cookies.set(COOKIE, _session_for(database, ANNA))
    response = client.get(routes.CUSTOMERS_EXPORT, params={"search": "acme", "lang": "nl"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    lines = _lines(response)
    assert lines[0][0] == "Klantnaam" and lines[0][-3:] == [
        "Account-ID",
        "Status",
        "Laatst opgeslagen",
    ]
    assert [line[0] for line in lines[1:]] == ["Acme Noord"]
    everything = _lines(client.get(routes.CUSTOMERS_EXPORT))
    assert sorted(line[0] for line in everything[1:]) == ["Acme Noord", "Zuid Handel"]


def test_the_export_and_template_need_a_partner_users_session(database, demo_users):
    client = backend()
    for path in (routes.CUSTOMERS_EXPORT, routes.IMPORT_TEMPLATE):
        assert client.get(path).status_code == 403
        client.cookies.set(COOKIE, "not-a-session-token")
        assert client.get(path).status_code == 403
        client.cookies.clear()
    # An account admin (the demo's Sanne) is no partner user.
    client.cookies.set(COOKIE, _session_for(database, "sanne@vandermeer-bakkerij.nl"))
    assert client.get(routes.CUSTOMERS_EXPORT).status_code == 403
    assert client.get(routes.IMPORT_TEMPLATE).status_code == 403


def test_the_template_is_in_the_language_asked_for(database, demo_users):
    client = backend()
    client.cookies.set(COOKIE, _session_for(database, ANNA))
    lines = _lines(client.get(routes.IMPORT_TEMPLATE, params={"lang": "nl"}))
    assert lines[0][:2] == ["Klantnaam", "Land"]
    assert len(lines) == 2


# ----- the upload's limit -------------------------------------------------------------

LIMIT = 1000


def _upload_app(received: list[int]):
    async def read_all(request: Request):
        received.append(-1)  # called at all
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        received.append(size)
        return PlainTextResponse("read")

    app = Starlette(routes=[Route("/_upload", read_all, methods=["POST"])])
    return TestClient(UploadLimit(app, "/_upload", limit=LIMIT))


def test_an_upload_within_the_limit_passes():
    received: list[int] = []
    response = _upload_app(received).post("/_upload", content=b"x" * LIMIT)
    assert response.status_code == 200 and received == [-1, LIMIT]


def test_an_upload_declared_too_long_is_refused_unread():
    received: list[int] = []
    response = _upload_app(received).post("/_upload", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert received == [], "the app was called"


def test_an_upload_longer_than_it_said_is_cut_off_as_it_arrives():
    """No Content-Length (chunked): the bytes are counted as they arrive; the app never
    gets more than the limit, and the client gets 413."""
    received: list[int] = []

    def chunks():
        for _ in range(50):
            yield b"x" * 100

    response = _upload_app(received).post("/_upload", content=chunks())
    assert response.status_code == 413
    assert received == [-1], "the app read it all"
