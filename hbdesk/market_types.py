"""What every market speaks, defined once: candle intervals, a candle, a trade.

A connector provider's market source produces these; market data, the desk's chart and the
REST shapes read them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal, get_args

Interval = Literal["1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d"]

INTERVAL_SECONDS: dict[Interval, int] = {
    "1s": 1,
    "1m": 60,
    "3m": 180,
    "5m": 300,
    "15m": 900,
    "30m": 1800,
    "1h": 3600,
    "2h": 7200,
    "4h": 14400,
    "6h": 21600,
    "12h": 43200,
    "1d": 86400,
}
assert tuple(INTERVAL_SECONDS) == get_args(Interval)  # one list, spelt twice only for the type checker


@dataclass(frozen=True)
class Candle:
    timestamp: float  # open time, seconds
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_asset_volume: float
    n_trades: int
    taker_buy_base_volume: float
    taker_buy_quote_volume: float


CANDLE_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Candle))  # a candle's columns, in order


@dataclass(frozen=True)
class Trade:
    timestamp: float
    price: float
    amount: float
    side: str  # "buy" or "sell": the taker's side
