"""The trading records; their schema is owned by the migrations beside this module.

Amounts and prices are kept as decimal text: exact on every backend, where a float column would
round a price on SQLite. Times are epoch seconds, so time ranges are plain comparisons.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from hbdesk.sdk import Base


class DecimalText(TypeDecorator[Decimal]):
    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class OrderRow(Base):
    __tablename__ = "trading_orders"

    account_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    connector_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    client_order_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    trading_pair: Mapped[str] = mapped_column(String(64))
    trade_type: Mapped[str] = mapped_column(String(8))
    order_type: Mapped[str] = mapped_column(String(16))
    position_action: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    price: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    status: Mapped[str] = mapped_column(String(24))
    filled_amount: Mapped[Decimal] = mapped_column(DecimalText)
    average_fill_price: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    fee_paid: Mapped[Decimal] = mapped_column(DecimalText)
    fee_currency: Mapped[str | None] = mapped_column(String(32), nullable=True)
    exchange_order_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    owner: Mapped[str | None] = mapped_column(String(128), nullable=True)


class OrderEventRow(Base):
    """Every state an order went through, in order."""

    __tablename__ = "trading_order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_name: Mapped[str] = mapped_column(String(64))
    connector_name: Mapped[str] = mapped_column(String(128))
    client_order_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(24))
    timestamp: Mapped[float] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text)


class FillRow(Base):
    __tablename__ = "trading_fills"

    account_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    connector_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    trade_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    client_order_id: Mapped[str] = mapped_column(String(128))
    trading_pair: Mapped[str] = mapped_column(String(64))
    trade_type: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    price: Mapped[Decimal] = mapped_column(DecimalText)
    fee_paid: Mapped[Decimal] = mapped_column(DecimalText)
    fee_currency: Mapped[str | None] = mapped_column(String(32), nullable=True)
    position_action: Mapped[str] = mapped_column(String(8))
    timestamp: Mapped[float] = mapped_column(Float)


class FundingRow(Base):
    __tablename__ = "trading_funding_payments"

    account_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    connector_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    trading_pair: Mapped[str] = mapped_column(String(64), primary_key=True)
    timestamp: Mapped[float] = mapped_column(Float, primary_key=True)
    funding_rate: Mapped[Decimal] = mapped_column(DecimalText)
    funding_payment: Mapped[Decimal] = mapped_column(DecimalText)
    fee_currency: Mapped[str | None] = mapped_column(String(32), nullable=True)
    position_size: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    position_side: Mapped[str | None] = mapped_column(String(8), nullable=True)


class PositionRow(Base):
    """The last known state of each open position (live values come from the connector)."""

    __tablename__ = "trading_positions"

    account_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    connector_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    trading_pair: Mapped[str] = mapped_column(String(64), primary_key=True)
    side: Mapped[str] = mapped_column(String(8), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    entry_price: Mapped[Decimal] = mapped_column(DecimalText)
    leverage: Mapped[int] = mapped_column(Integer)
    unrealized_pnl: Mapped[Decimal] = mapped_column(DecimalText)
    updated_at: Mapped[float] = mapped_column(Float)
