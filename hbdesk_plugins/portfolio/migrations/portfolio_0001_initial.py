"""Portfolio snapshots and the balances each one read.

Revision ID: portfolio_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "portfolio_0001"
down_revision = None
branch_labels = ("portfolio",)
depends_on = "kernel_0001"


def upgrade() -> None:
    op.create_table(
        "portfolio_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("taken_at", sa.Double(), nullable=False),
    )
    op.create_index("ix_portfolio_snapshots_taken_at", "portfolio_snapshots", ["taken_at"])
    op.create_table(
        "portfolio_balances",
        sa.Column(
            "snapshot_id",
            sa.Integer(),
            sa.ForeignKey(
                "portfolio_snapshots.id",
                ondelete="CASCADE",
                name="fk_portfolio_balances_snapshot_id_portfolio_snapshots",
            ),
            primary_key=True,
        ),
        sa.Column("account_name", sa.String(64), primary_key=True),
        sa.Column("connector_name", sa.String(128), primary_key=True),
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("units", sa.Double(), nullable=False),
        sa.Column("price", sa.Double(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("available_units", sa.Double(), nullable=False),
        sa.Column("unrealized_pnl", sa.Double(), nullable=True),
        sa.Column("position_margin", sa.Double(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("portfolio_balances")
    op.drop_index("ix_portfolio_snapshots_taken_at", table_name="portfolio_snapshots")
    op.drop_table("portfolio_snapshots")
