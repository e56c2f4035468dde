"""Backtest tasks, their state and their results.

Revision ID: backtesting_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "backtesting_0001"
down_revision = None
branch_labels = ("backtesting",)
depends_on = "kernel_0001"


def upgrade() -> None:
    op.create_table(
        "backtest_tasks",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("engine", sa.String(16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=True),
        sa.Column("finished_at", sa.Float(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
    )
    op.create_index("ix_backtest_tasks_created_at", "backtest_tasks", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_backtest_tasks_created_at", "backtest_tasks")
    op.drop_table("backtest_tasks")
