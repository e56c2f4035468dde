"""Executors, with what rebuilds them after a restart, and the positions they were told to keep.

Revision ID: executors_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "executors_0001"
down_revision = None
branch_labels = ("executors",)
depends_on = "kernel_0001"


def upgrade() -> None:
    op.create_table(
        "executors",
        sa.Column("executor_id", sa.String(128), primary_key=True),
        sa.Column("account_name", sa.String(64), nullable=False),
        sa.Column("controller_id", sa.String(128), nullable=False),
        sa.Column("executor_type", sa.String(64), nullable=False),
        sa.Column("connector_name", sa.String(128), nullable=True),
        sa.Column("trading_pair", sa.String(64), nullable=True),
        sa.Column("markets", sa.Text(), nullable=False),
        sa.Column("side", sa.String(8), nullable=True),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("close_type", sa.String(32), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("close_timestamp", sa.Float(), nullable=True),
        sa.Column("net_pnl_quote", sa.Float(), nullable=False),
        sa.Column("net_pnl_pct", sa.Float(), nullable=False),
        sa.Column("cum_fees_quote", sa.Float(), nullable=False),
        sa.Column("filled_amount_quote", sa.Float(), nullable=False),
        sa.Column("is_trading", sa.Integer(), nullable=False),
        sa.Column("custom_info", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("logs", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_executors_status", "executors", ["status"])
    op.create_index("ix_executors_created_at", "executors", ["created_at"])
    op.create_table(
        "executor_position_holds",
        sa.Column("account_name", sa.String(64), primary_key=True),
        sa.Column("connector_name", sa.String(128), primary_key=True),
        sa.Column("trading_pair", sa.String(64), primary_key=True),
        sa.Column("controller_id", sa.String(128), primary_key=True),
        sa.Column("buy_amount_base", sa.Float(), nullable=False),
        sa.Column("buy_amount_quote", sa.Float(), nullable=False),
        sa.Column("sell_amount_base", sa.Float(), nullable=False),
        sa.Column("sell_amount_quote", sa.Float(), nullable=False),
        sa.Column("realized_pnl_quote", sa.Float(), nullable=False),
        sa.Column("cum_fees_quote", sa.Float(), nullable=False),
        sa.Column("executor_ids", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_updated", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("executor_position_holds")
    op.drop_index("ix_executors_created_at", "executors")
    op.drop_index("ix_executors_status", "executors")
    op.drop_table("executors")
