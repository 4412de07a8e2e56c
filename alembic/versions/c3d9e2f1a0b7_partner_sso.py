"""single sign-on: partner_sso, sso_domain, sso_request, app_user.sso_issuer/sso_subject

Revision ID: c3d9e2f1a0b7
Revises: a7c41e9b3f52
Create Date: 2026-12-07 05:00:00.000000

A partner's OpenID Connect provider (its client secret encrypted with a key derived from
CLOUDLINK_SECRET_KEY), the email domains it covers, the sign-ins under way (state,
nonce, PKCE verifier), and each user's provider subject once they signed in with it.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = "c3d9e2f1a0b7"
down_revision: Union[str, Sequence[str], None] = "a7c41e9b3f52"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "partner_sso",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("issuer", String(length=500), nullable=False),
        sa.Column("client_id", String(length=255), nullable=False),
        sa.Column("client_secret_encrypted", String(length=2000), nullable=False),
        sa.Column("allow_new_users", sa.Boolean(), nullable=False),
        sa.Column("require_sso", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.PrimaryKeyConstraint("partner_id"),
    )
    op.create_table(
        "sso_domain",
        sa.Column("domain", String(length=253), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner_sso.partner_id"]),
        sa.PrimaryKeyConstraint("domain"),
    )
    op.create_index(op.f("ix_sso_domain_partner_id"), "sso_domain", ["partner_id"])
    op.create_table(
        "sso_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", String(length=64), nullable=False),
        sa.Column("browser_hash", String(length=64), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("nonce", String(length=100), nullable=False),
        sa.Column("code_verifier", String(length=200), nullable=False),
        sa.Column("next_path", String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("state_hash"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sso_issuer", String(length=500), nullable=True))
        batch_op.add_column(sa.Column("sso_subject", String(length=255), nullable=True))
        batch_op.create_index("ux_app_user_sso_subject", ["sso_issuer", "sso_subject"], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index("ux_app_user_sso_subject")
        batch_op.drop_column("sso_subject")
        batch_op.drop_column("sso_issuer")
    op.drop_table("sso_request")
    op.drop_index(op.f("ix_sso_domain_partner_id"), table_name="sso_domain")
    op.drop_table("sso_domain")
    op.drop_table("partner_sso")
