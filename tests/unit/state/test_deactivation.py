"""Deactivating a user (services/accounts.deactivate_user): every live session of
theirs ends, their right password no longer signs in, and an open tab of theirs is
refused at its next event. Other users are not touched."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser, UserSession
from cloudlink_app.services import accounts, sessions, signing_in
from cloudlink_app.state.dashboard import DashboardState
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio
ANNA = demo_accounts.DEMO_PARTNER_EMAIL
JEROEN = "jeroen.bakker@northwind-telecom.example"


def sessions_of(session: Session, email: str) -> list[UserSession]:
    session.expire_all()
    return list(
        session.exec(
            select(UserSession)
            .join(AppUser, AppUser.id == UserSession.user_id)
            .where(AppUser.email == email)
        )
    )


async def test_deactivation_ends_every_session_and_sign_in(session, demo_users):
    anna, jeroen = demo_users[ANNA], demo_users[JEROEN]
    tokens = [sessions.create_session(session, anna) for _ in range(3)]
    other = sessions.create_session(session, jeroen)
    assert accounts.deactivate_user(session, ANNA) == 3
    for token in tokens:
        assert sessions.user_for_token(session, token) is None
    assert all(row.revoked_at is not None for row in sessions_of(session, ANNA))
    # The right password: refused, with the same answer as a wrong one.
    result = signing_in.sign_in(session, ANNA, demo_accounts.DEMO_PASSWORD, "192.0.2.7")
    assert not result.ok and not result.throttled
    # Nobody else is touched.
    assert sessions.user_for_token(session, other) is not None
    assert signing_in.sign_in(session, JEROEN, demo_accounts.DEMO_PASSWORD, "192.0.2.8").ok


async def test_an_inactive_user_is_no_user_even_with_a_live_session_row(session, demo_users):
    """The session lookup itself checks `active`: a session row that somehow stayed
    live (deactivated straight in the database) signs nobody in."""
    token = sessions.create_session(session, demo_users[ANNA])
    session.execute(sa.update(AppUser).where(AppUser.email == ANNA).values(active=False))
    session.commit()
    # Both lookups: by the token, and by its hash as the websocket's middleware has it.
    token_hash = sessions.hash_from_header(sessions.session_header(token))
    assert sessions.user_for_token(session, token) is None
    assert sessions.live_session(session, token_hash) is None
    session.execute(sa.update(AppUser).where(AppUser.email == ANNA).values(active=True))
    session.commit()
    assert sessions.user_for_token(session, token) is not None
    assert sessions.live_session(session, token_hash) is not None


async def test_an_open_tab_of_a_deactivated_user_is_refused(database, demo_users):
    tab = Tab(ANNA)
    tab.open_route("/")
    await tab.send(DashboardState, "load")
    assert tab.notice == ""
    with Session(database) as session:
        accounts.deactivate_user(session, ANNA)
    await tab.send(DashboardState, "set_search", value="Acme")
    assert tab.notice == t("notice.not_signed_in")
