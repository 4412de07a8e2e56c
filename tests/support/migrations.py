"""Migrations run over a database made before them, with rows they must handle: the one
that added ``partner.is_demo``, and the one that made app_user's email unique in any
letter case (the same checks on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from alembic import command
from tests.support.postgres import alembic_config

# The revision before the one that added partner.is_demo (3bc4aba0900f).
BEFORE_IS_DEMO = "db5a0c36ac9b"
IS_DEMO = "3bc4aba0900f"


def partners_after_the_is_demo_migration(url: str) -> dict[str, bool]:
    """Migrate ``url`` (empty) to just before partner.is_demo, add a partner of a demo
    account and a real one with a user each, migrate to head; name -> is_demo."""
    config = alembic_config(url)
    command.upgrade(config, BEFORE_IS_DEMO)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            for number, (partner, email) in enumerate(
                [
                    ("Northwind Telecom", "anna.devries@northwind-telecom.example"),
                    ("Rival Telecom", "rita@rival-telecom.example"),
                ],
                start=1,
            ):
                connection.execute(
                    sa.text("INSERT INTO partner (id, name) VALUES (:id, :name)"),
                    {"id": number, "name": partner},
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO app_user (email, display_name, role, partner_id, "
                        "password_hash) VALUES (:email, 'x', 'partner', :id, '')"
                    ),
                    {"email": email, "id": number},
                )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            return dict(connection.execute(sa.text("SELECT name, is_demo FROM partner")).all())
    finally:
        engine.dispose()


# The revision before the one that made app_user's email unique in any letter case.
BEFORE_EMAIL_INDEX = "22f251c90993"
EMAIL_INDEX = "d430c3a55be2"


def users_before_the_email_index(url: str, emails: list[str]) -> None:
    """Migrate ``url`` (empty) to just before the email index and add a partner with a
    user for each of ``emails`` (ids 1, 2, ... in order)."""
    command.upgrade(alembic_config(url), BEFORE_EMAIL_INDEX)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO partner (id, name) VALUES (1, 'Northwind')"))
            for number, email in enumerate(emails, start=1):
                connection.execute(
                    sa.text(
                        "INSERT INTO app_user (id, email, display_name, role, partner_id, "
                        "password_hash) VALUES (:id, :email, 'x', 'partner', 1, '')"
                    ),
                    {"id": number, "email": email},
                )
    finally:
        engine.dispose()


def revision_and_emails(url: str) -> tuple[str, list[str]]:
    """The database's revision and its users' addresses, by id."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            emails = connection.execute(sa.text("SELECT email FROM app_user ORDER BY id"))
            return revision.scalar_one(), list(emails.scalars())
    finally:
        engine.dispose()


def duplicate_refusal(url: str) -> str:
    """Migrate ``url`` to head, which must stop at the email index; its message."""
    try:
        command.upgrade(alembic_config(url), "head")
    except RuntimeError as error:
        assert type(error).__name__ == "DuplicateAddresses", error
        return str(error)
    raise AssertionError("the migration did not stop")


SHARED = [
    "Ada.Lovelace@Analytical.example",
    "bram@northwind.example",
    "ada.lovelace@analytical.example",
    "ADA.LOVELACE@analytical.example",
    "Bram@northwind.example",
    "cleo@northwind.example",
]


def check_the_refusal(url: str) -> None:
    """With SHARED's users (two addresses shared, in three and two letter cases), the
    migration to head stops changing nothing and says how many, which users and what to
    do, without a whole address; once each has its own address, it goes through."""
    users_before_the_email_index(url, SHARED)
    message = duplicate_refusal(url)
    assert message.startswith("2 email address(es) belong to more than one user")
    assert "a***@analytical.example: users 1, 3, 4" in message
    assert "b***@northwind.example: users 2, 5" in message
    assert "Nothing was changed" in message and "UPDATE app_user SET email" in message
    assert not any(email.lower().split("@")[0] in message.lower() for email in SHARED)
    assert revision_and_emails(url) == (BEFORE_EMAIL_INDEX, SHARED)

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            for user_id in (3, 4, 5):
                connection.execute(
                    sa.text("UPDATE app_user SET email = :email WHERE id = :id"),
                    {"email": f"former-{user_id}@northwind.example", "id": user_id},
                )
    finally:
        engine.dispose()
    command.upgrade(alembic_config(url), "head")
    revision, emails = revision_and_emails(url)
    assert revision != BEFORE_EMAIL_INDEX and len(emails) == len(SHARED)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO app_user (email, display_name, role, partner_id, "
                    "password_hash) VALUES ('CLEO@northwind.example', 'x', 'partner', 1, '')"
                )
            )
    finally:
        engine.dispose()
