"""app_user email unique in any letter case: ux_app_user_email_lower on lower(email)

Revision ID: d430c3a55be2
Revises: 22f251c90993
Create Date: 2026-12-08 09:30:00.000000

Users are found by lower(email) (sign-in, the accounts tool, invitations), but the
column was unique only as typed: two saves at once with "Ada@x.example" and
"ada@x.example" could make two users. The unique index on lower(email) lets only one of
them in. Addresses already stored twice in different letter case would make the index
fail: the migration looks for them first and, when there are any, stops before changing
anything, saying how many there are, which users (ids, addresses shortened) and what to
do.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = "d430c3a55be2"
down_revision: Union[str, Sequence[str], None] = "22f251c90993"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEX = "ux_app_user_email_lower"
SHOWN_MAX = 20  # duplicates named in the message; the count covers them all


class DuplicateAddresses(RuntimeError):
    """Users share an address in different letter case: the index cannot be made."""


def shortened(address: str) -> str:
    """An address as the message shows it: the first letter of the part before the @,
    then "***", then the domain ("a***@x.example"), so that a log of the migration does
    not hold whole addresses."""
    local, at, domain = address.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else f"{address[:1]}***"


def duplicates(connection) -> list[tuple[str, list[int]]]:
    """Each address (in lower case, as the index has it) held by more than one user,
    with the users' ids in order."""
    rows = connection.execute(
        sa.text(
            "SELECT lower(email), id FROM app_user WHERE lower(email) IN "
            "(SELECT lower(email) FROM app_user GROUP BY lower(email) HAVING count(*) > 1) "
            "ORDER BY lower(email), id"
        )
    ).all()
    found: dict[str, list[int]] = {}
    for key, user_id in rows:
        found.setdefault(key, []).append(user_id)
    return list(found.items())


def _unicode_lower(connection) -> None:
    # SQLite: the app's lower() (services/database.py: Unicode, as Python's), so that
    # the index holds what the app's connections compute.
    connection.connection.driver_connection.create_function(
        "lower", 1, lambda v: v.lower() if isinstance(v, str) else v, deterministic=True
    )


def upgrade() -> None:
    """Upgrade schema."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _unicode_lower(connection)
    found = duplicates(connection)
    if found:
        named = "; ".join(
            f"{shortened(email)}: users {', '.join(str(i) for i in ids)}"
            for email, ids in found[:SHOWN_MAX]
        )
        more = f" (and {len(found) - SHOWN_MAX} more)" if len(found) > SHOWN_MAX else ""
        raise DuplicateAddresses(
            f"{len(found)} email address(es) belong to more than one user when letter case "
            f"is ignored: {named}{more}. Nothing was changed. Keep one user per address: "
            "give each other user of it another address (UPDATE app_user SET email = "
            "'...' WHERE id = ...), deactivating them first if they should no longer sign "
            "in (python -m cloudlink_app.accounts deactivate), then run the migrations "
            "again."
        )
    op.create_index(INDEX, "app_user", [sa.text("lower(email)")], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(INDEX, table_name="app_user")
