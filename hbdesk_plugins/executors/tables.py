"""The executors' records; their schema is owned by the migrations beside this module.

An executor's row is written before it starts and again whenever it changes: its config, its
status and figures as the API shows them, and ``state``, what rebuilds it after a restart.
JSON columns are text, the same on every backend.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hbdesk.sdk import Base


class ExecutorRow(Base):
    __tablename__ = "executors"

    executor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_name: Mapped[str] = mapped_column(String(64))
    controller_id: Mapped[str] = mapped_column(String(128))
    executor_type: Mapped[str] = mapped_column(String(64))
    connector_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    trading_pair: Mapped[str | None] = mapped_column(String(64), nullable=True)
    markets: Mapped[str] = mapped_column(Text)  # [[connector, pair], ...]
    side: Mapped[str | None] = mapped_column(String(8), nullable=True)
    config: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    close_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    close_timestamp: Mapped[float | None] = mapped_column(Float, nullable=True)
    net_pnl_quote: Mapped[float] = mapped_column(Float)
    net_pnl_pct: Mapped[float] = mapped_column(Float)
    cum_fees_quote: Mapped[float] = mapped_column(Float)
    filled_amount_quote: Mapped[float] = mapped_column(Float)
    is_trading: Mapped[int] = mapped_column(Integer)
    custom_info: Mapped[str] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_count: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    logs: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[float] = mapped_column(Float)


class PositionHoldRow(Base):
    """What executors stopped with ``keep_position`` left on the exchange, per pair and
    controller, until a trader clears it."""

    __tablename__ = "executor_position_holds"

    account_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    connector_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    trading_pair: Mapped[str] = mapped_column(String(64), primary_key=True)
    controller_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    buy_amount_base: Mapped[float] = mapped_column(Float)
    buy_amount_quote: Mapped[float] = mapped_column(Float)
    sell_amount_base: Mapped[float] = mapped_column(Float)
    sell_amount_quote: Mapped[float] = mapped_column(Float)
    realized_pnl_quote: Mapped[float] = mapped_column(Float)
    cum_fees_quote: Mapped[float] = mapped_column(Float)
    executor_ids: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # ACTIVE or CLEARED
    last_updated: Mapped[float] = mapped_column(Float)
