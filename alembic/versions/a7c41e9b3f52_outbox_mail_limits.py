"""mail limits: outbox_message.partner_id, held_until, held_reason

Revision ID: a7c41e9b3f52
Revises: 5c1e7a9d3b20
Create Date: 2026-12-08 12:00:00.000000

The mail limits (domain/limits.py MAIL_LIMITS, services/mail_limits.py) count each
partner's invitations and problem-report messages, and hold what goes over a limit in
the outbox until the window it waits for. ``partner_id``: whose limits a message counts
in, filled here for the invitations and reports written so far (their customer's
partner), so that today's count includes them; ``held_until`` and ``held_reason``:
when a held message goes and which limit held it.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = "a7c41e9b3f52"
down_revision: Union[str, Sequence[str], None] = "5c1e7a9d3b20"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FOREIGN_KEY = "fk_outbox_message_partner_id_partner"
INDEX = "ix_outbox_message_partner_id"
LIMITED_KINDS = ("invitation", "problem_report")  # as the app of this revision writes them


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("held_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "held_reason",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index(INDEX, ["partner_id"], unique=False)
        batch_op.create_foreign_key(FOREIGN_KEY, "partner", ["partner_id"], ["id"])
    op.execute(
        sa.text(
            "UPDATE outbox_message SET partner_id = (SELECT customer.partner_id FROM customer "
            "WHERE customer.id = outbox_message.customer_id) "
            "WHERE customer_id IS NOT NULL AND kind IN ('invitation', 'problem_report')"
        )
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_index(INDEX)
        batch_op.drop_column("held_reason")
        batch_op.drop_column("held_until")
        batch_op.drop_column("partner_id")
