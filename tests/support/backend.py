"""The backend's own HTTP layer (cloudlink_app/http) around a stand-in for Reflex, for
Starlette's TestClient: the sign-in and sign-out endpoints, and what the middleware
hands on to Reflex (the stand-in answers with the headers it received)."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from cloudlink_app import http

# The origin of the app's pages in the unit tests (Reflex's default deploy_url).
PAGES = "http://localhost:3000"


async def echo_headers(scope: Scope, receive: Receive, send: Send) -> None:
    """A stand-in for Reflex: answers any HTTP request with the headers it got."""
    body = json.dumps([[n.decode(), v.decode()] for n, v in scope["headers"]]).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def backend() -> TestClient:
    """The app's api_transformers around the stand-in, applied as Reflex applies them."""
    app = echo_headers
    for transformer in http.api_transformers():
        if isinstance(transformer, Starlette):
            transformer.mount("", app)
            app = transformer
        else:
            app = transformer(app)
    # https: the session cookie is Secure outside demo mode.
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


def seen_headers(client: TestClient, path: str = "/_event/", **kwargs) -> dict[str, str]:
    """The headers the stand-in for Reflex received for a GET of ``path``."""
    response = client.get(path, **kwargs)
    return dict(response.json())


def post_sign_in(client: TestClient, email: str, password: str, next_path: str = "", **kw):
    """The sign-in form, posted from the app's page."""
    return client.post(
        "/auth/sign-in",
        data={"email": email, "password": password, "next": next_path},
        headers={"origin": PAGES, **kw.pop("headers", {})},
        **kw,
    )
