"""The backend's security headers and its websocket Origin check
(cloudlink_app/http/headers.py), on a small ASGI app wrapped as the backend is; the
browser tests check both against the running app."""

from __future__ import annotations

import pytest
from reflex.config import get_config
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from cloudlink_app import settings
from cloudlink_app.http import headers

DEPLOY = "https://onboarding.example.com"


async def page(request):
    return PlainTextResponse("a page")


async def own_header(request):
    return PlainTextResponse("framed on purpose", headers={"X-Frame-Options": "SAMEORIGIN"})


async def event_socket(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


@pytest.fixture
def client():
    """A client of a tiny backend (a page and a websocket) behind the middleware."""
    app = Starlette(
        routes=[
            Route("/", page),
            Route("/own", own_header),
            WebSocketRoute("/_event", event_socket),
        ]
    )
    return TestClient(headers.security_headers(app))


@pytest.fixture
def deployed(monkeypatch):
    """Outside demo mode, deployed at DEPLOY (Reflex's deploy_url too, as in production
    where both come from REFLEX_DEPLOY_URL)."""
    monkeypatch.setattr(get_config(), "deploy_url", DEPLOY)
    with settings.override(demo_mode=False, deploy_url=DEPLOY):
        yield


@pytest.fixture
def demo(monkeypatch):
    """Demo mode as `make run` runs it: no deploy URL (Reflex's default one)."""
    monkeypatch.setattr(get_config(), "deploy_url", "http://localhost:3000")
    with settings.override(demo_mode=True, deploy_url=None):
        yield


def opens(client: TestClient, origin: str | None) -> bool:
    """Whether a websocket with this Origin header (None: without) is accepted."""
    extra = {"origin": origin} if origin is not None else {}
    try:
        with client.websocket_connect("/_event", headers=extra) as socket:
            return socket.receive_text() == "hello"
    except WebSocketDisconnect as refused:
        assert refused.code == headers.REFUSED_CLOSE_CODE
        return False


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (DEPLOY, True),
        ("HTTPS://Onboarding.Example.com", True),
        ("https://evil.example", False),
        ("https://onboarding.example.com.evil.example", False),
        ("http://onboarding.example.com", False),  # another scheme is another origin
        ("https://onboarding.example.com:8443", False),
        ("null", False),  # a sandboxed frame or a file
        ("http://localhost:3000", False),  # demo mode's origins only in demo mode
        (None, False),  # not a browser page (browsers always send Origin here)
    ],
)
def test_only_the_deploy_urls_origin_opens_the_websocket(client, deployed, origin, accepted):
    assert opens(client, origin) is accepted


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        ("http://localhost:3000", True),
        ("http://127.0.0.1:3000", True),
        ("http://localhost:3001", False),
        ("https://evil.example", False),
        ("http://evil.localhost:3000", False),
        (None, True),  # a local tool (the benchmarks) on the demo
    ],
)
def test_demo_mode_allows_only_its_own_localhost_origins(client, demo, origin, accepted):
    assert opens(client, origin) is accepted


def test_socketio_asks_the_same_rule(deployed):
    assert headers.engineio_origin_check(DEPLOY, {}) is True
    assert headers.engineio_origin_check("https://evil.example", {}) is False
    assert headers.engineio_origin_check(None, {}) is False


def test_in_demo_mode_socketio_lets_a_local_tool_without_origin_in(demo):
    assert headers.engineio_origin_check(None, {}) is True


def test_rxconfig_never_allows_every_origin():
    assert settings.Settings(demo_mode=True).allowed_origins == settings.DEMO_ORIGINS
    assert settings.Settings(deploy_url=DEPLOY + "/").allowed_origins == (DEPLOY,)
    assert settings.Settings().allowed_origins == ()


def test_every_response_gets_the_security_headers(client, deployed):
    response = client.get("/")
    assert response.text == "a page"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["strict-transport-security"] == "max-age=63072000"
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["content-security-policy"].split(";")
    )
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    # The backend (Reflex's api_url) is reached by the page over http(s) and ws(s).
    api = get_config().api_url.rstrip("/")
    socket_origin = api.replace("https://", "wss://").replace("http://", "ws://")
    assert policy["connect-src"].split() == ["'self'", api, socket_origin]
    assert response.headers.get_list("content-security-policy") == [
        response.headers["content-security-policy"]
    ]
    # Errors too.
    assert client.get("/nothing-here").headers["x-content-type-options"] == "nosniff"


def test_no_hsts_in_demo_mode(client, demo):
    response = client.get("/")
    assert "strict-transport-security" not in response.headers
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_header_the_response_sets_is_kept(client, deployed):
    assert client.get("/own").headers.get_list("x-frame-options") == ["SAMEORIGIN"]
