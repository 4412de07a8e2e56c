"""The running app's security headers and the websocket's Origin check, as a browser
(and another site's page) meets them.

The harness serves the pages through the app's own middleware (tests/support/harness.py),
as `reflex run --env prod` does, so every browser test runs under the
Content-Security-Policy, and fails on any violation Chromium reports
(tests/e2e/conftest.py, fail_on_policy_violation).
"""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from reflex.config import get_config

from tests.support.browser import create_customer, field, fill_gateway, next_to


def _upgrade_status(origin: str | None) -> int:
    """The HTTP status the backend answers a websocket upgrade of Reflex's event
    endpoint with, sent with this Origin header (None: without one)."""
    backend = urlsplit(get_config().api_url)
    lines = [
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1",
        f"Host: {backend.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    assert backend.hostname and backend.port
    with socket.create_connection((backend.hostname, backend.port), timeout=5) as conn:
        conn.sendall(request)
        status_line = conn.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_only_the_apps_own_origin_opens_the_websocket(app_harness):
    own = "{0.scheme}://{0.netloc}".format(urlsplit(app_harness.frontend_url))
    assert _upgrade_status(own) == 101
    assert _upgrade_status("https://evil.example") == 403
    assert _upgrade_status(own + ".evil.example") == 403
    assert _upgrade_status("null") == 403


def test_pages_carry_the_security_headers(signed_out_page: Page):
    response = signed_out_page.goto("/sign-in")
    assert response is not None and response.ok
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    # Scripts: the app's own files and the built pages' inline scripts by their hashes;
    # nothing evaluated, nothing inline that the build did not make.
    (script_src,) = [d.strip() for d in policy.split(";") if d.strip().startswith("script-src")]
    assert "'unsafe-eval'" not in script_src and "'unsafe-inline'" not in script_src
    assert "'sha256-" in script_src
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    # The browser tests run outside demo mode, as production does.
    assert headers["strict-transport-security"].startswith("max-age=")
    # The backend's own responses carry them too.
    health = signed_out_page.request.get(get_config().api_url.rstrip("/") + "/ping")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in health.headers["content-security-policy"]


def test_the_sign_in_page_works_under_the_policy(signed_out_page: Page):
    # Scripts, styles, the websocket and the form posted to the backend.
    signed_out_page.goto("/sign-in")
    signed_out_page.get_by_label("Email address").fill("nobody@northwind.example")
    signed_out_page.get_by_label("Password").fill("not the password")
    signed_out_page.get_by_role("button", name="Sign in").click()
    expect(signed_out_page.locator("#sign-in-error")).to_be_visible()
    # The title is set and the focus moved by the page itself (page_effects.jsx).
    expect(signed_out_page).to_have_title(re.compile(r"^Error: "))
    expect(signed_out_page.locator("#sign-in-error")).to_be_focused()


def test_the_wizard_works_under_the_policy(page: Page, pbx_listener):
    create_customer(page, "Policy Check BV")
    fill_gateway(page, "appliance", "001a.2b3c.4d5f")
    next_to(page, "PBX")
    field(page, "PBX type").select_option("mivoice_business")
    field(page, "PBX address").fill("127.0.0.1")
    field(page, "Port").fill(str(pbx_listener))
    field(page, "Port").blur()
    next_to(page, "Connect")
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text(re.compile(r"Connected to 127\.0\.0\.1:\d+ at"))).to_be_visible()
