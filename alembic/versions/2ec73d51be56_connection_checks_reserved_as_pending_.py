"""connection checks reserved as pending rows, kept after their draft

A check's row outlives its customer (the audit trail): customer_id becomes nullable
with ON DELETE SET NULL, and the row keeps the account ID and the customer's name.

Revision ID: 2ec73d51be56
Revises: 3bc4aba0900f
Create Date: 2026-11-30 23:11:59.822740

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = '2ec73d51be56'
down_revision: Union[str, Sequence[str], None] = '3bc4aba0900f'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The foreign key was created without a name: PostgreSQL named it so, and SQLite's
# batch mode (which copies the table) finds it by this naming convention.
PG_FK = "connection_check_customer_id_fkey"
BATCH_FK = "fk_connection_check_customer_id_customer"
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _replace_foreign_key(ondelete: str | None, nullable: bool) -> None:
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table(
            "connection_check", recreate="always", naming_convention=NAMING
        ) as batch_op:
            batch_op.drop_constraint(BATCH_FK, type_="foreignkey")
            batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=nullable)
            batch_op.create_foreign_key(
                BATCH_FK, "customer", ["customer_id"], ["id"], ondelete=ondelete
            )
        return
    op.drop_constraint(PG_FK, "connection_check", type_="foreignkey")
    op.alter_column(
        "connection_check", "customer_id", existing_type=sa.Integer(), nullable=nullable
    )
    op.create_foreign_key(
        PG_FK, "connection_check", "customer", ["customer_id"], ["id"], ondelete=ondelete
    )


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('connection_check', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sqlmodel.sql.sqltypes.AutoString(length=16), server_default=sa.text("('')"), nullable=False))
        batch_op.add_column(sa.Column('customer_name', sqlmodel.sql.sqltypes.AutoString(length=100), server_default=sa.text("('')"), nullable=False))
    # Rows of the checks made so far name their customer too.
    op.execute(
        "UPDATE connection_check SET "
        "account_id = (SELECT account_id FROM customer WHERE customer.id = connection_check.customer_id), "
        "customer_name = (SELECT name FROM customer WHERE customer.id = connection_check.customer_id)"
    )
    _replace_foreign_key("SET NULL", nullable=True)


def downgrade() -> None:
    """Downgrade schema."""
    # The checks of deleted drafts cannot point at a customer again.
    op.execute("DELETE FROM connection_check WHERE customer_id IS NULL")
    _replace_foreign_key(None, nullable=False)
    with op.batch_alter_table('connection_check', schema=None) as batch_op:
        batch_op.drop_column('customer_name')
        batch_op.drop_column('account_id')
