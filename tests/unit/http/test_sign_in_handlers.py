"""Signing in and out through the backend's endpoints (cloudlink_app/http), and the
sign-in page's load.

One message for a wrong password and an unknown email; another once sign-in is slowed
down; on success the HttpOnly session cookie is set (by the server: no event handler
ever sees it) and the browser goes to the page it asked for, when that is a path of
this app, else to the user's start page; a crafted "next" never leads off the site;
crafted forms sign nobody in; a form from another origin is refused; Sign out ends the
session on the server and clears the cookie. (services/signing_in.py and sessions.py
have their own tests: test_sessions.py, test_sign_in_throttle.py.)
"""

from __future__ import annotations

import logging
import urllib.parse
from http.cookies import SimpleCookie

import pytest
from sqlmodel import Session

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.http import cookies
from cloudlink_app.models import SignInAttempt
from cloudlink_app.services import sessions, signing_in, users
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.sign_in import SignInState
from tests.support.backend import PAGES, backend, post_sign_in
from tests.support.database import count, database_rows
from tests.support.tabs import Tab

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
SANNE = "sanne@vandermeer-bakkerij.nl"
PASSWORD = demo_accounts.DEMO_PASSWORD
FAILED = t("sign_in.failed")
THROTTLED = t("sign_in.throttled")


def on_sign_in_page(query: dict[str, str] | None = None) -> Tab:
    """A tab without a session on /sign-in (with ?next=..., ?error=...)."""
    tab = Tab(None)
    query = query or {}
    as_path = routes.SIGN_IN + (f"?{urllib.parse.urlencode(query)}" if query else "")
    tab.open_route(routes.SIGN_IN, as_path=as_path, **query)
    return tab


def set_cookie(response) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookie.load(header)
    return cookie


def token_of(response) -> str | None:
    morsel = set_cookie(response).get(cookies.cookie_name())
    return morsel.value if morsel is not None and morsel.value else None


def user_of(database, token: str | None) -> users.CurrentUser | None:
    with Session(database) as session:
        return sessions.user_for_token(session, token)


def sign_in(email: object, password: object, next_path: str = ""):
    return post_sign_in(backend(), email, password, next_path)  # type: ignore[arg-type]


def error_url(error: str, next_path: str = "") -> str:
    return PAGES + routes.sign_in_error_url(next_path, error)


# ----- failures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "password"),
    [(ANNA, "not-the-password"), ("nobody@northwind-telecom.example", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_a_failure_goes_back_to_sign_in_with_one_reason(database, demo_users, email, password):
    response = sign_in(email, password, "/customers/new")
    assert response.status_code == 303
    assert response.headers["location"] == error_url(routes.SIGN_IN_FAILED, "/customers/new")
    assert token_of(response) is None
    assert email not in response.headers["location"]


def test_a_wrong_password_is_counted(database, demo_users):
    sign_in(ANNA, "not-the-password")
    assert count(database, SignInAttempt) == 1


def test_a_throttled_sign_in_says_so(database, demo_users, monkeypatch):
    async def throttled(*args):
        return signing_in.SignInResult(token=None, user=None, throttled=True, retry_after=4.0)

    monkeypatch.setattr(signing_in, "sign_in_async", throttled)
    response = sign_in(ANNA, PASSWORD)
    assert response.headers["location"] == error_url(routes.SIGN_IN_THROTTLED)
    assert token_of(response) is None


def test_a_failure_is_logged_without_what_was_typed(database, demo_users, caplog):
    with caplog.at_level(logging.INFO):
        sign_in("secret-typo@example.com", "hunter2-secret")
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "refused" in text.lower()
    assert "secret-typo" not in text and "hunter2" not in text


@pytest.mark.parametrize(
    "body",
    [
        "email=a@b.example",
        "",
        "email=" + "a" * 100_000 + "&password=x",
        "password=" + PASSWORD,
        "\xff\xfe",
    ],
    ids=["no password", "empty", "huge", "no email", "not utf-8"],
)
def test_crafted_forms_sign_nobody_in(database, demo_users, body):
    rows_before = database_rows(database)
    response = backend().post(
        "/auth/sign-in",
        content=body.encode("latin-1"),
        headers={"origin": PAGES, "content-type": "application/x-www-form-urlencoded"},
    )
    assert token_of(response) is None
    assert response.status_code in (303, 403)
    rows_after = database_rows(database)
    rows_before.pop("sign_in_attempt", None), rows_after.pop("sign_in_attempt", None)
    assert rows_after == rows_before


def test_a_json_body_is_not_the_form(database, demo_users):
    response = backend().post(
        "/auth/sign-in", json={"email": ANNA, "password": PASSWORD}, headers={"origin": PAGES}
    )
    assert response.status_code == 403 and token_of(response) is None


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:3001"])
def test_a_form_from_another_origin_is_refused(database, demo_users, origin):
    response = post_sign_in(backend(), ANNA, PASSWORD, headers={"origin": origin})
    assert response.status_code == 403
    assert token_of(response) is None
    assert count(database, SignInAttempt) == 0


# ----- success ------------------------------------------------------------------------


def test_success_sets_an_httponly_secure_host_cookie_and_opens_the_dashboard(database, demo_users):
    response = sign_in(ANNA, PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == PAGES + routes.DASHBOARD
    morsel = set_cookie(response)["__Host-cloudlink_session"]
    assert morsel["httponly"] and morsel["secure"]
    assert morsel["samesite"] == "strict" and morsel["path"] == "/"
    assert not morsel["domain"]
    assert int(morsel["max-age"]) == int(sessions.SESSION_LIFETIME.total_seconds())
    assert user_of(database, morsel.value).email == ANNA
    assert response.headers["cache-control"] == "no-store"


def test_in_demo_mode_the_cookie_has_no_secure_flag_nor_prefix(database, demo_users):
    with settings.override(demo_mode=True):
        response = sign_in(ANNA, PASSWORD)
    # The session cookie and the known-device cookie (test_known_device_cookie.py).
    assert set(set_cookie(response).keys()) == {"cloudlink_session", "cloudlink_device"}
    morsel = set_cookie(response)["cloudlink_session"]
    assert morsel["httponly"] and not morsel["secure"] and morsel["samesite"] == "strict"


def test_an_account_admin_goes_to_their_account(database, demo_users):
    response = sign_in(SANNE, PASSWORD)
    assert response.headers["location"] == PAGES + routes.ACCOUNT
    assert user_of(database, token_of(response)).role == users.ACCOUNT_ADMIN_ROLE


@pytest.mark.parametrize(
    "next_path",
    [
        "/customers/new",
        "/customers/K7M4-Q2XR/gateway",
        "/customers/K7M4-Q2XR/customer?from=review",
        "/account",
        "/",
    ],
)
def test_success_returns_to_the_page_asked_for(database, demo_users, next_path):
    assert sign_in(ANNA, PASSWORD, next_path).headers["location"] == PAGES + next_path


CRAFTED_NEXT = [
    "//evil.example",
    "//evil.example/customers/new",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "/sign-in?next=//evil.example",
]


@pytest.mark.parametrize("next_path", CRAFTED_NEXT, ids=repr)
def test_a_crafted_next_never_leaves_the_site(database, demo_users, next_path):
    assert sign_in(ANNA, PASSWORD, next_path).headers["location"] == PAGES + routes.DASHBOARD
    assert sign_in(SANNE, PASSWORD, next_path).headers["location"] == PAGES + routes.ACCOUNT


def test_signing_in_again_ends_the_browsers_previous_session(database, demo_users):
    client = backend()
    first = token_of(post_sign_in(client, ANNA, PASSWORD))
    assert user_of(database, first) is not None
    second = token_of(post_sign_in(client, SANNE, PASSWORD))
    assert user_of(database, first) is None
    assert user_of(database, second).email == SANNE


# ----- the sign-in page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (routes.SIGN_IN_FAILED, FAILED),
        (routes.SIGN_IN_THROTTLED, THROTTLED),
        (routes.SIGN_IN_TIMED_OUT, t("sign_in.timed_out")),
    ],
)
@pytest.mark.asyncio
async def test_the_page_shows_the_reason_and_focuses_it(database, demo_users, error, message):
    tab = on_sign_in_page({"next": "/customers/new", routes.SIGN_IN_ERROR_QUERY: error})
    sent = await tab.send(SignInState, "load")
    state = tab.state(SignInState)
    assert (state.error, state.next_path) == (message, "/customers/new")
    assert tab.title.startswith("Error: ")
    assert tab.focused_by(sent) == "sign-in-error"


@pytest.mark.parametrize("error", ["<script>", "sign_in.failed", ""])
@pytest.mark.asyncio
async def test_an_unknown_reason_shows_nothing(database, demo_users, error):
    tab = on_sign_in_page({routes.SIGN_IN_ERROR_QUERY: error, "next": "//evil.example"})
    await tab.send(SignInState, "load")
    assert (tab.state(SignInState).error, tab.state(SignInState).next_path) == ("", "")


@pytest.mark.parametrize("next_path", CRAFTED_NEXT, ids=repr)
@pytest.mark.asyncio
async def test_a_signed_in_user_on_the_sign_in_page_goes_on_but_not_off_the_site(
    database, demo_users, next_path
):
    tab = on_sign_in_page({"next": next_path})
    tab.sign_in_as(ANNA)
    sent = await tab.send(SignInState, "load")
    assert sent.redirects == [routes.DASHBOARD]


@pytest.mark.asyncio
async def test_a_signed_in_user_on_the_sign_in_page_goes_to_the_page_asked_for(
    database, demo_users
):
    tab = on_sign_in_page({"next": "/customers/new"})
    tab.sign_in_as(ANNA)
    sent = await tab.send(SignInState, "load")
    assert sent.redirects == ["/customers/new"]


@pytest.mark.asyncio
async def test_demo_mode_lists_the_demo_accounts_and_the_password(database, demo_users):
    tab = on_sign_in_page()
    with settings.override(demo_mode=True):
        await tab.send(SignInState, "load")
    state = tab.state(SignInState)
    assert state.demo_mode is True
    assert state.demo_password == PASSWORD
    assert [a.email for a in state.demo_accounts] == [a.email for a in demo_accounts.DEMO_ACCOUNTS]


@pytest.mark.parametrize("value", [None, "", "0", "no"])
@pytest.mark.asyncio
async def test_outside_demo_mode_nothing_is_listed(database, demo_users, value):
    tab = on_sign_in_page()
    with settings.override(demo_mode=settings.parse_bool("CLOUDLINK_DEMO_MODE", value)):
        sent = await tab.send(SignInState, "load")
    state = tab.state(SignInState)
    assert (state.demo_mode, state.demo_password, state.demo_accounts) == (False, "", [])
    assert PASSWORD not in repr(sent.deltas) and ANNA not in repr(sent.deltas)


# ----- signing out ----------------------------------------------------------------------


def test_sign_out_ends_the_session_and_clears_the_cookie(database, demo_users):
    client = backend()
    token = token_of(post_sign_in(client, ANNA, PASSWORD))
    response = client.post("/auth/sign-out", headers={"origin": PAGES})
    assert response.status_code == 303
    assert response.headers["location"] == PAGES + routes.SIGN_IN
    assert user_of(database, token) is None
    morsel = set_cookie(response)["__Host-cloudlink_session"]
    assert morsel.value == "" and morsel["max-age"] == "0"
    assert morsel["secure"] and morsel["httponly"]


def test_sign_out_ends_only_this_session(database, demo_users):
    first, second = backend(), backend()
    post_sign_in(first, ANNA, PASSWORD)
    token = token_of(post_sign_in(second, ANNA, PASSWORD))
    first.post("/auth/sign-out", headers={"origin": PAGES})
    assert user_of(database, token).email == ANNA


def test_sign_out_from_another_origin_is_refused(database, demo_users):
    client = backend()
    token = token_of(post_sign_in(client, ANNA, PASSWORD))
    response = client.post("/auth/sign-out", headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert user_of(database, token) is not None


@pytest.mark.asyncio
async def test_the_old_token_does_not_sign_in_again(database, demo_users):
    client = backend()
    token = token_of(post_sign_in(client, ANNA, PASSWORD))
    client.post("/auth/sign-out", headers={"origin": PAGES})
    replay = on_sign_in_page()
    replay.connect(token)
    sent = await replay.send(SignInState, "load")
    assert sent.redirects == []  # still on the sign-in page
    assert replay.state(SessionState).user_name == ""
