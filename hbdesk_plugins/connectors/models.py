"""Shapes of the connectors router."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TradingPairsQuery(BaseModel):
    trading_pairs: list[str] | None = Field(None, description="Only these pairs (repeat the parameter).")


class TradingRuleModel(BaseModel):
    min_order_size: float
    max_order_size: float
    min_price_increment: float
    min_base_amount_increment: float
    min_quote_amount_increment: float
    min_notional_size: float
    min_order_value: float
    max_price_significant_digits: float
    supports_limit_orders: bool
    supports_market_orders: bool
    buy_order_collateral_token: str | None
    sell_order_collateral_token: str | None

    @classmethod
    def of(cls, rule: Any) -> TradingRuleModel:
        return cls(**{name: getattr(rule, name) for name in cls.model_fields})


class OrderTypes(BaseModel):
    connector: str
    supported_order_types: list[str]
