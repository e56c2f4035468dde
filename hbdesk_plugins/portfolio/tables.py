"""The portfolio's tables; their schema is owned by the migrations beside this module.

A snapshot is one reading of every account's balances at one time; its balances are one row per
account, connector and token, valued at that time.
"""

from __future__ import annotations

from sqlalchemy import Double, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hbdesk.sdk import Base


class PortfolioSnapshot(Base):
    __tablename__ = "portfolio_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    taken_at: Mapped[float] = mapped_column(Double, index=True)  # seconds since the epoch (kernel clock)


class PortfolioBalance(Base):
    __tablename__ = "portfolio_balances"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    account_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    connector_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    units: Mapped[float] = mapped_column(Double)
    price: Mapped[float] = mapped_column(Double)
    value: Mapped[float] = mapped_column(Double)
    available_units: Mapped[float] = mapped_column(Double)
    # A perpetual connector's collateral: its positions' unrealised PnL and margin; NULL elsewhere.
    unrealized_pnl: Mapped[float | None] = mapped_column(Double, nullable=True)
    position_margin: Mapped[float | None] = mapped_column(Double, nullable=True)
