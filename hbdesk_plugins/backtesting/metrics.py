"""A backtest's figures, from its executors and its PnL over time, as hummingbot's
``BacktestingEngineBase.summarize_results`` defines each of them.

Sums of executor figures are taken in ``Decimal`` (hummingbot sums its executors' ``Decimal``
fields), so both engines report the same numbers to the last digit, not merely close ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

POSITION_HOLD = "POSITION_HOLD"


@dataclass(frozen=True)
class Outcome:
    """What the figures need of one executor."""

    side: str  # BUY or SELL
    close_type: str
    net_pnl_quote: float
    filled_amount_quote: float
    cum_fees_quote: float


def _sum(values: Sequence[float]) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


def empty_results() -> dict[str, Any]:
    names = [
        "net_pnl",
        "net_pnl_quote",
        "total_executors",
        "total_executors_with_position",
        "total_volume",
        "total_long",
        "total_short",
        "close_types",
        "accuracy_long",
        "accuracy_short",
        "total_positions",
        "accuracy",
        "max_drawdown_usd",
        "max_drawdown_pct",
        "sharpe_ratio",
        "profit_factor",
        "win_signals",
        "loss_signals",
        "unrealized_pnl_quote",
        "position_realized_pnl_quote",
        "total_fees_quote",
    ]
    return dict.fromkeys(names, 0)


def summarize(
    outcomes: Sequence[Outcome],
    total_amount_quote: float,
    total_pnl: Sequence[float] | np.ndarray[Any, Any],
    position_realized_pnl: float = 0.0,
    unrealized_pnl: float = 0.0,
) -> dict[str, Any]:
    """``total_pnl`` is the run's PnL after each candle (realized and held), for the drawdown and
    the Sharpe ratio."""
    if not outcomes:
        return empty_results()
    settled = [o for o in outcomes if o.close_type != POSITION_HOLD]
    positions = [o for o in settled if o.net_pnl_quote != 0]
    wins = [o.net_pnl_quote for o in positions if o.net_pnl_quote > 0]
    losses = [o.net_pnl_quote for o in positions if o.net_pnl_quote < 0]
    longs = [o for o in positions if o.side == "BUY"]
    shorts = [o for o in positions if o.side == "SELL"]
    won, lost = _sum(wins), -_sum(losses)
    net_pnl_quote = float(_sum([o.net_pnl_quote for o in settled])) + position_realized_pnl
    total = float(total_amount_quote)

    pnl = np.asarray(total_pnl, dtype=np.float64)
    if pnl.size > 1:
        drawdown = float(np.min(pnl - np.maximum.accumulate(pnl)))
        drawdown_pct = drawdown / total
        returns = pnl / total
        spread = float(np.std(returns, ddof=1))
        sharpe = float(np.mean(returns) / spread) if spread > 0 else 0.0
    elif positions:
        cumulative = np.cumsum([o.net_pnl_quote for o in positions])
        volume = np.cumsum([o.filled_amount_quote for o in positions])
        drawdown = float(np.min(cumulative - np.maximum.accumulate(cumulative)))
        drawdown_pct = drawdown / (total + float(cumulative[0]))
        returns = cumulative / volume
        sharpe = float(np.mean(returns) / np.std(returns, ddof=1)) if len(returns) > 1 else 0.0
    else:
        drawdown = drawdown_pct = sharpe = 0.0

    return {
        "net_pnl": net_pnl_quote / total,
        "net_pnl_quote": net_pnl_quote,
        "total_executors": len(outcomes),
        "total_executors_with_position": len(positions),
        "total_volume": float(_sum([o.filled_amount_quote for o in positions])),
        "total_long": len(longs),
        "total_short": len(shorts),
        "close_types": dict(sorted(Counter(o.close_type for o in outcomes).items())),
        "accuracy_long": sum(o.net_pnl_quote > 0 for o in longs) / len(longs) if longs else 0.0,
        "accuracy_short": sum(o.net_pnl_quote > 0 for o in shorts) / len(shorts) if shorts else 0.0,
        "total_positions": len(positions),
        "accuracy": len(wins) / len(positions) if positions else 0.0,
        "max_drawdown_usd": drawdown,
        "max_drawdown_pct": drawdown_pct,
        "sharpe_ratio": sharpe,
        "profit_factor": float(won / lost) if lost > 0 else 1.0,
        "win_signals": len(wins),
        "loss_signals": len(losses),
        "unrealized_pnl_quote": unrealized_pnl,
        "position_realized_pnl_quote": position_realized_pnl,
        "total_fees_quote": float(_sum([o.cum_fees_quote for o in outcomes])),
    }
