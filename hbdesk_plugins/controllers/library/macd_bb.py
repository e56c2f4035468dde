"""A directional controller: MACD momentum confirmed by where the price sits in its Bollinger band.

Long when the price is low in its band (%B under ``bb_long_threshold``) while the MACD histogram
is positive (momentum turning up); short when it is high in its band (%B over
``bb_short_threshold``) while the histogram is negative. The features are computed over the whole
candles frame at once, so one call serves a live tick and a whole backtest alike.

It is a hummingbot ``DirectionalTradingControllerBase``: hummingbot's executors run it live and
both backtesting engines (hummingbot's and hbdesk's) run it on past candles.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from hummingbot.core.data_type.common import TradeType
from hummingbot.data_feed.candles_feed.data_types import CandlesConfig
from hummingbot.strategy_v2.controllers.directional_trading_controller_base import (
    DirectionalTradingControllerBase,
    DirectionalTradingControllerConfigBase,
)
from pydantic import Field, field_validator, model_validator
from pydantic_core.core_schema import ValidationInfo

FEATURES = ("bb_lower", "bb_middle", "bb_upper", "bbp", "macd", "macd_signal", "macdh", "signal")


class MACDBBControllerConfig(DirectionalTradingControllerConfigBase):  # type: ignore[misc]
    controller_name: str = "macd_bb"
    candles_connector: str | None = Field(
        default=None,
        description="Connector whose candles feed the signals (empty: the trading connector).",
        json_schema_extra={"prompt": "Candles connector (empty for the trading connector): "},
    )
    candles_trading_pair: str | None = Field(
        default=None,
        description="Pair whose candles feed the signals (empty: the traded pair).",
        json_schema_extra={"prompt": "Candles trading pair (empty for the traded pair): "},
    )
    interval: str = Field(
        default="3m",
        description="Interval of the candles the signals are computed on.",
        json_schema_extra={"prompt": "Candles interval (e.g. 1m, 3m, 1h): ", "prompt_on_new": True},
    )
    bb_length: int = Field(default=100, ge=2, description="Candles in the Bollinger band's window.")
    bb_std: float = Field(default=2.0, gt=0, description="Band half-width, in standard deviations.")
    bb_long_threshold: float = Field(
        default=0.0, description="Go long only with %B below this (0: at or under the lower band)."
    )
    bb_short_threshold: float = Field(
        default=1.0, description="Go short only with %B above this (1: at or over the upper band)."
    )
    macd_fast: int = Field(default=21, ge=1, description="Fast EMA span of the MACD.")
    macd_slow: int = Field(default=42, ge=2, description="Slow EMA span of the MACD.")
    macd_signal: int = Field(default=9, ge=1, description="EMA span of the MACD's signal line.")

    @model_validator(mode="after")
    def _default_candles_source(self) -> MACDBBControllerConfig:
        if not self.candles_connector:
            self.candles_connector = self.connector_name
        if not self.candles_trading_pair:
            self.candles_trading_pair = self.trading_pair
        return self

    @field_validator("macd_slow", mode="after")
    @classmethod
    def _slow_after_fast(cls, value: int, info: ValidationInfo) -> int:
        fast = info.data.get("macd_fast")
        if fast is not None and value <= fast:
            raise ValueError("macd_slow must be longer than macd_fast")
        return value

    @property
    def warmup(self) -> int:
        """Candles before the first signal can be trusted."""
        return max(self.bb_length, self.macd_slow + self.macd_signal)


def macd_bb_features(candles: pd.DataFrame, config: MACDBBControllerConfig) -> pd.DataFrame:
    """``candles`` with the band, the MACD and the signal, computed once over the whole frame.

    Rows before the indicators have their full window are NaN, so a backtest leaves them out.
    """
    frame = candles.copy()
    close = frame["close"].astype(float)
    middle = close.rolling(config.bb_length, min_periods=config.bb_length).mean()
    spread = close.rolling(config.bb_length, min_periods=config.bb_length).std(ddof=0) * config.bb_std
    lower, upper = middle - spread, middle + spread
    width = (upper - lower).replace(0.0, np.nan)
    fast = close.ewm(span=config.macd_fast, adjust=False, min_periods=config.macd_fast).mean()
    slow = close.ewm(span=config.macd_slow, adjust=False, min_periods=config.macd_slow).mean()
    macd = fast - slow
    signal_line = macd.ewm(span=config.macd_signal, adjust=False, min_periods=config.macd_signal).mean()
    histogram = macd - signal_line
    bbp = (close - lower) / width
    frame["bb_lower"], frame["bb_middle"], frame["bb_upper"] = lower, middle, upper
    frame["bbp"] = bbp
    frame["macd"], frame["macd_signal"], frame["macdh"] = macd, signal_line, histogram
    long = (bbp < config.bb_long_threshold) & (histogram > 0)
    short = (bbp > config.bb_short_threshold) & (histogram < 0)
    signal = np.where(long, 1.0, np.where(short, -1.0, 0.0))
    # No signal before every indicator is defined: NaN there, like the indicators.
    defined = bbp.notna() & histogram.notna()
    frame["signal"] = np.where(defined, signal, np.nan)
    return frame


class MACDBBController(DirectionalTradingControllerBase):  # type: ignore[misc]
    """MACD histogram sign and Bollinger %B: long low in the band on rising momentum, short high
    in the band on falling momentum; position executors with the config's triple barrier."""

    # The rule ``can_create_executor`` follows, for hbdesk's vectorised backtesting engine: at most
    # ``max_executors_per_side`` active executors on the signal's side, and ``cooldown_time``
    # seconds since the newest of them was created.
    entry_rule = "per_side"

    def __init__(self, config: MACDBBControllerConfig, *args: Any, **kwargs: Any) -> None:
        self.config: MACDBBControllerConfig = config
        super().__init__(config, *args, **kwargs)

    def get_candles_config(self) -> list[CandlesConfig]:
        return [
            CandlesConfig(
                connector=self.config.candles_connector,
                trading_pair=self.config.candles_trading_pair,
                interval=self.config.interval,
                max_records=self.config.warmup + 50,
            )
        ]

    async def update_processed_data(self) -> None:
        candles = self.market_data_provider.get_candles_df(
            connector_name=self.config.candles_connector,
            trading_pair=self.config.candles_trading_pair,
            interval=self.config.interval,
            max_records=self.config.warmup + 50,
        )
        features = macd_bb_features(candles, self.config)
        last = features["signal"].iloc[-1] if len(features) else np.nan
        self.processed_data = {"signal": 0 if pd.isna(last) else int(last), "features": features}

    def can_create_executor(self, signal: int) -> bool:
        """Per side: fewer than ``max_executors_per_side`` active on the signal's side, and the
        newest of them older than ``cooldown_time``. (The base class counts every active executor
        for a short signal; this one keeps the two sides apart.)"""
        side = TradeType.BUY if signal > 0 else TradeType.SELL
        active = [e for e in self.executors_info if e.is_active and e.side == side]
        newest = max((e.timestamp for e in active), default=0)
        return bool(
            len(active) < self.config.max_executors_per_side
            and self.market_data_provider.time() - newest > self.config.cooldown_time
        )

    def to_format_status(self) -> list[str]:
        features = self.processed_data.get("features")
        if features is None or features.empty:
            return []
        last = features.iloc[-1]
        return [
            f"signal {last['signal']:+.0f}  %B {last['bbp']:.3f}  MACD {last['macd']:.4f}"
            f"  histogram {last['macdh']:.4f}  total {Decimal(self.config.total_amount_quote)}"
        ]
