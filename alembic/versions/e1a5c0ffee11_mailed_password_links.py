"""mailed one-time links: password_token.link_seed, outbox_message.password_token_id

Revision ID: e1a5c0ffee11
Revises: ded984ff054f
Create Date: 2026-12-01 06:00:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = "e1a5c0ffee11"
down_revision: Union[str, Sequence[str], None] = "ded984ff054f"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("password_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("link_seed", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_outbox_message_password_token_id_password_token",
            "password_token",
            ["password_token_id"],
            ["id"],
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_outbox_message_password_token_id_password_token", type_="foreignkey"
        )
        batch_op.drop_column("password_token_id")
    with op.batch_alter_table("password_token", schema=None) as batch_op:
        batch_op.drop_column("link_seed")
