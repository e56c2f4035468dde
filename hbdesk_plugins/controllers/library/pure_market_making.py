"""A pure market maker: a ladder of limit quotes on both sides of the mid price.

Each level (``buy_0``, ``sell_1``, ...) is one position executor that rests a limit order at its
spread from the reference price and, once filled, closes on its triple barrier (take profit, stop
loss, time limit). A quote that has not filled is replaced after ``executor_refresh_time``, or
sooner when the price has moved so far that the quote sits more than ``refresh_tolerance`` away
from where its level would now quote.

It is a hummingbot ``MarketMakingControllerBase``: hummingbot's executors run it live and the
backtesting engines run it on past candles (the reference price is then each candle's close).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hummingbot.core.data_type.common import PositionMode
from hummingbot.strategy_v2.controllers.market_making_controller_base import (
    MarketMakingControllerBase,
    MarketMakingControllerConfigBase,
)
from hummingbot.strategy_v2.executors.position_executor.data_types import PositionExecutorConfig
from hummingbot.strategy_v2.models.executor_actions import ExecutorAction, StopExecutorAction
from pydantic import Field, model_validator


class PureMarketMakingConfig(MarketMakingControllerConfigBase):  # type: ignore[misc]  # hummingbot has no type hints
    controller_name: str = "pure_market_making"
    connector_name: str = Field(
        default="hbdesk_sim",
        description="Connector to quote on.",
        json_schema_extra={"prompt": "Connector to quote on: ", "prompt_on_new": True},
    )
    trading_pair: str = Field(
        default="BTC-USDT",
        description="Pair to quote.",
        json_schema_extra={"prompt": "Trading pair (e.g. BTC-USDT): ", "prompt_on_new": True},
    )
    buy_spreads: list[float] = Field(
        default=[0.001, 0.002],
        description="Distance of each buy level below the reference price, as a fraction.",
        json_schema_extra={
            "prompt": "Buy spreads, comma separated: ",
            "prompt_on_new": True,
            "is_updatable": True,
        },
    )
    sell_spreads: list[float] = Field(
        default=[0.001, 0.002],
        description="Distance of each sell level above the reference price, as a fraction.",
        json_schema_extra={
            "prompt": "Sell spreads, comma separated: ",
            "prompt_on_new": True,
            "is_updatable": True,
        },
    )
    leverage: int = Field(default=1, ge=1, description="Leverage (1 on a spot connector).")
    position_mode: PositionMode = Field(
        default=PositionMode.ONEWAY, description="HEDGE or ONEWAY (perpetuals)."
    )
    refresh_tolerance: Decimal = Field(
        default=Decimal("0.002"),
        ge=0,
        description="Replace a resting quote early once it is this far (a fraction of the price) from"
        " where its level would now quote; 0 waits for executor_refresh_time.",
        json_schema_extra={"is_updatable": True},
    )

    @model_validator(mode="after")
    def weigh_levels_equally(self) -> PureMarketMakingConfig:
        """Levels without amounts share the budget equally (the base class's own default is only
        applied to a value given as empty, never to one left out)."""
        for side in ("buy", "sell"):
            if getattr(self, f"{side}_amounts_pct") is None:
                setattr(self, f"{side}_amounts_pct", [1.0] * len(getattr(self, f"{side}_spreads")))
        return self


class PureMarketMaking(MarketMakingControllerBase):  # type: ignore[misc]  # hummingbot has no type hints
    config: PureMarketMakingConfig

    def get_executor_config(self, level_id: str, price: Decimal, amount: Decimal) -> PositionExecutorConfig:
        """One level's quote: a limit entry at ``price``, closed on the config's barriers."""
        return PositionExecutorConfig(
            timestamp=self.market_data_provider.time(),
            level_id=level_id,
            connector_name=self.config.connector_name,
            trading_pair=self.config.trading_pair,
            entry_price=price,
            amount=amount,
            triple_barrier_config=self.config.triple_barrier_config,
            leverage=self.config.leverage,
            side=self.get_trade_type_from_level_id(level_id),
        )

    def stop_actions_proposal(self) -> list[ExecutorAction]:
        """Stale quotes (by age or by drift), each stopped once."""
        stops: dict[str, ExecutorAction] = {}
        for action in [*self.executors_to_refresh(), *self.executors_to_early_stop()]:
            stops.setdefault(action.executor_id, action)
        return list(stops.values())

    def executors_to_early_stop(self) -> list[ExecutorAction]:
        """Resting (unfilled) quotes the price has drifted away from."""
        tolerance = self.config.refresh_tolerance
        if tolerance <= 0 or "reference_price" not in self.processed_data:
            return []
        stale = []
        for executor in self.executors_info:
            level_id = executor.custom_info.get("level_id") or getattr(executor.config, "level_id", None)
            entry = getattr(executor.config, "entry_price", None)
            if not executor.is_active or executor.is_trading or not level_id or entry is None:
                continue
            if not _is_quote_level(level_id):
                continue
            wanted, _amount = self.get_price_and_amount(level_id)
            if wanted > 0 and abs(Decimal(entry) - wanted) / wanted > tolerance:
                stale.append(StopExecutorAction(controller_id=self.config.id, executor_id=executor.id))
        return stale

    def to_format_status(self) -> list[str]:
        reference = self.processed_data.get("reference_price")
        active = [e for e in self.executors_info if e.is_active]
        return [
            f"{self.config.connector_name} {self.config.trading_pair}: reference {reference},"
            f" {len(active)} quote(s) active"
        ]

    def get_custom_info(self) -> dict[str, Any]:
        return {"reference_price": str(self.processed_data.get("reference_price", ""))}


def _is_quote_level(level_id: str) -> bool:
    """``buy_0``, ``sell_2``: a ladder level (not the base's position rebalance order)."""
    side, _, index = level_id.partition("_")
    return side in ("buy", "sell") and index.isdigit()
