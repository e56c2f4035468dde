"""Orders know what placed them (an executor, say).

Revision ID: trading_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "trading_0002"
down_revision = "trading_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trading_orders") as table:
        table.add_column(sa.Column("owner", sa.String(128), nullable=True))
    op.create_index("ix_trading_orders_owner", "trading_orders", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_trading_orders_owner", "trading_orders")
    with op.batch_alter_table("trading_orders") as table:
        table.drop_column("owner")
