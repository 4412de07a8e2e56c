"""A user's saved UI language (services/users.py): read when a page loads, written when
the user switches language; a missing user or an unchanged language writes nothing."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import AppUser
from cloudlink_app.services import users


@contextlib.contextmanager
def writes(engine):
    """The INSERT, UPDATE and DELETE statements sent while the block runs."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def anna_id(engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(AppUser.id).where(AppUser.email == demo_accounts.DEMO_PARTNER_EMAIL)
        ).one()


def stored_language(engine, user_id: int) -> str | None:
    with Session(engine) as session:
        return session.exec(select(AppUser.ui_language).where(AppUser.id == user_id)).one()


def test_a_user_who_never_chose_has_no_language(database, session):
    assert users.ui_language_of(session, anna_id(database)) is None


def test_a_saved_language_is_stored_and_read_back(database):
    anna = anna_id(database)
    with Session(database) as session:
        users.save_ui_language(session, anna, "nl")
    assert stored_language(database, anna) == "nl"
    with Session(database) as session:
        assert users.ui_language_of(session, anna) == "nl"
        users.save_ui_language(session, anna, "en")
    assert stored_language(database, anna) == "en"


def test_saving_the_language_a_user_has_writes_nothing(database):
    anna = anna_id(database)
    with Session(database) as session:
        users.save_ui_language(session, anna, "nl")
    with Session(database) as session, writes(database) as sent:
        users.save_ui_language(session, anna, "nl")
    assert sent == []
    assert stored_language(database, anna) == "nl"


def test_a_missing_user_has_no_language_and_gets_none_saved(database, session):
    missing = anna_id(database) + 1000
    assert users.ui_language_of(session, missing) is None
    with writes(database) as sent:
        users.save_ui_language(session, missing, "nl")
    assert sent == []
    assert session.get(AppUser, missing) is None
