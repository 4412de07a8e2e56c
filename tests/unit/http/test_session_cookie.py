"""The session cookie never reaches Reflex: the backend's middleware (cloudlink_app/http)
replaces it, on the websocket endpoint, by a keyed hash of the token, which the states
look the session up by (services/sessions.live_session); no client can choose that header."""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from reflex_base.utils import format
from sqlmodel import Session

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import AppUser, UserSession
from cloudlink_app.services import sessions
from cloudlink_app.state.session import SessionState
from tests.support.backend import backend, seen_headers
from tests.support.tabs import Tab

COOKIE = "__Host-cloudlink_session"
ANNA = demo_accounts.DEMO_PARTNER_EMAIL


def hash_of(token: str) -> str | None:
    """What user_session.token_hash holds for ``token``."""
    return sessions.hash_from_header(sessions.session_header(token))


def new_session(database, email: str = ANNA) -> str:
    with Session(database) as session:
        user_id = session.exec(sa.select(AppUser.id).where(AppUser.email == email)).scalar_one()
        return sessions.create_session(session, user_id)


# ----- the middleware ---------------------------------------------------------------


def test_the_websocket_gets_the_hash_and_never_the_cookie(database, demo_users):
    token = new_session(database)
    headers = seen_headers(backend(), cookies={COOKIE: token, "other": "1"})
    assert "cookie" not in headers
    assert headers["authorization"] == f"CloudLink-Session {hash_of(token)}"
    assert token not in repr(headers)


def test_a_forged_session_header_is_overwritten(database, demo_users):
    token = new_session(database)
    forged = f"CloudLink-Session {'0' * 64}"
    headers = seen_headers(backend(), cookies={COOKIE: token}, headers={"Authorization": forged})
    assert headers["authorization"] == f"CloudLink-Session {hash_of(token)}"


@pytest.mark.parametrize("path", ["/_event/", "/ping", "/anything"])
def test_without_a_cookie_no_client_header_gets_through(path):
    headers = seen_headers(
        backend(), path, headers={"Authorization": f"CloudLink-Session {'a' * 64}"}
    )
    assert "authorization" not in headers


def test_other_paths_keep_their_cookies_but_the_websocket_has_none(database, demo_users):
    client = backend()
    assert "cookie" in seen_headers(client, "/ping", cookies={"other": "1"})
    assert "cookie" not in seen_headers(client, "/_event/", cookies={"other": "1"})


def test_only_the_current_modes_cookie_counts(database, demo_users):
    token = new_session(database)
    headers = seen_headers(backend(), cookies={"cloudlink_session": token})
    assert "authorization" not in headers  # the demo name, outside demo mode


# ----- the lookup by hash -----------------------------------------------------------


def lookup(database, token_hash, now=None):
    with Session(database) as session:
        return sessions.live_session(session, token_hash, now=now)


def test_a_live_session_is_found_by_its_hash(database, demo_users):
    token = new_session(database)
    live = lookup(database, hash_of(token))
    assert live is not None and live.user.email == ANNA
    with Session(database) as session:
        assert session.get(UserSession, live.id).token_hash == hash_of(token)


@pytest.mark.parametrize("value", [None, "", "x" * 64, "0" * 63, 42])
def test_anything_else_finds_no_session(database, demo_users, value):
    new_session(database)
    assert lookup(database, value) is None


@pytest.mark.parametrize("how", ["revoked", "expired", "deactivated"])
def test_an_ended_session_is_not_found(database, demo_users, how):
    token = new_session(database)
    with Session(database) as session:
        if how == "revoked":
            sessions.revoke_session(session, token)
        elif how == "expired":
            past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
            session.execute(sa.update(UserSession).values(expires_at=past))
        else:
            session.execute(sa.update(AppUser).values(active=False))
        session.commit()
    assert lookup(database, hash_of(token)) is None


def test_the_header_value_is_parsed_strictly():
    token_hash = "a" * 64
    assert sessions.hash_from_header(f"CloudLink-Session {token_hash}") == token_hash
    for value in (None, token_hash, f"Bearer {token_hash}", "CloudLink-Session short", 1):
        assert sessions.hash_from_header(value) is None


# ----- the states -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_tab_is_signed_in_only_through_the_header(database, demo_users):
    tab = Tab(None)
    token = new_session(database)
    tab.connect(token)
    state = tab.state(SessionState)
    assert state._current_user().email == ANNA
    # The token itself in any header is nothing.
    tab.set_headers({"authorization": f"CloudLink-Session {token}", "cookie": token})
    await tab.send(SessionState, "dismiss_notice")
    assert state.user_name == ""


@pytest.mark.asyncio
async def test_reflex_never_sends_the_session_header_to_the_browser(database, demo_users):
    tab = Tab(ANNA)
    sent = await tab.follow_session()
    # As Reflex serializes an update for the websocket.
    message = format.json_dumps(sent.deltas)
    assert "Anna de Vries" in message or "authorization" not in message
    token_hash = hash_of(tab.cookie or "")
    assert token_hash is not None and token_hash in repr(sent.deltas)  # held on the server
    assert token_hash not in message and (tab.cookie or "") not in message
