"""Issue 19, item 3, in a real browser: a one-time link opened from a mail (a page of
another site) reaches the server once, at GET /auth/link. Once the Set password page has
loaded, and again after the password is set, the token (and its stored hash) is in
neither the address bar, the tab's history, any websocket frame either way, the page,
nor a cookie a script can read; in the topology run neither in nginx's access log nor
the instances' logs. The token lives only in a short-lived HttpOnly cookie, gone once
the password is set. (The tab's stored state: tests/unit/state/test_password_pages.py.)
"""

from __future__ import annotations

import html
import re
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect
from sqlmodel import select

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import PasswordToken
from cloudlink_app.services import accounts, password_links
from cloudlink_app.services.database import get_session
from tests.support import topology
from tests.support.browser import field, ready

pytestmark = pytest.mark.topology

# The user's webmail: another site, whose page links to ours.
MAIL = "https://mail.example.net/inbox"
PASSWORD = "tulip orbit kettle 42"
LINK_COOKIE = "__Host-cloudlink_link"


def new_link(app_harness) -> tuple[str, str]:
    """A new partner user's one-time link, as the accounts tool makes it for this app
    (its deploy URL: the harness's pages, or nginx), and the link's token."""
    email = f"kim.{uuid.uuid4().hex[:8]}@northwind-telecom.example"
    deploy_url = app_harness.frontend_url.rstrip("/")
    with settings.override(deploy_url=deploy_url), get_session() as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
        link = accounts.add_partner_user(session, email, "Kim Jansen", partner_id)
    assert link.url.startswith(deploy_url + routes.AUTH_LINK)
    return link.url, parse_qs(urlsplit(link.url).query)[routes.LINK_TOKEN_QUERY][0]


def stored_hash(token: str) -> str:
    """What the database holds of the link (and the websocket's header carries)."""
    token_hash = password_links.hash_of(token)
    with get_session() as session:
        row = session.exec(select(PasswordToken).where(PasswordToken.token_hash == token_hash))
        assert row.one().used_at is None
    assert token_hash is not None
    return token_hash


class Frames:
    """Every websocket frame of a tab, sent and received, as text."""

    def __init__(self, page: Page) -> None:
        self.frames: list[str] = []
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        self.frames.append(socket.url)
        socket.on("framesent", self._add)
        socket.on("framereceived", self._add)

    def _add(self, payload: str | bytes) -> None:
        self.frames.append(payload if isinstance(payload, str) else payload.decode("latin-1"))

    def text(self) -> str:
        assert len(self.frames) > 1, "no websocket frame seen"
        return "\n".join(self.frames)


def places(page: Page, frames: Frames, app_harness) -> dict[str, str]:
    """Where the token must not be: what the tab holds and sent, and the servers' logs."""
    history = page.context.new_cdp_session(page).send("Page.getNavigationHistory")
    found = {
        "address bar": page.url,
        "history": " ".join(entry["url"] for entry in history["entries"]),
        "websocket frames": frames.text(),
        "page": page.content(),
        "cookies a script can read": page.evaluate("document.cookie"),
    }
    if isinstance(app_harness, topology.Topology):
        logs = app_harness.logs()
        # The link was opened through nginx, and its access log says so.
        assert '"GET /auth/link' in logs["access.log"]
        found.update({f"log {name}": text for name, text in logs.items()})
    return found


def assert_nowhere(found: dict[str, str], *secrets: str) -> None:
    leaked = [place for place, text in found.items() if any(s in text for s in secrets)]
    assert leaked == [], f"the link's token or hash is in: {', '.join(leaked)}"


def test_the_token_of_a_link_opened_from_a_mail_stays_out_of_the_tab_and_the_logs(
    browser: Browser, app_harness, clean_customers
):
    link, token = new_link(app_harness)
    token_hash = stored_hash(token)
    context = browser.new_context(base_url=app_harness.frontend_url)
    page = context.new_page()
    frames = Frames(page)
    mail = f'<html><body><a href="{html.escape(link)}">Set your password</a></body></html>'
    page.route(MAIL, lambda route: route.fulfill(content_type="text/html", body=mail))
    page.goto(MAIL)
    page.get_by_role("link", name="Set your password").click()

    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    ready(page)
    expect(field(page, "New password")).to_be_visible()  # the link works
    assert_nowhere(places(page, frames, app_harness), token, token_hash)
    address = urlsplit(page.url)
    assert address.path.rstrip("/") == routes.SET_PASSWORD and not address.query
    # The token is in the link cookie only: HttpOnly, Secure, SameSite=Strict, for the
    # host, living 30 minutes at most.
    (cookie,) = [c for c in context.cookies() if c["name"] == LINK_COOKIE]
    assert cookie["value"] == token
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/" and 0 < cookie["expires"] - time.time() <= 30 * 60

    field(page, "New password").fill(PASSWORD)
    field(page, "Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(re.compile(r"/sign-in/?\?password=set$"))
    expect(page.get_by_text("Your password is set")).to_be_visible()
    ready(page)
    # The cookie is gone; the token is still nowhere.
    assert [c for c in context.cookies() if c["name"] == LINK_COOKIE] == []
    assert_nowhere(places(page, frames, app_harness), token, token_hash)
    context.close()
