"""Request and response models of the trading router, with the reference's field names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from hbdesk.sdk import ConnectorName, RequestModel, TradingPair, excerpt

Limit = Field(100, ge=1, le=1000)
NameList = list[ConnectorName] | None


def _decimal(value: float | str | None, label: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{label} '{excerpt(str(value))}' is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{label} must be a finite number")
    return number


class TradeRequest(RequestModel):
    account_name: ConnectorName
    connector_name: ConnectorName
    trading_pair: TradingPair
    trade_type: Literal["BUY", "SELL"]
    amount: float | str = Field(description="Base amount, greater than 0 (a number or decimal text).")
    order_type: Literal["LIMIT", "MARKET", "LIMIT_MAKER"] = "LIMIT"
    price: float | str | None = Field(None, description="Limit price; required for LIMIT and LIMIT_MAKER.")
    position_action: Literal["OPEN", "CLOSE"] = "OPEN"

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: float | str) -> float | str:
        _decimal(value, "amount")  # a number; whether it is large enough is the venue's 400 to give
        return value

    @field_validator("price")
    @classmethod
    def _price(cls, value: float | str | None) -> float | str | None:
        _decimal(value, "price")
        return value

    @property
    def amount_decimal(self) -> Decimal:
        number = _decimal(self.amount, "amount")
        assert number is not None
        return number

    @property
    def price_decimal(self) -> Decimal | None:
        return _decimal(self.price, "price")


class TradeResponse(BaseModel):
    order_id: str
    account_name: str
    connector_name: str
    trading_pair: str
    trade_type: str
    amount: str
    order_type: str
    price: str | None
    status: str = "submitted"


class ActiveOrderFilterRequest(RequestModel):
    account_names: NameList = None
    connector_names: NameList = None
    trading_pairs: list[TradingPair] | None = None
    cursor: str | None = None
    limit: int = Limit


class TimeRange(RequestModel):
    start_time: int | None = Field(None, description="Unix time in milliseconds (seconds are accepted too).")
    end_time: int | None = Field(None, description="Unix time in milliseconds (seconds are accepted too).")


class OrderFilterRequest(TimeRange):
    account_names: NameList = None
    connector_names: NameList = None
    trading_pairs: list[TradingPair] | None = None
    status: str | None = None
    cursor: str | None = None
    limit: int = Limit


class TradeFilterRequest(TimeRange):
    account_names: NameList = None
    connector_names: NameList = None
    trading_pairs: list[TradingPair] | None = None
    trade_types: list[Literal["BUY", "SELL"]] | None = None
    cursor: str | None = None
    limit: int = Limit


class PositionFilterRequest(RequestModel):
    account_names: NameList = None
    connector_names: NameList = None
    cursor: str | None = None
    limit: int = Limit


class FundingPaymentFilterRequest(TimeRange):
    account_names: NameList = None
    connector_names: NameList = None
    trading_pair: TradingPair | None = None
    cursor: str | None = None
    limit: int = Limit


class PositionModeRequest(RequestModel):
    position_mode: str = Field(max_length=16)


class LeverageRequest(RequestModel):
    trading_pair: TradingPair
    leverage: int = Field(description="1 or more; the connector says how much it allows.")


class PaginatedResponse(BaseModel):
    data: list[dict[str, Any]]
    pagination: dict[str, Any]
