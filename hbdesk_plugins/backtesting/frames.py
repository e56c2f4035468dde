"""Candles as the controllers read them: one pandas frame per (connector, pair, interval), served
by a stand-in for hummingbot's market-data provider that answers for the whole range at once."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

Columns = Mapping[str, "npt.NDArray[Any]"]


def feed_key(connector: str, pair: str, interval: str) -> str:
    """hummingbot's name for a candles feed."""
    return f"{connector}_{pair}_{interval}"


def to_frame(columns: Columns) -> pd.DataFrame:
    """Candle columns as the frame hummingbot's candles feeds hold (a plain index, float times)."""
    import pandas as pd

    frame = pd.DataFrame({name: np.asarray(values) for name, values in columns.items()})
    frame["timestamp"] = frame["timestamp"].astype(np.float64)
    return frame


def clip(frame: pd.DataFrame, start: float, end: float) -> pd.DataFrame:
    """The rows opening within [start, end], as hummingbot's backtesting provider serves them."""
    times = frame["timestamp"]
    return frame[(times >= start) & (times <= end)].reset_index(drop=True)


class FrameProvider:
    """What a controller asks of hummingbot's ``MarketDataProvider`` during a backtest, answered
    from frames computed beforehand: candles, the simulated time and the last price."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        self.frames = dict(frames)
        self.prices: dict[str, Decimal] = {}
        self._time = 0.0

    def time(self) -> float:
        return self._time

    def get_candles_df(
        self, connector_name: str, trading_pair: str, interval: str, max_records: int = 500
    ) -> pd.DataFrame:
        # The whole range: features are computed once over all of it, never per candle.
        try:
            return self.frames[feed_key(connector_name, trading_pair, interval)]
        except KeyError:
            raise KeyError(f"No candles loaded for {connector_name} {trading_pair} {interval}") from None

    def get_price_by_type(self, connector_name: str, trading_pair: str, price_type: Any = None) -> Decimal:
        return self.prices.get(f"{connector_name}_{trading_pair}", Decimal("1"))

    def initialize_rate_sources(self, connector_pairs: Any) -> None:
        """No rates to fetch: the backtest's prices are its candles."""

    def initialize_candles_feed(self, config: Any) -> None:
        """The candles are loaded before the controller is made."""

    def remove_rate_sources(self, connector_pairs: Any) -> None: ...
