"""The simulated market: trading pairs, candles at every interval, order books and trades.

All of it is computed from the seed and the time alone, so a backtest over a past range, a live
chart and a replay all see the same market. Prices come from ``PricePath``; volumes live on a
one-minute lattice, so the volume of an hour is exactly the sum of its minutes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from hbdesk.sim.noise import Floats, normal, stream_key, uniform
from hbdesk.sim.path import PricePath

INTERVALS: dict[str, int] = {
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
SAMPLES_PER_CANDLE = 60  # prices looked at within one candle to find its high and low
BOOK_REFRESH = 0.1  # seconds during which a book snapshot's sizes stay the same
ASK_DRAWS = 2048  # where a frame's ask-size draws start (the deepest book is shallower than this)


@dataclass(frozen=True)
class PairSpec:
    trading_pair: str
    anchor: float  # the price the market keeps returning to
    tick: Decimal  # price increment
    size_step: Decimal  # amount increment
    min_size: Decimal
    min_notional: Decimal
    spread_bps: float  # typical distance between best bid and best ask, in basis points
    top_depth_quote: float  # quote value resting at each of the best levels, roughly
    volume_per_minute: float  # base volume traded in an ordinary minute
    volatility: float = 1.0

    @property
    def base(self) -> str:
        return self.trading_pair.split("-")[0]

    @property
    def quote(self) -> str:
        return self.trading_pair.split("-")[1]


DEFAULT_PAIRS = (
    PairSpec("BTC-USDT", 65000.0, Decimal("0.01"), Decimal("0.00001"), Decimal("0.00001"), Decimal("5"),
             spread_bps=0.5, top_depth_quote=40000.0, volume_per_minute=12.0, volatility=1.0),
    PairSpec("ETH-USDT", 3200.0, Decimal("0.01"), Decimal("0.0001"), Decimal("0.0001"), Decimal("5"),
             spread_bps=0.8, top_depth_quote=25000.0, volume_per_minute=150.0, volatility=1.2),
    PairSpec("SOL-USDT", 150.0, Decimal("0.001"), Decimal("0.001"), Decimal("0.01"), Decimal("5"),
             spread_bps=1.5, top_depth_quote=10000.0, volume_per_minute=2500.0, volatility=1.6),
)  # fmt: skip


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


@dataclass(frozen=True)
class Book:
    trading_pair: str
    timestamp: float
    bids: list[tuple[float, float]]  # (price, amount), best first
    asks: list[tuple[float, float]]


@dataclass(frozen=True)
class Trade:
    timestamp: float
    price: float
    amount: float
    side: str  # "buy" or "sell": the taker's side


class UnknownPair(KeyError):
    pass


class SimMarket:
    def __init__(self, seed: int, pairs: tuple[PairSpec, ...] = DEFAULT_PAIRS) -> None:
        self.seed = seed
        self.pairs = {spec.trading_pair: spec for spec in pairs}
        self._frames: dict[str, tuple[int, int, tuple[float, Floats, Floats]]] = {}  # pair → last frame
        self._paths = {
            name: PricePath(seed, name, spec.anchor, spec.volatility) for name, spec in self.pairs.items()
        }

    def spec(self, trading_pair: str) -> PairSpec:
        try:
            return self.pairs[trading_pair]
        except KeyError:
            raise UnknownPair(trading_pair) from None

    # -- prices ---------------------------------------------------------------------------------

    def mid(self, trading_pair: str, at: float) -> float:
        self.spec(trading_pair)
        return self._paths[trading_pair].price(at)

    # -- candles --------------------------------------------------------------------------------

    def candles(self, trading_pair: str, interval: str, start: float, end: float) -> list[Candle]:
        """Every candle opening in [start, end); one still open at ``end`` is cut there."""
        span = INTERVALS[interval]
        first, last = math.ceil(start / span), math.ceil(end / span)  # last is exclusive
        opens = np.arange(first, last, dtype=np.float64) * span
        return self._candles(trading_pair, span, opens, np.minimum(opens + span, end))

    def recent_candles(self, trading_pair: str, interval: str, now: float, count: int) -> list[Candle]:
        """The last ``count`` candles up to ``now``; the newest is the one open at ``now``."""
        span = INTERVALS[interval]
        current = math.floor(now / span)
        opens = np.arange(current - count + 1, current + 1, dtype=np.float64) * span
        return self._candles(trading_pair, span, opens, np.minimum(opens + span, now))

    def _candles(self, trading_pair: str, span: int, opens: np.ndarray, closes: np.ndarray) -> list[Candle]:
        spec = self.spec(trading_pair)
        if len(opens) == 0:
            return []
        fractions = np.linspace(0.0, 1.0, SAMPLES_PER_CANDLE + 1)
        times = opens[:, None] + (closes - opens)[:, None] * fractions[None, :]
        prices = self._paths[trading_pair].prices(times.ravel()).reshape(times.shape)
        volume = self._volumes(spec, opens, closes)
        open_, close = prices[:, 0], prices[:, -1]
        average = prices.mean(axis=1)
        move = np.log(close / open_) / (0.001 * spec.volatility * math.sqrt(span / 60))
        buy_share = 0.5 + 0.4 * np.tanh(move)
        trade_size = spec.top_depth_quote / spec.anchor / 40
        n_trades = np.where(volume > 0, np.maximum(1, np.round(volume / trade_size)), 0).astype(int)
        return [
            Candle(
                timestamp=float(opens[i]),
                open=float(open_[i]),
                high=float(prices[i].max()),
                low=float(prices[i].min()),
                close=float(close[i]),
                volume=float(volume[i]),
                quote_asset_volume=float(volume[i] * average[i]),
                n_trades=int(n_trades[i]),
                taker_buy_base_volume=float(volume[i] * buy_share[i]),
                taker_buy_quote_volume=float(volume[i] * buy_share[i] * average[i]),
            )
            for i in range(len(opens))
        ]

    def _volumes(self, spec: PairSpec, opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
        """Base volume in each [open, close): the sum of the minutes (or part-minutes) it covers."""
        key = stream_key(self.seed, spec.trading_pair, "volume")
        first_minute = math.floor(opens[0] / 60)
        last_minute = math.ceil(closes[-1] / 60)
        minutes = np.arange(first_minute, last_minute, dtype=np.int64)
        per_minute = spec.volume_per_minute * np.exp(0.6 * normal(key, minutes) - 0.18)
        cumulative = np.concatenate([[0.0], np.cumsum(per_minute)])

        def volume_until(times: np.ndarray) -> np.ndarray:
            position = times / 60 - first_minute
            whole = np.floor(position).astype(np.int64)
            partial = per_minute[np.minimum(whole, len(per_minute) - 1)] * (position - whole)
            return cumulative[whole] + np.where(whole < len(per_minute), partial, 0.0)

        return volume_until(closes) - volume_until(opens)

    # -- order book -----------------------------------------------------------------------------

    def book(self, trading_pair: str, at: float, depth: int = 20) -> Book:
        spec = self.spec(trading_pair)
        mid = self._paths[trading_pair].price(at)
        tick = float(spec.tick)
        frame = np.int64(math.floor(at / BOOK_REFRESH))
        spread_draw, bid_draws, ask_draws = self._book_draws(trading_pair, int(frame), depth)
        spread = max(2 * tick, mid * spec.spread_bps / 10_000 * (0.6 + 0.8 * spread_draw))
        best_bid = math.floor((mid - spread / 2) / tick) * tick
        best_ask = max(math.ceil((mid + spread / 2) / tick) * tick, best_bid + tick)
        gaps, profile = _book_shape(depth)
        step = max(tick, mid * 0.00005)
        base_amount = spec.top_depth_quote / mid
        # Both sides in one array each (bids first), put on the grid in one pass.
        prices = np.concatenate([best_bid - gaps * step, best_ask + gaps * step])
        draws = np.concatenate([bid_draws[:depth], ask_draws[:depth]])
        amounts = base_amount * np.concatenate([profile, profile]) * (0.3 + 1.4 * draws)
        levels = list(zip(_on_grid(prices, spec.tick), _on_grid(amounts, spec.size_step), strict=True))
        return Book(trading_pair, at, bids=levels[:depth], asks=levels[depth:])

    def _book_draws(self, trading_pair: str, frame: int, depth: int) -> tuple[float, Floats, Floats]:
        """The frame's draws: spread, then bid and ask sizes (each side from its own offset, so a
        level's size does not depend on the depth asked). The last frame's draws are kept, as a
        live book is asked for the same frame many times."""
        cached = self._frames.get(trading_pair)
        if cached is not None and cached[0] == frame and cached[1] >= depth:
            return cached[2]
        key = stream_key(self.seed, trading_pair, "book")
        first = frame * 4096
        indices = np.concatenate(
            [np.arange(first, first + depth + 1), np.arange(first + ASK_DRAWS, first + ASK_DRAWS + depth)]
        )
        draws = uniform(key, indices.astype(np.int64))
        value = (float(draws[0]), draws[1 : depth + 1], draws[depth + 1 :])
        self._frames[trading_pair] = (frame, depth, value)
        return value

    # -- trades ---------------------------------------------------------------------------------

    def trades(self, trading_pair: str, start: float, end: float) -> list[Trade]:
        """The market's own prints in [start, end): a few a second, at the touch."""
        spec = self.spec(trading_pair)
        key = stream_key(self.seed, trading_pair, "trades")
        seconds = np.arange(math.floor(start), math.ceil(end), dtype=np.int64)
        slots = (seconds[:, None] * 4 + np.arange(4)[None, :]).ravel()  # up to four prints a second
        draws = uniform(key, slots)
        happens = draws < 0.45
        times = slots[happens] / 4 + uniform(key, slots[happens] + (1 << 40)) * 0.25
        times = times[(times >= start) & (times < end)]
        if len(times) == 0:
            return []
        mids = self._paths[trading_pair].prices(times)
        buys = uniform(key, (times * 1000).astype(np.int64) + (1 << 41)) < 0.5
        half_spread = mids * spec.spread_bps / 20_000
        prices = np.where(buys, mids + half_spread, mids - half_spread)
        amounts = spec.volume_per_minute / 108 * np.exp(normal(key, (times * 1000).astype(np.int64)))
        tick, size = float(spec.tick), float(spec.size_step)
        return [
            Trade(float(t), _round(p, tick), max(size, _round(a, size)), "buy" if b else "sell")
            for t, p, a, b in zip(times, prices, amounts, buys, strict=True)
        ]


def _round(value: float, step: float) -> float:
    return round(round(value / step) * step, 12)


@functools.cache
def _book_shape(depth: int) -> tuple[Floats, Floats]:
    """Each level's distance from the best, in steps (widening with depth), and its size factor."""
    levels = np.arange(depth, dtype=np.float64)
    return np.cumsum(1 + np.floor(levels * 0.35)) - 1, 1 + 0.12 * levels


@functools.cache
def _grid(step: Decimal) -> tuple[float, float, float]:
    """(step, step in units of 10**-places, 10**places): 0.01 → (0.01, 1, 100), 0.05 → (0.05, 5, 100)."""
    places = max(0, -int(step.as_tuple().exponent))
    return float(step), float(step.scaleb(places)), 10.0**places


def _on_grid(values: Floats, step: Decimal) -> list[float]:
    """Each value rounded to a multiple of ``step``, as the float nearest that decimal.

    Whole steps divided by a power of ten: IEEE division is correctly rounded, so 664785 / 100
    is exactly float("6647.85"), with no trailing noise.
    """
    size, units, scale = _grid(step)
    return (np.rint(values / size) * units / scale).tolist()
