"""A grid: one grid executor working a price range, opened again after it closes.

The range is ``start_price``..``end_price`` when both are given, else ``range_pct`` either side of
the price when the grid opens, so the defaults trade on any pair. Buying grids (``side`` BUY) buy
the range's levels on the way down and sell each a ``take_profit`` higher; selling grids mirror it.
``stop_pct`` beyond the range's losing edge, the whole grid is closed (0: never). Once a grid has
closed, a new one opens after ``cooldown_time`` seconds, around the price of that moment.

It is a hummingbot ``ControllerBase`` (generic): hummingbot's grid executor runs it live and the
backtesting engines simulate that executor on past candles.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hummingbot.core.data_type.common import MarketDict, OrderType, PositionMode, PriceType, TradeType
from hummingbot.strategy_v2.controllers.controller_base import ControllerBase, ControllerConfigBase
from hummingbot.strategy_v2.executors.grid_executor.data_types import GridExecutorConfig
from hummingbot.strategy_v2.executors.position_executor.data_types import TripleBarrierConfig
from hummingbot.strategy_v2.models.executor_actions import CreateExecutorAction, ExecutorAction
from pydantic import Field, field_validator, model_validator

GRID_LEVEL = "grid"


class GridConfig(ControllerConfigBase):  # type: ignore[misc]  # hummingbot has no type hints
    controller_type: str = "generic"
    controller_name: str = "grid"
    connector_name: str = Field(
        default="hbdesk_sim",
        description="Connector the grid trades on.",
        json_schema_extra={"prompt": "Connector: ", "prompt_on_new": True},
    )
    trading_pair: str = Field(
        default="BTC-USDT",
        description="Pair the grid trades.",
        json_schema_extra={"prompt": "Trading pair (e.g. BTC-USDT): ", "prompt_on_new": True},
    )
    side: TradeType = Field(default=TradeType.BUY, description="BUY: buy dips, sell rises; SELL: the mirror.")
    start_price: Decimal | None = Field(
        default=None, gt=0, description="Bottom of the range (empty: from range_pct)."
    )
    end_price: Decimal | None = Field(
        default=None, gt=0, description="Top of the range (empty: from range_pct)."
    )
    range_pct: Decimal = Field(
        default=Decimal("0.02"),
        gt=0,
        lt=1,
        description="Half-width of the range around the price when start_price and end_price are empty.",
        json_schema_extra={"is_updatable": True},
    )
    stop_pct: Decimal = Field(
        default=Decimal("0.01"),
        ge=0,
        lt=1,
        description="Close the grid this far beyond the range's losing edge (0: never).",
        json_schema_extra={"is_updatable": True},
    )
    min_spread_between_orders: Decimal = Field(
        default=Decimal("0.001"),
        gt=0,
        description="Smallest gap between two levels, a fraction of the price.",
    )
    min_order_amount_quote: Decimal = Field(
        default=Decimal("5"), gt=0, description="Smallest order, in quote."
    )
    max_open_orders: int = Field(default=5, ge=1, description="Orders resting at once.")
    order_frequency: int = Field(default=0, ge=0, description="Seconds between two batches of orders.")
    take_profit: Decimal = Field(
        default=Decimal("0.002"), gt=0, description="Each level's profit target, a fraction of its price."
    )
    leverage: int = Field(default=1, ge=1, description="Leverage (1 on a spot connector).")
    position_mode: PositionMode = Field(
        default=PositionMode.ONEWAY, description="HEDGE or ONEWAY (perpetuals)."
    )
    keep_position: bool = Field(default=False, description="Keep what the grid holds when it closes.")
    cooldown_time: int = Field(
        default=60,
        ge=0,
        description="Seconds after a grid closes before the next one opens.",
        json_schema_extra={"is_updatable": True},
    )

    @field_validator("side", mode="before")
    @classmethod
    def _side_by_name(cls, value: Any) -> Any:
        if isinstance(value, str) and value.upper() in ("BUY", "SELL"):
            return TradeType[value.upper()]
        return value

    @field_validator("position_mode", mode="before")
    @classmethod
    def _mode_by_name(cls, value: Any) -> Any:
        if isinstance(value, str) and value.upper() in ("HEDGE", "ONEWAY"):
            return PositionMode[value.upper()]
        return value

    @model_validator(mode="after")
    def _range(self) -> GridConfig:
        if (self.start_price is None) != (self.end_price is None):
            raise ValueError(
                "give both start_price and end_price, or neither (range_pct then sets the range)"
            )
        if self.start_price is not None and self.end_price is not None and self.start_price >= self.end_price:
            raise ValueError("start_price must be below end_price")
        if self.side not in (TradeType.BUY, TradeType.SELL):
            raise ValueError("side must be BUY or SELL")
        return self

    def bounds(self, price: Decimal) -> tuple[Decimal, Decimal]:
        """The range a grid opened at ``price`` works."""
        if self.start_price is not None and self.end_price is not None:
            return self.start_price, self.end_price
        return price * (1 - self.range_pct), price * (1 + self.range_pct)

    def limit_price(self, start: Decimal, end: Decimal) -> Decimal:
        """Where the whole grid is closed: beyond the edge a move against the grid crosses."""
        if self.stop_pct == 0:
            return Decimal(0)
        return start * (1 - self.stop_pct) if self.side == TradeType.BUY else end * (1 + self.stop_pct)

    def update_markets(self, markets: MarketDict) -> MarketDict:
        return markets.add_or_update(self.connector_name, self.trading_pair)


class Grid(ControllerBase):  # type: ignore[misc]  # hummingbot has no type hints
    config: GridConfig

    async def update_processed_data(self) -> None:
        price = self.market_data_provider.get_price_by_type(
            self.config.connector_name, self.config.trading_pair, PriceType.MidPrice
        )
        self.processed_data["reference_price"] = Decimal(str(price))

    def determine_executor_actions(self) -> list[ExecutorAction]:
        """A new grid when none works and the cooldown since the last one has passed."""
        if any(executor.is_active for executor in self.executors_info):
            return []
        now = self.market_data_provider.time()
        closed = [e.close_timestamp for e in self.executors_info if e.close_timestamp is not None]
        if closed and now - max(closed) < self.config.cooldown_time:
            return []
        price = Decimal(str(self.processed_data.get("reference_price") or 0))
        if price <= 0:
            return []
        start, end = self.config.bounds(price)
        grid = GridExecutorConfig(
            timestamp=now,
            connector_name=self.config.connector_name,
            trading_pair=self.config.trading_pair,
            start_price=start,
            end_price=end,
            limit_price=self.config.limit_price(start, end),
            side=self.config.side,
            total_amount_quote=self.config.total_amount_quote,
            min_spread_between_orders=self.config.min_spread_between_orders,
            min_order_amount_quote=self.config.min_order_amount_quote,
            max_open_orders=self.config.max_open_orders,
            order_frequency=self.config.order_frequency,
            triple_barrier_config=TripleBarrierConfig(
                take_profit=self.config.take_profit,
                open_order_type=OrderType.LIMIT_MAKER,
                take_profit_order_type=OrderType.LIMIT_MAKER,
            ),
            leverage=self.config.leverage,
            keep_position=self.config.keep_position,
            level_id=GRID_LEVEL,
        )
        return [CreateExecutorAction(controller_id=self.config.id, executor_config=grid)]

    def to_format_status(self) -> list[str]:
        active = [e for e in self.executors_info if e.is_active]
        state = "a grid is working" if active else "waiting to open a grid"
        return [f"{self.config.connector_name} {self.config.trading_pair}: {state}"]
