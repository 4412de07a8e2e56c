"""Cache-Control from the app's middleware (cloudlink_app/http/caching.py): hashed
assets for a year, pages revalidated, an answer's own header kept."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from cloudlink_app.http.caching import IMMUTABLE, REVALIDATE, cache_headers


def _ok(request):
    return PlainTextResponse("ok")


def _own(request):
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})


def _client() -> TestClient:
    routes = [
        Route("/assets/app-Ab12Cd34.js", _ok),
        Route("/sign-in", _ok),
        Route("/auth/own", _own),
    ]
    return TestClient(cache_headers(Starlette(routes=routes)))


def test_hashed_assets_are_immutable_for_a_year():
    response = _client().get("/assets/app-Ab12Cd34.js")
    assert response.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"


def test_pages_and_missing_assets_are_revalidated():
    client = _client()
    assert client.get("/sign-in").headers["cache-control"] == REVALIDATE == "no-cache"
    missing = client.get("/assets/gone-00000000.js")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-cache"


def test_an_answers_own_cache_control_is_kept():
    assert _client().get("/auth/own").headers["cache-control"] == "no-store"
