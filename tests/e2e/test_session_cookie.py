"""The session as the browser sees it: the cookie the server sets is HttpOnly (no script
reads it), SameSite=Strict, and outside demo mode Secure with the __Host- prefix; its
token is nowhere in the state store nor in any websocket message; sign-out in one tab
ends the other tabs; and a second user signing in on the same tab sees nothing of the
first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from reflex.istate.manager.disk import StateManagerDisk

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.services import sessions
from cloudlink_app.services.database import get_session
from tests.support.browser import field, ready, seed, session_cookies

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
LIAM = "liam.peeters@contoso-comms.example"
SECRET = "Bakkerij Geheim"


def sign_in_by_form(page: Page, email: str, url: str = "/sign-in") -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)
    field(page, "Email address").fill(email)
    field(page, "Password").fill(demo_accounts.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    ready(page)


@pytest.fixture
def context(app_harness, browser, clean_customers) -> BrowserContext:
    """A new browser context without a session."""
    context = browser.new_context(base_url=app_harness.frontend_url)
    yield context
    context.close()


@pytest.mark.parametrize("demo", [False, True], ids=["production", "demo mode"])
def test_the_cookie_is_httponly_and_strict_and_secure_outside_demo_mode(context, demo):
    page = context.new_page()
    with settings.override(demo_mode=demo):
        sign_in_by_form(page, ANNA)
        (cookie,) = session_cookies(context)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    if demo:
        assert (cookie["name"], cookie["secure"]) == ("cloudlink_session", False)
    else:
        assert (cookie["name"], cookie["secure"]) == ("__Host-cloudlink_session", True)
    # No script of the page can read it.
    assert cookie["value"] not in page.evaluate("document.cookie")


def _state_store_bytes(app_harness) -> bytes:
    """Everything the app's state manager holds, as stored (the .states files)."""
    manager = app_harness.app_instance._state_manager
    assert isinstance(manager, StateManagerDisk), type(manager)
    return b"".join(Path(p).read_bytes() for p in Path(manager.states_directory).glob("*"))


def test_the_token_is_nowhere_in_the_state_store_or_the_websocket(context, app_harness):
    frames: list[str] = []

    def watch(ws) -> None:
        for kind in ("framereceived", "framesent"):
            ws.on(kind, lambda payload: frames.append(str(payload)))

    page = context.new_page()
    page.on("websocket", watch)
    sign_in_by_form(page, ANNA)
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    ready(page)
    field(page, "Customer name").fill("Bakkerij Jansen")
    field(page, "Customer name").blur()
    page.reload()
    ready(page)
    (cookie,) = session_cookies(context)
    token = cookie["value"]
    token_hash = sessions.hash_from_header(sessions.session_header(token))
    assert token_hash is not None
    assert frames, "no websocket message was seen"
    assert not [f for f in frames if token in f]
    assert not [f for f in frames if token_hash in f]
    # The disk state manager writes the tab's state after the events: wait for it.
    page.wait_for_timeout(1500)
    stored = _state_store_bytes(app_harness)
    assert b"Bakkerij Jansen" in stored, "the tab's state was not found in the store"
    assert token.encode() not in stored


def test_sign_out_in_one_tab_ends_the_other_tab(context):
    first = context.new_page()
    sign_in_by_form(first, ANNA)
    second = context.new_page()
    second.goto("/")
    expect(second.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    ready(second)

    first.get_by_role("button", name="Sign out").click()
    expect(first).to_have_url(re.compile(r"/sign-in/?$"))

    # The other tab's next action finds no session: it is sent to sign in.
    second.get_by_role("button", name="Create customer").click()
    expect(second).to_have_url(re.compile(r"/sign-in/?\?next="))
    expect(second.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(second.get_by_role("button", name="Sign out")).to_have_count(0)


@pytest.mark.parametrize("how", ["sign-out", "revoked"])
def test_a_second_user_on_the_same_tab_sees_nothing_of_the_first(context, how):
    seed([("Northwind Klant BV", "northwind-klant.example", "next:gateway")])
    page = context.new_page()
    sign_in_by_form(page, ANNA)
    expect(page.get_by_role("link", name="Northwind Klant BV")).to_be_visible()
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    ready(page)
    field(page, "Customer name").fill(SECRET)
    field(page, "Customer name").blur()
    page.wait_for_timeout(500)  # the typed name reaches the server

    if how == "sign-out":
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/sign-in/?$"))
    else:
        (cookie,) = session_cookies(context)
        with get_session() as session:
            assert sessions.revoke_session(session, cookie["value"])
    sign_in_by_form(page, LIAM)

    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    expect(page.get_by_text("Liam Peeters")).to_be_visible()
    expect(page.get_by_role("link", name="Northwind Klant BV")).to_have_count(0)
    expect(page.get_by_text(SECRET)).to_have_count(0)
    page.goto("/customers/new")
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    ready(page)
    expect(field(page, "Customer name")).to_have_value("")
    expect(page.get_by_text("Anna de Vries")).to_have_count(0)
