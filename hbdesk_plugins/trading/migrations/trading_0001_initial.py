"""Orders with their state changes, fills, funding payments and positions.

Revision ID: trading_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "trading_0001"
down_revision = None
branch_labels = ("trading",)
depends_on = "kernel_0001"

TEXT_DECIMAL = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "trading_orders",
        sa.Column("account_name", sa.String(64), primary_key=True),
        sa.Column("connector_name", sa.String(128), primary_key=True),
        sa.Column("client_order_id", sa.String(128), primary_key=True),
        sa.Column("trading_pair", sa.String(64), nullable=False),
        sa.Column("trade_type", sa.String(8), nullable=False),
        sa.Column("order_type", sa.String(16), nullable=False),
        sa.Column("position_action", sa.String(8), nullable=False),
        sa.Column("amount", TEXT_DECIMAL, nullable=False),
        sa.Column("price", TEXT_DECIMAL, nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("filled_amount", TEXT_DECIMAL, nullable=False),
        sa.Column("average_fill_price", TEXT_DECIMAL, nullable=True),
        sa.Column("fee_paid", TEXT_DECIMAL, nullable=False),
        sa.Column("fee_currency", sa.String(32), nullable=True),
        sa.Column("exchange_order_id", sa.String(128), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_trading_orders_status", "trading_orders", ["status"])
    op.create_index("ix_trading_orders_created_at", "trading_orders", ["created_at"])
    op.create_table(
        "trading_order_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("account_name", sa.String(64), nullable=False),
        sa.Column("connector_name", sa.String(128), nullable=False),
        sa.Column("client_order_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_trading_order_events_order", "trading_order_events", ["client_order_id"])
    op.create_table(
        "trading_fills",
        sa.Column("account_name", sa.String(64), primary_key=True),
        sa.Column("connector_name", sa.String(128), primary_key=True),
        sa.Column("trade_id", sa.String(128), primary_key=True),
        sa.Column("client_order_id", sa.String(128), nullable=False),
        sa.Column("trading_pair", sa.String(64), nullable=False),
        sa.Column("trade_type", sa.String(8), nullable=False),
        sa.Column("amount", TEXT_DECIMAL, nullable=False),
        sa.Column("price", TEXT_DECIMAL, nullable=False),
        sa.Column("fee_paid", TEXT_DECIMAL, nullable=False),
        sa.Column("fee_currency", sa.String(32), nullable=True),
        sa.Column("position_action", sa.String(8), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
    )
    op.create_index("ix_trading_fills_timestamp", "trading_fills", ["timestamp"])
    op.create_table(
        "trading_funding_payments",
        sa.Column("account_name", sa.String(64), primary_key=True),
        sa.Column("connector_name", sa.String(128), primary_key=True),
        sa.Column("trading_pair", sa.String(64), primary_key=True),
        sa.Column("timestamp", sa.Float(), primary_key=True),
        sa.Column("funding_rate", TEXT_DECIMAL, nullable=False),
        sa.Column("funding_payment", TEXT_DECIMAL, nullable=False),
        sa.Column("fee_currency", sa.String(32), nullable=True),
        sa.Column("position_size", TEXT_DECIMAL, nullable=True),
        sa.Column("position_side", sa.String(8), nullable=True),
    )
    op.create_table(
        "trading_positions",
        sa.Column("account_name", sa.String(64), primary_key=True),
        sa.Column("connector_name", sa.String(128), primary_key=True),
        sa.Column("trading_pair", sa.String(64), primary_key=True),
        sa.Column("side", sa.String(8), primary_key=True),
        sa.Column("amount", TEXT_DECIMAL, nullable=False),
        sa.Column("entry_price", TEXT_DECIMAL, nullable=False),
        sa.Column("leverage", sa.Integer(), nullable=False),
        sa.Column("unrealized_pnl", TEXT_DECIMAL, nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "trading_positions",
        "trading_funding_payments",
        "trading_fills",
        "trading_order_events",
        "trading_orders",
    ):
        op.drop_table(table)
