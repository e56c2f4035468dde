"""The controllers run live, to start them again after a restart.

Revision ID: controllers_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "controllers_0001"
down_revision = None
branch_labels = ("controllers",)
depends_on = "kernel_0001"


def upgrade() -> None:
    op.create_table(
        "controllers_live",
        sa.Column("controller_id", sa.String(128), primary_key=True),
        sa.Column("account_name", sa.String(64), nullable=False),
        sa.Column("config_name", sa.String(128), nullable=True),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("update_interval", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("controllers_live")
