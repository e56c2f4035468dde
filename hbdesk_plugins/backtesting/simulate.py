"""A position executor on past candles: its triple barrier (take profit, stop loss, trailing stop,
time limit) found with numpy over the candles it lives on, and nothing else.

The figures follow hummingbot's ``PositionExecutorSimulator`` step for step (the same compounded
returns, the same barrier tests on the same candles, the same order among barriers that fire on
the same candle), so the two engines close the same executors at the same times with the same PnL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]

TAKE_PROFIT, STOP_LOSS, TRAILING_STOP, TIME_LIMIT = "TAKE_PROFIT", "STOP_LOSS", "TRAILING_STOP", "TIME_LIMIT"


@dataclass(frozen=True)
class Barriers:
    take_profit: float | None
    stop_loss: float | None
    time_limit: float | None  # seconds
    trailing_activation: float | None
    trailing_delta: float | None

    @classmethod
    def of(cls, triple_barrier: Any) -> Barriers:
        """From a hummingbot ``TripleBarrierConfig``."""

        def number(value: Any) -> float | None:
            return float(value) if value else None

        trailing = triple_barrier.trailing_stop
        return cls(
            take_profit=number(triple_barrier.take_profit),
            stop_loss=number(triple_barrier.stop_loss),
            time_limit=number(triple_barrier.time_limit),
            trailing_activation=float(trailing.activation_price) if trailing else None,
            trailing_delta=float(trailing.trailing_delta) if trailing else None,
        )


@dataclass(frozen=True)
class Closed:
    close_row: int  # index of the candle it closed on
    close_type: str
    net_pnl_pct: float
    filled_quote: float  # amount * entry price (what each of its two trades moved)


def _first(mask: npt.NDArray[np.bool_]) -> int:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else -1


def simulate_position(
    times: Floats,
    close: Floats,
    high: Floats,
    low: Floats,
    first: int,
    side: int,
    amount: float,
    barriers: Barriers,
    trade_cost: float,
) -> Closed:
    """A market-entry position opened on candle ``first`` (side +1 long, -1 short).

    It lives over the candles up to its time limit (or the last one) and closes on the first
    barrier they cross; barriers crossing on the same candle rank take profit, stop loss,
    trailing stop, time limit, as hummingbot ranks them.
    """
    opened = times[first]
    horizon = opened + barriers.time_limit if barriers.time_limit else times[-1]
    last = int(np.searchsorted(times, min(horizon, times[-1]), side="right"))  # exclusive
    closes = close[first:last]
    entry = float(closes[0])
    growth = np.empty_like(closes)
    growth[0] = 1.0
    growth[1:] = closes[1:] / closes[:-1] - 1.0 + 1.0  # one candle's return, as pct_change has it
    pnl = (np.cumprod(growth) - 1.0) * side - 2 * trade_cost

    candidates: list[tuple[int, int, str]] = []  # (candle, rank, type)
    if barriers.take_profit:
        hit = _first(pnl > barriers.take_profit)
        if hit >= 0:
            candidates.append((hit, 0, TAKE_PROFIT))
    if barriers.stop_loss:
        stop = entry * (1 - barriers.stop_loss * side)
        hit = _first(low[first:last] <= stop) if side > 0 else _first(high[first:last] >= stop)
        if hit >= 0:
            candidates.append((hit, 1, STOP_LOSS))
    if barriers.trailing_activation and barriers.trailing_delta:  # hummingbot skips a zero activation
        armed = _first(pnl > barriers.trailing_activation)
        if armed >= 0:
            trail = np.maximum.accumulate(pnl - barriers.trailing_delta)
            hit = _first(pnl[armed:] < trail[armed:])
            if hit >= 0:
                candidates.append((armed + hit, 2, TRAILING_STOP))
    row, _rank, close_type = min(candidates, default=(len(closes) - 1, 3, TIME_LIMIT))
    return Closed(first + row, close_type, float(pnl[row]), amount * entry)
