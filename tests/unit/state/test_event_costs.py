"""What one event costs the database and the state manager (issue 12): a keystroke
reads the session once (FollowSession's read, reused by the handler's own checks in
the same event), the live check asks about every email domain in one query, and the
page states word their texts from their own copy of the language, so that Reflex does
not make them dependants of SessionState (with Redis, every event loaded them all)."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa
from reflex.model import get_engine
from sqlmodel import Session

from cloudlink_app.domain import forms
from cloudlink_app.services import sessions
from cloudlink_app.state.language import PAGE_LANG
from cloudlink_app.state.session import SessionState


@contextlib.contextmanager
def statements():
    """The SQL statements the app's engine sends while the block runs."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def reading(sent: list[str], table: str) -> list[str]:
    return [s for s in sent if s.upper().startswith("SELECT") and f"FROM {table}" in s]


@pytest.mark.asyncio
async def test_a_keystroke_reads_the_session_once(new_customer):
    tab = new_customer
    with statements() as sent:
        await tab.customer("set_customer_name", value="Bakkerij Jansen")
    assert tab.customer_step.customer_name == "Bakkerij Jansen"
    assert len(reading(sent, "user_session")) == 1


@pytest.mark.asyncio
async def test_each_event_reads_the_session_again(new_customer):
    tab = new_customer
    with statements() as sent:
        await tab.customer("set_customer_name", value="Bakkerij")
        await tab.customer("set_customer_name", value="Bakkerij Jansen")
    assert len(reading(sent, "user_session")) == 2


@pytest.mark.asyncio
async def test_a_session_ended_between_two_keystrokes_stops_the_second(new_customer):
    tab = new_customer
    await tab.customer("set_customer_name", value="Bakkerij")
    with Session(get_engine()) as session:
        assert sessions.revoke_session(session, tab.cookie)
    await tab.customer("set_customer_name", value="Bakkerij Jansen")
    assert tab.customer_step.customer_name != "Bakkerij Jansen"


@pytest.mark.asyncio
async def test_the_live_check_asks_about_every_domain_in_one_query(new_customer):
    tab = new_customer
    await tab.customer("set_customer_name", value="Bakkerij Jansen")
    for domain in ("jansen.example", "bakkerij-jansen.example"):
        await tab.customer("add_email_domain")
        row = tab.customer_step.email_domains[-1].id
        await tab.customer("set_email_domain", row_id=row, value=domain)
    await tab.customer("next_step")  # errors shown: every keystroke checks the form
    admin = tab.customer_step.admin_contacts[0].id
    with statements() as sent:
        await tab.customer("set_admin_email", row_id=admin, value="ada@jansen.example")
    assert len(reading(sent, "email_domain")) == 1
    assert len(reading(sent, "user_session")) == 1
    assert forms.EMAIL_DOMAINS not in tab.customer_step.errors


def test_no_page_state_depends_on_the_session_states_language():
    """No page state is loaded for every event because of SessionState's lang: every
    state of a page (each SessionState substate) reads its own copy."""
    dependants = SessionState._potentially_dirty_states
    pages = [
        state
        for state in SessionState.get_substates()
        if state.__module__.startswith("cloudlink_app.state.")
    ]
    assert len(pages) >= 14, [state.__name__ for state in pages]
    for state in pages:
        assert state.get_full_name() not in dependants, state.__name__
        assert hasattr(state, PAGE_LANG), state.__name__


@pytest.mark.asyncio
async def test_a_state_takes_the_language_over_at_its_next_event(new_customer):
    tab = new_customer
    await tab.customer("next_step")
    english = dict(tab.customer_step.errors)
    await tab.send(SessionState, "set_language", lang="nl")
    dutch = dict(tab.customer_step.errors)
    assert dutch.keys() == english.keys() and dutch != english
    # A copy left behind (as with Redis, a state not loaded at the switch) is put
    # right before the state's next event.
    setattr(tab.customer_step, PAGE_LANG, "en")
    await tab.customer("set_customer_name", value="Bakkerij Jansen")
    assert getattr(tab.customer_step, PAGE_LANG) == "nl"
    assert dict(tab.customer_step.errors).keys() >= set(dutch) - {forms.CUSTOMER_NAME}
    assert all(tab.customer_step.errors[k] == dutch[k] for k in tab.customer_step.errors)
