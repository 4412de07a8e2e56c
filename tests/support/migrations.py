"""The migration that added ``partner.is_demo``, run over a database made before it."""

from __future__ import annotations

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
