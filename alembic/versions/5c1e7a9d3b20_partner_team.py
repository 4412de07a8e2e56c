"""the partner's team: partner admins, customers selected per user, the team's audit trail

Revision ID: 5c1e7a9d3b20
Revises: d430c3a55be2
Create Date: 2026-12-07 04:00:00.000000

A partner admin is a partner user who also runs the partner's team (role
"partner_admin"). So that no partner is left without one, each partner's earliest
active partner user (the lowest id: the first one an operator made) becomes its
partner admin. A partner user sees every customer (``all_customers``, true for everyone
already there) or the ones in ``user_customer``; ``team_event`` records who invited,
changed or deactivated whom.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = "5c1e7a9d3b20"
down_revision: Union[str, Sequence[str], None] = "d430c3a55be2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The earliest active partner user of each partner that has no partner admin yet.
MAKE_ADMINS = """
UPDATE app_user SET role = 'partner_admin'
WHERE id IN (
    SELECT min(u.id) FROM app_user u
    WHERE u.role = 'partner' AND u.active
      AND NOT EXISTS (
          SELECT 1 FROM app_user a
          WHERE a.partner_id = u.partner_id AND a.role = 'partner_admin'
      )
    GROUP BY u.partner_id
)
"""


def upgrade() -> None:
    """Upgrade schema."""
    # Not in batch mode: on SQLite that copies the table, and the copy would lose the
    # index on lower(email) (an expression index, which SQLite's reflection skips).
    op.add_column(
        "app_user",
        sa.Column("all_customers", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.create_table(
        "user_customer",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "customer_id"),
    )
    op.create_index(
        op.f("ix_user_customer_customer_id"), "user_customer", ["customer_id"], unique=False
    )
    op.create_table(
        "team_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_team_event_partner_id"), "team_event", ["partner_id"], unique=False)
    op.create_index("ix_team_event_member_at", "team_event", ["member_id", "at"], unique=False)
    op.execute(MAKE_ADMINS)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("UPDATE app_user SET role = 'partner' WHERE role = 'partner_admin'")
    op.drop_index("ix_team_event_member_at", table_name="team_event")
    op.drop_index(op.f("ix_team_event_partner_id"), table_name="team_event")
    op.drop_table("team_event")
    op.drop_index(op.f("ix_user_customer_customer_id"), table_name="user_customer")
    op.drop_table("user_customer")
    # SQLite drops a column in place since 3.35 (the index on lower(email) stays).
    op.drop_column("app_user", "all_customers")
