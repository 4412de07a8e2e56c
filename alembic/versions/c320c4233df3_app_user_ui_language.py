"""app_user ui_language: the UI language a user chose last (None: never chosen)

Revision ID: c320c4233df3
Revises: 2ec73d51be56
Create Date: 2026-12-01 02:52:48.847768

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = "c320c4233df3"
down_revision: Union[str, Sequence[str], None] = "2ec73d51be56"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ui_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("ui_language")
