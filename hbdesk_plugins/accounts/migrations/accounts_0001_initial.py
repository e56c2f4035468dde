"""Accounts and their encrypted credentials.

Revision ID: accounts_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "accounts_0001"
down_revision = None
branch_labels = ("accounts",)
depends_on = "kernel_0001"


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "credentials",
        sa.Column(
            "account_name",
            sa.String(64),
            sa.ForeignKey("accounts.name", ondelete="CASCADE", name="fk_credentials_account_name_accounts"),
            primary_key=True,
        ),
        sa.Column("connector_name", sa.String(128), primary_key=True),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_detail", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("credentials")
    op.drop_table("accounts")
