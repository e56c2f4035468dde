"""hummingbot's own ``BacktestingEngineBase`` on candles loaded beforehand, its answer in the
shape hbdesk's engine gives: for controllers hbdesk's engine does not vectorise, and to compare
the two engines on the same data."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np

from hbdesk_plugins.backtesting.frames import clip, feed_key

if TYPE_CHECKING:
    import pandas as pd


def preloaded_provider(frames: Mapping[str, pd.DataFrame]) -> Any:
    """hummingbot's ``BacktestingDataProvider`` holding ``frames``: nothing fetched, no trading
    rules or rates asked of an exchange."""
    from hummingbot.strategy_v2.backtesting.backtesting_data_provider import BacktestingDataProvider

    class Preloaded(BacktestingDataProvider):  # type: ignore[misc]
        async def get_candles_feed(self, config: Any) -> Any:
            return self.candles_feeds[self._generate_candle_feed_key(config)]

        async def initialize_trading_rules(self, connector_name: str) -> None:
            return None

        def initialize_rate_sources(self, connector_pairs: Any) -> None:
            return None

    provider = Preloaded(connectors={})
    provider.candles_feeds.update(frames)
    return provider


async def run_async(
    config: Any, frames: Mapping[str, pd.DataFrame], resolution: str, trade_cost: float
) -> dict[str, Any]:
    """hummingbot's answer as it gives it (``ExecutorInfo``s, frames)."""
    from hummingbot.strategy_v2.backtesting.backtesting_engine_base import BacktestingEngineBase

    times = frames[feed_key(config.connector_name, config.trading_pair, resolution)]["timestamp"]
    start, end = float(times.iloc[0]), float(times.iloc[-1])
    engine = BacktestingEngineBase()
    engine.backtesting_data_provider = preloaded_provider(
        {key: clip(frame, start, end) for key, frame in frames.items()}
    )
    result: dict[str, Any] = await engine.run_backtesting(
        controller_config=config,
        start=start,
        end=end,
        backtesting_resolution=resolution,
        trade_cost=trade_cost,
    )
    return result


def run(
    config: Any, frames: Mapping[str, pd.DataFrame], resolution: str, trade_cost: float
) -> dict[str, Any]:
    """hummingbot's answer as JSON, in the shape of ``engine.run``'s."""
    raw = asyncio.run(run_async(config, frames, resolution, trade_cost))
    features = raw["processed_data"].get("features")
    processed: dict[str, list[Any]] = {}
    if features is not None:
        for name in features.columns:
            values = features[name].to_numpy()
            if values.dtype.kind in "fiub":
                processed[str(name)] = plain(np.where(np.isfinite(values), values, 0.0).tolist())
    executors = []
    for info in raw["executors"]:
        data = plain(info.to_dict())
        data["controller_id"] = data.get("controller_id") or config.id
        executors.append(data)
    return {
        "executors": executors,
        "results": plain(raw["results"]),
        "processed_data": processed,
        "position_holds": [plain(vars(hold)) for hold in raw["position_holds"]],
        "position_held_timeseries": plain(raw["position_held_timeseries"]),
        "pnl_timeseries": plain(raw["pnl_timeseries"]),
    }


def plain(value: Any) -> Any:
    """``value`` as JSON: enums by name, Decimals and numpy numbers as floats, no NaN."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, Decimal | float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else 0.0
    if isinstance(value, int | np.integer):
        return int(value)
    if hasattr(value, "model_dump"):
        return plain(value.model_dump())
    return str(value)
