"""The simulated market: trading pairs, candles at every interval, order books and trades.

All of it is computed from the seed and the time alone, so a backtest over a past range, a live
chart and a replay all see the same market. Prices come from ``PricePath``; volumes live on a
one-minute lattice, so the volume of an hour is exactly the sum of its minutes.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from hbdesk.sdk import CANDLE_FIELDS, INTERVAL_SECONDS, Candle, Trade
from hbdesk_plugins.sim.noise import Floats, Ints, normal, stream_key, uniform
from hbdesk_plugins.sim.path import DEFAULT_COMPONENTS, PricePath, Scratch

INTERVALS: dict[str, int] = dict(INTERVAL_SECONDS.items())  # one definition, the SDK's
SAMPLES_PER_CANDLE = 60  # prices looked at within one candle to find its high and low
# A long range is computed a chunk of candles at a time, so its working memory stays small: at
# most so many candles (61 prices each), and at most so many minutes (a daily candle draws 1,440
# for its volume and as many for the minute component of its prices).
CANDLES_PER_CHUNK = 1024
MINUTES_PER_CHUNK = 1 << 16
PRICE_THREADS = min(4, os.cpu_count() or 1)  # threads pricing the chunks of one long range
# One request may cost as much work as this many minute candles: 4 to 5 s through the REST app on
# a 2-core Xeon (a year of them is 525,600). Other intervals get as many candles as cost the same.
CANDLE_BUDGET = 550_000
ROW_DRAWS = 220  # what a candle costs besides its normal draws (61 prices, its row, its JSON), in draws
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


_DTYPES = {"n_trades": np.int64}  # the rest are floats
Columns = dict[str, npt.NDArray[Any]]  # a Candle field → its values, one a candle


@dataclass(frozen=True)
class Book:
    trading_pair: str
    timestamp: float
    bids: list[tuple[float, float]]  # (price, amount), best first
    asks: list[tuple[float, float]]


class UnknownPair(KeyError):
    pass


class SimMarket:
    def __init__(
        self, seed: int, pairs: tuple[PairSpec, ...] = DEFAULT_PAIRS, volatility: float = 1.0
    ) -> None:
        """``volatility`` scales every pair's own (1.0: the market as specified)."""
        self.seed = seed
        if volatility != 1.0:
            pairs = tuple(dataclasses.replace(s, volatility=s.volatility * volatility) for s in pairs)
        self.pairs = {spec.trading_pair: spec for spec in pairs}
        self._frames: dict[str, tuple[int, int, tuple[float, Floats, Floats]]] = {}  # pair → last frame
        self._paths = {
            name: PricePath(seed, name, spec.anchor, spec.volatility) for name, spec in self.pairs.items()
        }

    def trading_pairs(self) -> list[str]:
        return list(self.pairs)

    def max_candles(self, interval: str) -> int:
        """The most candles of ``interval`` one request may ask for (about five seconds' work)."""
        return max_candles(interval)

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
        return _rows(self.candle_columns(trading_pair, interval, start, end))

    def recent_candles(self, trading_pair: str, interval: str, now: float, count: int) -> list[Candle]:
        """The last ``count`` candles up to ``now``; the newest is the one open at ``now``."""
        return _rows(self.recent_candle_columns(trading_pair, interval, now, count))

    def candle_columns(self, trading_pair: str, interval: str, start: float, end: float) -> Columns:
        """``candles`` as columns: each ``Candle`` field → an array, one value a candle."""
        span = INTERVALS[interval]
        first, last = math.ceil(start / span), math.ceil(end / span)  # last is exclusive
        opens = np.arange(first, last, dtype=np.float64) * span
        return self._columns(trading_pair, span, opens, np.minimum(opens + span, end))

    def recent_candle_columns(self, trading_pair: str, interval: str, now: float, count: int) -> Columns:
        """``recent_candles`` as columns."""
        span = INTERVALS[interval]
        current = math.floor(now / span)
        opens = np.arange(current - count + 1, current + 1, dtype=np.float64) * span
        return self._columns(trading_pair, span, opens, np.minimum(opens + span, now))

    def _columns(self, trading_pair: str, span: int, opens: Floats, closes: Floats) -> Columns:
        """The candles [opens, closes) into arrays for the whole range, computed a chunk at a time:
        the working memory stays that of a chunk or two, and the candles come out as from one pass
        over the range. A long range spreads its chunks' prices over a few threads (numpy lets go
        of the GIL) while this one adds up the volumes, whose running sum goes from chunk to chunk."""
        spec = self.spec(trading_pair)
        count = len(opens)
        columns: Columns = {
            name: np.empty(count, dtype=_DTYPES.get(name, np.float64)) for name in CANDLE_FIELDS
        }
        columns["timestamp"][:] = opens
        if count == 0:
            return columns
        average = np.empty(count)
        step = max(1, min(CANDLES_PER_CHUNK, MINUTES_PER_CHUNK * 60 // span))
        chunks = [slice(lo, lo + step) for lo in range(0, count, step)]
        volumes = _MinuteVolumes(stream_key(self.seed, trading_pair, "volume"), spec, opens[0], closes[-1])
        price = functools.partial(_price_chunks, self._paths[trading_pair], opens, closes, columns, average)
        workers = min(PRICE_THREADS, len(chunks))
        if workers == 1:
            price(chunks)
            volumes.fill(opens, closes, chunks, columns["volume"])
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="sim-candles") as pool:
                priced = [pool.submit(price, chunks[worker::workers]) for worker in range(workers)]
                volumes.fill(opens, closes, chunks, columns["volume"])
                for done in priced:
                    done.result()
        # Per candle, element by element: the same bits in one pass as chunk by chunk.
        volume, trade_size = columns["volume"], spec.top_depth_quote / spec.anchor / 40
        trend = np.log(columns["close"] / columns["open"]) / (0.001 * spec.volatility * math.sqrt(span / 60))
        taker_buy = volume * (0.5 + 0.4 * np.tanh(trend))
        np.multiply(volume, average, out=columns["quote_asset_volume"])
        columns["n_trades"][:] = np.where(volume > 0, np.maximum(1, np.round(volume / trade_size)), 0)
        columns["taker_buy_base_volume"][:] = taker_buy
        np.multiply(taker_buy, average, out=columns["taker_buy_quote_volume"])
        return columns

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


def candle_draws(interval: str) -> float:
    """The work of one candle of ``interval``, counted in normal draws (~30 ns each, the dearest
    step): the innovations of each price component its samples need (every lattice point it spans,
    or each sample's own window where the samples are further apart than that), the volumes of its
    minutes, and ``ROW_DRAWS``. Fitted to the times of 1s, 1m, 1h and 1d candles at their limits."""
    span = INTERVALS[interval]
    draws = span / 60 + ROW_DRAWS
    for component in DEFAULT_COMPONENTS:
        points = span / component.span
        sparse = points > component.window * (SAMPLES_PER_CANDLE + 1)
        draws += SAMPLES_PER_CANDLE * component.window if sparse else points
    return draws


@functools.cache
def max_candles(interval: str) -> int:
    """The most candles of ``interval`` one request may ask for, to two significant digits."""
    count = CANDLE_BUDGET * candle_draws("1m") / candle_draws(interval)
    unit = 10 ** max(0, int(math.log10(count)) - 1)
    return int(count // unit * unit)


def _price_chunks(
    path: PricePath, opens: Floats, closes: Floats, columns: Columns, average: Floats, chunks: list[slice]
) -> None:
    """Open, high, low, close and the average of the 61 prices of the candles of ``chunks``."""
    fractions = np.linspace(0.0, 1.0, SAMPLES_PER_CANDLE + 1)
    scratch = Scratch()
    for chunk in chunks:
        chunk_opens, chunk_closes = opens[chunk], closes[chunk]
        shape = (len(chunk_opens), len(fractions))
        times = scratch.get("times", shape[0] * shape[1]).reshape(shape)
        np.multiply((chunk_closes - chunk_opens)[:, None], fractions[None, :], out=times)
        times += chunk_opens[:, None]
        prices = path.prices(times.reshape(-1), scratch).reshape(shape)
        columns["open"][chunk] = prices[:, 0]
        prices.max(axis=1, out=columns["high"][chunk])
        prices.min(axis=1, out=columns["low"][chunk])
        columns["close"][chunk] = prices[:, -1]
        prices.mean(axis=1, out=average[chunk])


class _MinuteVolumes:
    """Base volume in [open, close) of consecutive candles, handed a chunk of them at a time: the
    sum of the minutes (or part-minutes) each covers, read off a running sum of the minutes from
    the range's first one. The running sum carries from chunk to chunk; restarted, it would round
    differently, and a year of minutes must give the volumes one pass over the year always gave."""

    def __init__(self, key: np.uint64, spec: PairSpec, start: float, end: float) -> None:
        self.key = key
        self.per_minute_volume = spec.volume_per_minute
        self.first = math.floor(start / 60)
        self.minutes = math.ceil(end / 60) - self.first
        self._sums_from = 0  # the minute (counted from ``first``) where ``_sums`` starts
        self._sums: Floats = np.zeros(1)  # running sum of the minutes before each minute from ``_sums_from``

    def fill(self, opens: Floats, closes: Floats, chunks: list[slice], out: Floats) -> None:
        for chunk in chunks:
            out[chunk] = self.between(opens[chunk], closes[chunk])

    def between(self, opens: Floats, closes: Floats) -> Floats:
        open_at, close_at = opens / 60 - self.first, closes / 60 - self.first
        open_whole = np.floor(open_at).astype(np.int64)
        close_whole = np.floor(close_at).astype(np.int64)
        lo = int(open_whole[0])  # this chunk starts where the last one ended, so its sum is kept
        hi = min(int(close_whole[-1]), self.minutes - 1) + 1
        minutes = np.arange(self.first + lo, self.first + hi, dtype=np.int64)
        per_minute = self.per_minute_volume * np.exp(0.6 * normal(self.key, minutes) - 0.18)
        sums: Floats = np.cumsum(np.concatenate([[self._sums[lo - self._sums_from]], per_minute]))
        self._sums_from, self._sums = lo, sums

        def volume_until(at: Floats, whole: Ints) -> Floats:
            partial = per_minute[np.minimum(whole - lo, len(per_minute) - 1)] * (at - whole)
            part_minute: Floats = np.where(whole < self.minutes, partial, 0.0)
            return sums[whole - lo] + part_minute

        return volume_until(close_at, close_whole) - volume_until(open_at, open_whole)


def _rows(columns: Columns) -> list[Candle]:
    return [Candle(*row) for row in zip(*(columns[name].tolist() for name in CANDLE_FIELDS), strict=True)]


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
    return cast(list[float], (np.rint(values / size) * units / scale).tolist())  # numpy types tolist() as Any
