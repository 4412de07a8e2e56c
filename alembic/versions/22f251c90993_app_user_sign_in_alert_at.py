"""app_user.sign_in_alert_at: when a user was last mailed about failed sign-ins

Revision ID: 22f251c90993
Revises: b7e2c91d4f30
Create Date: 2026-12-08 09:00:00.000000

services/sign_in_alerts.py mails a user once their account's failed sign-ins reach the
point where signing in to it is slowed down, at most once a day: this column records
the last time, and a conditional UPDATE of it decides which of several workers sends.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = "22f251c90993"
down_revision: Union[str, Sequence[str], None] = "b7e2c91d4f30"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sign_in_alert_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("sign_in_alert_at")
