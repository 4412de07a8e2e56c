"""The Set password and Change password handlers, sent as a browser would (Tab):
what they do, and crafted events (wrong types, oversized input, no session, a wrong
current password) refused with nothing written."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
from sqlmodel import Session, select

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import passwords
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser, PasswordToken, UserSession
from cloudlink_app.services import accounts, password_hashing, password_links, sessions, signing_in
from cloudlink_app.state.change_password import ChangePasswordState
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.set_password import SetPasswordState
from tests.support.backend import PAGES, backend, seen_headers
from tests.support.database import database_rows, demo_partner_id
from tests.support.refusals import USER_VARS, assert_refused
from tests.support.tabs import Sent, Tab

pytestmark = pytest.mark.asyncio
ANNA = demo_accounts.DEMO_PARTNER_EMAIL
KIM = "kim.jansen@northwind-telecom.example"
NEW = "tulip orbit kettle 42"
NEW2 = "another fine passphrase"
CURRENT, NEW_FIELD, CONFIRM = (
    passwords.CURRENT_PASSWORD,
    passwords.NEW_PASSWORD,
    passwords.CONFIRM_PASSWORD,
)
CRAFTED = [
    ("not a dict", "notice.not_text", {}),
    (None, "notice.not_text", {}),
    ({}, "notice.not_text", {}),
    ({NEW_FIELD: 1, CONFIRM: 1, CURRENT: 1}, "notice.not_text", {}),
    ({NEW_FIELD: [NEW], CONFIRM: [NEW], CURRENT: ["x"]}, "notice.not_text", {}),
    ({NEW_FIELD: {"$ne": ""}, CONFIRM: NEW, CURRENT: NEW}, "notice.not_text", {}),
    (
        {NEW_FIELD: "x" * 100_000, CONFIRM: "x" * 100_000, CURRENT: "x"},
        "notice.too_long",
        {"limit": passwords.PASSWORD_MAX},
    ),
    (
        {NEW_FIELD: NEW, CONFIRM: NEW, CURRENT: "x" * (passwords.PASSWORD_MAX + 1)},
        "notice.too_long",
        {"limit": passwords.PASSWORD_MAX},
    ),
]

CRAFTED_IDS = [
    "not a dict",
    "None",
    "empty",
    "numbers",
    "lists",
    "an object",
    "100000 characters",
    "current password too long",
]


def token_hash(database) -> str:
    with Session(database) as session:
        return session.exec(select(PasswordToken.token_hash)).one()


def password_hash(database, email: str) -> str:
    with Session(database) as session:
        return session.exec(select(AppUser.password_hash).where(AppUser.email == email)).one()


# ----- Set password ------------------------------------------------------------------


@pytest.fixture
def link_token(database) -> str:
    """A new partner user's one-time link token."""
    with settings.override(deploy_url="https://onboarding.example.com"), Session(database) as s:
        link = accounts.add_partner_user(s, KIM, "Kim Jansen", demo_partner_id(database))
    return parse_qs(urlsplit(link.url).query)[routes.LINK_TOKEN_QUERY][0]


async def open_set_password(token: str | None) -> Tab:
    """A tab on the Set password page as a browser gets there by opening the link of
    ``token`` (None: the page opened without a link): the backend's endpoint answers
    with the page's address and the link cookie, and the page's websocket goes through
    the middleware with that cookie; then the page's on_load."""
    cookies = {}
    location = routes.SET_PASSWORD
    if token is not None:
        opened = backend().get(routes.AUTH_LINK, params={routes.LINK_TOKEN_QUERY: token})
        location = opened.headers["location"]
        cookies = dict(opened.cookies)
    page = urlsplit(location)
    tab = Tab(None)
    tab.set_headers(seen_headers(backend(), "/_event/", cookies=cookies))
    query = {name: values[0] for name, values in parse_qs(page.query).items()}
    tab.open_route(routes.SET_PASSWORD, as_path=location.removeprefix(PAGES), **query)
    await tab.send(SetPasswordState, "load")
    return tab


def holds_no_token(tab: Tab, sent, token: str) -> None:
    """Neither the tab's stored state (pickled as the state manager stores it) nor
    what was sent to the browser holds the token."""
    assert token.encode() not in tab.stored()
    assert token not in repr(tab.snapshot(SetPasswordState))
    assert token not in repr(sent.deltas) + repr(sent.frontend_events)


async def test_a_valid_link_shows_the_form_and_sets_the_password(database, link_token):
    tab = await open_set_password(link_token)
    assert tab.state(SetPasswordState).link_valid
    assert token_hash(database).encode() in tab.stored()  # the link, as the page knows it
    holds_no_token(tab, Sent([], [], []), link_token)
    sent = await tab.send(
        SetPasswordState, "set_password", form_data={NEW_FIELD: NEW, CONFIRM: NEW}
    )
    # Through the backend, which clears the link cookie, to sign in (loaded anew from
    # the server by the page itself: no script is sent).
    assert tab.state(SessionState).load_url == f"http://localhost:8000{routes.AUTH_PASSWORD_SET}"
    assert sent.frontend_events == []
    holds_no_token(tab, sent, link_token)
    assert password_hashing.verify_password(password_hash(database, KIM), NEW)
    with Session(database) as session:
        assert not password_links.link_is_valid(session, link_token)
        assert signing_in.sign_in(session, KIM, NEW, "192.0.2.9").ok


@pytest.mark.parametrize("token", [None, "", "made-up-token", "x" * 5000])
async def test_an_invalid_link_shows_a_message_and_no_form(database, link_token, token):
    rows = database_rows(database)
    tab = await open_set_password(token)
    assert tab.state(SetPasswordState).link_valid is False
    assert tab.state(SetPasswordState).link_checked
    sent = await tab.send(
        SetPasswordState, "set_password", form_data={NEW_FIELD: NEW, CONFIRM: NEW}
    )
    assert sent.redirects == []
    assert database_rows(database) == rows


async def test_a_used_link_changes_nothing_the_second_time(database, link_token):
    tab = await open_set_password(link_token)
    await tab.send(SetPasswordState, "set_password", form_data={NEW_FIELD: NEW, CONFIRM: NEW})
    rows = database_rows(database)
    again = await open_set_password(link_token)
    assert again.state(SetPasswordState).link_valid is False
    sent = await again.send(
        SetPasswordState, "set_password", form_data={NEW_FIELD: NEW2, CONFIRM: NEW2}
    )
    assert sent.redirects == [] and database_rows(database) == rows


async def test_a_password_against_the_policy_shows_errors_and_writes_nothing(database, link_token):
    tab = await open_set_password(link_token)
    rows = database_rows(database)
    await tab.send(
        SetPasswordState, "set_password", form_data={NEW_FIELD: "password1234", CONFIRM: "x"}
    )
    state = tab.state(SetPasswordState)
    assert state.errors == {
        NEW_FIELD: t("new_password.common"),
        CONFIRM: t("confirm_password.mismatch"),
    }
    assert [link.field_id for link in state.error_summary] == [NEW_FIELD, CONFIRM]
    assert database_rows(database) == rows


# The Set password form has no current password field.
@pytest.mark.parametrize(("form_data", "key", "params"), CRAFTED[:-1], ids=CRAFTED_IDS[:-1])
async def test_a_crafted_set_password_is_refused(database, link_token, form_data, key, params):
    tab = await open_set_password(link_token)
    await assert_refused(
        tab, database, SetPasswordState, "set_password", t(key, **params), form_data=form_data
    )
    with Session(database) as session:
        assert password_links.link_is_valid(session, link_token)


# ----- Change password ---------------------------------------------------------------


@pytest_asyncio.fixture
async def anna(database, demo_users) -> Tab:
    """Anna's tab on the Change password page."""
    tab = Tab(ANNA)
    tab.open_route(routes.CHANGE_PASSWORD)
    sent = await tab.send(ChangePasswordState, "load")
    assert sent.redirects == []
    return tab


def token_of(tab: Tab) -> str:
    """The session cookie the tab's browser holds."""
    assert tab.cookie is not None
    return tab.cookie


async def test_change_password_stores_it_and_ends_the_other_sessions(database, demo_users, anna):
    with Session(database) as session:
        # Anna signed in on another computer too.
        other = sessions.create_session(session, demo_users[ANNA])
    form = {CURRENT: demo_accounts.DEMO_PASSWORD, NEW_FIELD: NEW, CONFIRM: NEW}
    sent = await anna.send(ChangePasswordState, "change_password", form_data=form)
    state = anna.state(ChangePasswordState)
    assert state.errors == {} and state.done == t("change_password.done")
    assert sent.redirects == []
    assert password_hashing.verify_password(password_hash(database, ANNA), NEW)
    with Session(database) as session:
        assert sessions.user_for_token(session, token_of(anna)) is not None  # this one stays
        assert sessions.user_for_token(session, other) is None
        assert not signing_in.sign_in(session, ANNA, demo_accounts.DEMO_PASSWORD, "192.0.2.3").ok
        assert signing_in.sign_in(session, ANNA, NEW, "192.0.2.4").ok


async def test_a_wrong_current_password_is_refused_and_only_counted(database, anna):
    rows = database_rows(database)
    form = {CURRENT: "not-the-password", NEW_FIELD: NEW, CONFIRM: NEW}
    await anna.send(ChangePasswordState, "change_password", form_data=form)
    assert anna.state(ChangePasswordState).errors == {CURRENT: t("current_password.wrong")}
    after = database_rows(database)
    # Nothing changes but the throttle's count of failed password checks.
    assert len(after.pop("sign_in_attempt")) == len(rows.pop("sign_in_attempt")) + 1
    assert after == rows


async def test_guessing_the_current_password_is_throttled_like_sign_in(database, anna):
    """A stolen session cannot guess the password faster than the sign-in page allows:
    after the free failures even the right current password waits, nothing changes."""
    wrong = {CURRENT: "not-the-password", NEW_FIELD: NEW, CONFIRM: NEW}
    for _ in range(signing_in.PAIR_LIMIT.free):
        await anna.send(ChangePasswordState, "change_password", form_data=wrong)
    right = {CURRENT: demo_accounts.DEMO_PASSWORD, NEW_FIELD: NEW, CONFIRM: NEW}
    await anna.send(ChangePasswordState, "change_password", form_data=right)
    (error,) = anna.state(ChangePasswordState).errors.values()
    assert error.startswith("Too many wrong passwords")
    assert password_hashing.verify_password(
        password_hash(database, ANNA), demo_accounts.DEMO_PASSWORD
    )


async def test_the_policy_applies_to_a_changed_password(database, anna):
    rows = database_rows(database)
    form = {CURRENT: demo_accounts.DEMO_PASSWORD, NEW_FIELD: ANNA, CONFIRM: ANNA}
    await anna.send(ChangePasswordState, "change_password", form_data=form)
    assert anna.state(ChangePasswordState).errors == {NEW_FIELD: t("new_password.is_email")}
    assert database_rows(database) == rows


@pytest.mark.parametrize(("form_data", "key", "params"), CRAFTED, ids=CRAFTED_IDS)
async def test_a_crafted_change_password_is_refused(database, anna, form_data, key, params):
    await assert_refused(
        anna,
        database,
        ChangePasswordState,
        "change_password",
        t(key, **params),
        ignore=USER_VARS,
        form_data=form_data,
    )


async def test_without_a_session_change_password_is_refused(database, anna, caplog):
    anna.sign_out()
    # The tab's next event first resets it (state/clean_tab.FollowSession); what the handler
    # itself changes is measured from there.
    await anna.follow_session()
    form = {CURRENT: demo_accounts.DEMO_PASSWORD, NEW_FIELD: NEW, CONFIRM: NEW}
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        await assert_refused(
            anna,
            database,
            ChangePasswordState,
            "change_password",
            t("notice.not_signed_in"),
            ignore=USER_VARS,
            form_data=form,
        )
    assert password_hashing.verify_password(
        password_hash(database, ANNA), demo_accounts.DEMO_PASSWORD
    )


async def test_the_page_without_a_session_sends_to_sign_in(database):
    tab = Tab(None)
    tab.open_route(routes.CHANGE_PASSWORD)
    sent = await tab.send(ChangePasswordState, "load")
    assert sent.redirects == [routes.sign_in_url(routes.CHANGE_PASSWORD)]


async def test_an_account_admin_may_change_their_password_too(database, demo_users):
    admin = "sanne@vandermeer-bakkerij.nl"
    tab = Tab(admin)
    tab.open_route(routes.CHANGE_PASSWORD)
    assert (await tab.send(ChangePasswordState, "load")).redirects == []
    form = {CURRENT: demo_accounts.DEMO_PASSWORD, NEW_FIELD: NEW, CONFIRM: NEW}
    await tab.send(ChangePasswordState, "change_password", form_data=form)
    assert password_hashing.verify_password(password_hash(database, admin), NEW)
    with Session(database) as session:
        assert session.exec(select(UserSession.revoked_at)).all() == [None]
