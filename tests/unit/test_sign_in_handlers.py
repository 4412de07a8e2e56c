"""The sign-in page's events and Sign out, through Reflex's own event processing.

One message for a wrong password and an unknown email; another once sign-in is slowed
down; on success the session cookie is set and the browser goes to the page it asked
for, when that is a path of this app, else to the user's start page; a crafted "next"
never leads off the site; crafted form data signs nobody in; Sign out ends the session
on the server. (services/auth.py has its own tests: test_sessions.py,
test_sign_in_throttle.py.)
"""

from __future__ import annotations

import logging
import urllib.parse

import pytest
from sqlmodel import Session

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import SignInAttempt
from cloudlink_app.services import auth, users
from cloudlink_app.state.base import SessionState
from cloudlink_app.state.sign_in import SignInState
from tests.support.database import count, database_rows
from tests.support.tabs import Sent, Tab

pytestmark = pytest.mark.asyncio

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
SANNE = "sanne@vandermeer-bakkerij.nl"
PASSWORD = demo_accounts.DEMO_PASSWORD
FAILED = t("sign_in.failed")
THROTTLED = t("sign_in.throttled")


def on_sign_in_page(next_path: str | None = None) -> Tab:
    """A tab without a session on /sign-in (with ?next=...)."""
    tab = Tab(None)
    if next_path is None:
        tab.open_route(routes.SIGN_IN)
    else:
        as_path = f"{routes.SIGN_IN}?{urllib.parse.urlencode({'next': next_path})}"
        tab.open_route(routes.SIGN_IN, as_path=as_path, next=next_path)
    return tab


async def sign_in(tab: Tab, email: object, password: object) -> Sent:
    return await tab.send(SignInState, "sign_in", form_data={"email": email, "password": password})


def token_of(tab: Tab) -> str:
    return tab.state(SessionState).session_token


def user_of(database, token: str) -> users.CurrentUser | None:
    with Session(database) as session:
        return auth.user_for_token(session, token)


def scripts(sent: Sent) -> str:
    return " ".join(str(event.payload) for event in sent.frontend_events)


# ----- failures -----------------------------------------------------------------------


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(database, demo_users):
    wrong_password, unknown = on_sign_in_page(), on_sign_in_page()
    sent_wrong = await sign_in(wrong_password, ANNA, "not-the-password")
    sent_unknown = await sign_in(unknown, "nobody@northwind-telecom.example", PASSWORD)
    for tab in (wrong_password, unknown):
        assert tab.state(SignInState).error == FAILED
        assert token_of(tab) == ""
    assert scripts(sent_wrong) == scripts(sent_unknown)
    assert "Error: " in scripts(sent_wrong)  # the title says so
    assert "sign-in-error" in scripts(sent_wrong)  # focus moves to the message
    assert sent_wrong.redirects == sent_unknown.redirects == []
    assert sent_wrong.changed == sent_unknown.changed


async def test_the_message_does_not_name_the_email(database, demo_users):
    tab = on_sign_in_page()
    await sign_in(tab, ANNA, "not-the-password")
    error = tab.state(SignInState).error
    assert "anna" not in error.lower() and "exist" not in error.lower()


async def test_after_five_failures_sign_in_is_slowed_down(database, demo_users):
    tab = on_sign_in_page()
    for _ in range(auth.MAX_FAILURES_PER_EMAIL):
        await sign_in(tab, ANNA, "not-the-password")
        assert tab.state(SignInState).error == FAILED
    # The right password is not even checked now.
    sent = await sign_in(tab, ANNA, PASSWORD)
    assert tab.state(SignInState).error == THROTTLED
    assert token_of(tab) == ""
    assert sent.redirects == []
    assert THROTTLED != FAILED


async def test_four_failures_still_let_the_right_password_in(database, demo_users):
    tab = on_sign_in_page()
    for _ in range(auth.MAX_FAILURES_PER_EMAIL - 1):
        await sign_in(tab, ANNA, "not-the-password")
    sent = await sign_in(tab, ANNA, PASSWORD)
    assert sent.redirects == [routes.DASHBOARD]
    assert tab.state(SignInState).error == ""


async def test_a_failure_is_logged_without_what_was_typed(database, demo_users, caplog):
    tab = on_sign_in_page()
    with caplog.at_level(logging.DEBUG):
        await sign_in(tab, "typo-" + ANNA, "Secret-Typed-Password")
    warnings = [
        r for r in caplog.records if r.name == "cloudlink_app" and r.levelno == logging.WARNING
    ]
    assert warnings
    assert "Secret-Typed-Password" not in caplog.text and "typo-" not in caplog.text


@pytest.mark.parametrize(
    "form_data",
    [
        "email=anna&password=x",
        [ANNA, PASSWORD],
        None,
        42,
        {},
        {"email": ANNA},
        {"password": PASSWORD},
        {"email": [ANNA], "password": [PASSWORD]},
        {"email": {"$ne": ""}, "password": {"$ne": ""}},
        {"email": ANNA, "password": PASSWORD * 1000},
        {"email": "a" * 1_000_000, "password": PASSWORD},
        {"email": ANNA + "\x00", "password": PASSWORD},
    ],
    ids=lambda value: repr(value)[:40],
)
async def test_crafted_form_data_signs_nobody_in_and_stores_nothing(
    database, demo_users, form_data
):
    tab = on_sign_in_page()
    rows_before = database_rows(database)
    sent = await tab.send(SignInState, "sign_in", form_data=form_data)
    assert tab.state(SignInState).error == FAILED
    assert token_of(tab) == ""
    assert sent.redirects == []
    assert database_rows(database) == rows_before


async def test_a_wrong_password_is_counted(database, demo_users):
    tab = on_sign_in_page()
    await sign_in(tab, ANNA, "not-the-password")
    assert count(database, SignInAttempt) == 1


# ----- success ------------------------------------------------------------------------


async def test_success_sets_the_session_cookie_and_opens_the_dashboard(database, demo_users):
    tab = on_sign_in_page()
    sent = await sign_in(tab, ANNA, PASSWORD)
    token = token_of(tab)
    assert "session_token" in sent.changed  # the cookie goes to the browser
    assert user_of(database, token).email == ANNA
    assert sent.redirects == [routes.DASHBOARD]
    state = tab.state(SignInState)
    assert (state.error, state.user_name, state.is_partner) == ("", "Anna de Vries", True)
    assert PASSWORD not in repr(sent.deltas)


async def test_an_account_admin_goes_to_their_account(database, demo_users):
    tab = on_sign_in_page()
    sent = await sign_in(tab, SANNE, PASSWORD)
    assert sent.redirects == [routes.ACCOUNT]
    assert user_of(database, token_of(tab)).role == users.ACCOUNT_ADMIN_ROLE


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
async def test_success_returns_to_the_page_asked_for(database, demo_users, next_path):
    tab = on_sign_in_page(next_path)
    sent = await sign_in(tab, ANNA, PASSWORD)
    assert sent.redirects == [next_path]


CRAFTED_NEXT = [
    "//evil.example",
    "//evil.example/customers/new",
    "https://evil.example",
    "https://evil.example/customers/new",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "evil.example",
    "customers/new",
    "/sign-in",
    "/sign-in?next=//evil.example",
    "/" + "a" * 400,
    "",
]


@pytest.mark.parametrize("next_path", CRAFTED_NEXT, ids=repr)
async def test_a_crafted_next_is_not_a_target(next_path):
    assert routes.safe_next(next_path) is None


@pytest.mark.parametrize("next_path", CRAFTED_NEXT, ids=repr)
async def test_a_crafted_next_never_leaves_the_site(database, demo_users, next_path):
    tab = on_sign_in_page(next_path)
    sent = await sign_in(tab, ANNA, PASSWORD)
    assert sent.redirects == [routes.DASHBOARD]


@pytest.mark.parametrize(
    "next_path",
    ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"],
    ids=repr,
)
async def test_a_crafted_next_sends_an_account_admin_to_their_account(
    database, demo_users, next_path
):
    tab = on_sign_in_page(next_path)
    sent = await sign_in(tab, SANNE, PASSWORD)
    assert sent.redirects == [routes.ACCOUNT]


@pytest.mark.parametrize("next_path", CRAFTED_NEXT, ids=repr)
async def test_a_signed_in_user_on_the_sign_in_page_goes_on_but_not_off_the_site(
    database, demo_users, next_path
):
    tab = on_sign_in_page(next_path)
    tab.sign_in_as(ANNA)
    sent = await tab.send(SignInState, "load")
    assert sent.redirects == [routes.DASHBOARD]


async def test_a_signed_in_user_on_the_sign_in_page_goes_to_the_page_asked_for(
    database, demo_users
):
    tab = on_sign_in_page("/customers/new")
    tab.sign_in_as(ANNA)
    sent = await tab.send(SignInState, "load")
    assert sent.redirects == ["/customers/new"]


async def test_success_clears_a_notice_from_before(database, demo_users):
    tab = on_sign_in_page()
    await tab.send(SessionState, "dismiss_notice")  # refused: no session
    assert tab.state(SessionState).notice == t("notice.not_signed_in")
    await sign_in(tab, ANNA, PASSWORD)
    assert tab.state(SessionState).notice == ""


async def test_a_success_clears_the_earlier_error(database, demo_users):
    tab = on_sign_in_page()
    await sign_in(tab, ANNA, "not-the-password")
    await sign_in(tab, ANNA, PASSWORD)
    assert tab.state(SignInState).error == ""


# ----- demo mode ------------------------------------------------------------------------


async def test_demo_mode_lists_the_demo_accounts_and_the_password(database, demo_users):
    tab = on_sign_in_page()
    with settings.override(demo_mode=True):
        await tab.send(SignInState, "load")
    state = tab.state(SignInState)
    assert state.demo_mode is True
    assert state.demo_password == PASSWORD
    assert [a.email for a in state.demo_accounts] == [a.email for a in demo_accounts.DEMO_ACCOUNTS]


@pytest.mark.parametrize("value", [None, "", "0", "no"])
async def test_outside_demo_mode_nothing_is_listed(database, demo_users, value):
    tab = on_sign_in_page()
    with settings.override(demo_mode=settings.parse_bool("CLOUDLINK_DEMO_MODE", value)):
        sent = await tab.send(SignInState, "load")
    state = tab.state(SignInState)
    assert (state.demo_mode, state.demo_password, state.demo_accounts) == (False, "", [])
    assert PASSWORD not in repr(sent.deltas) and ANNA not in repr(sent.deltas)


# ----- signing out ----------------------------------------------------------------------


async def test_sign_out_ends_the_session_on_the_server(database, demo_users):
    tab = on_sign_in_page()
    await sign_in(tab, ANNA, PASSWORD)
    token = token_of(tab)
    assert user_of(database, token) is not None
    sent = await tab.send(SessionState, "sign_out")
    assert user_of(database, token) is None
    assert token_of(tab) == ""
    assert "session_token" in sent.changed
    text = scripts(sent)
    assert "cloudlink_session" in text  # the cookie is removed
    assert "sessionStorage.clear()" in text  # the tab's Reflex state is dropped
    assert f'location.replace("{routes.SIGN_IN}")' in text


async def test_sign_out_ends_only_this_session(database, demo_users):
    first, second = on_sign_in_page(), on_sign_in_page()
    await sign_in(first, ANNA, PASSWORD)
    await sign_in(second, ANNA, PASSWORD)
    await first.send(SessionState, "sign_out")
    assert user_of(database, token_of(second)).email == ANNA


async def test_the_old_token_does_not_sign_in_again(database, demo_users):
    tab = on_sign_in_page()
    await sign_in(tab, ANNA, PASSWORD)
    token = token_of(tab)
    await tab.send(SessionState, "sign_out")
    replay = on_sign_in_page()
    replay.state(SessionState).session_token = token
    replay.root._clean()
    sent = await replay.send(SignInState, "load")
    assert sent.redirects == []  # still on the sign-in page
    assert replay.state(SignInState).user_name == ""
