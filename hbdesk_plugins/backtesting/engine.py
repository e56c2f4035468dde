"""hbdesk's backtesting engine: features once over the whole frame, executors walked with numpy.

hummingbot's ``BacktestingEngineBase`` steps through every candle with pandas, asks the controller
what to do on each, and simulates each new executor on a slice of the rest of the frame. Here the
controller's ``update_processed_data`` runs once on the full candles; only the candles carrying a
signal are visited; whether a signal opens an executor follows the controller's entry rule (its
cap per side and its cooldown); and each executor is simulated over the candles it lives on alone
(see ``simulate``). The result has the shape, the figures and (on the same candles) the trades of
hummingbot's engine.

Controllers whose decisions this engine cannot reproduce without asking them on every candle (one
that overrides how actions are proposed, or a market maker) raise ``NotVectorisable``; the caller
then runs hummingbot's own engine on the same candles (see ``reference``).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from hbdesk_plugins.backtesting.frames import FrameProvider, clip, feed_key
from hbdesk_plugins.backtesting.metrics import Outcome, summarize
from hbdesk_plugins.backtesting.reference import plain
from hbdesk_plugins.backtesting.simulate import Barriers, simulate_position

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[float], None]
CANDLE_COLUMNS = ("timestamp", "open", "high", "low", "close", "volume")
ENTRY_RULES = ("hummingbot", "per_side")
PROGRESS_EVERY = 256  # signals between two progress reports (and cancellation checks)


class NotVectorisable(Exception):
    """The controller decides in ways only a candle-by-candle run reproduces."""


class Cancelled(Exception):
    """The backtest was cancelled while it ran."""


@dataclass
class _Executor:
    number: int
    created_row: int
    side: int  # +1 long, -1 short
    timestamp: float
    close_row: int
    close_time: float
    close_type: str
    net_pnl_pct: float
    filled_quote: float
    config: Any

    @property
    def net_pnl_quote(self) -> float:
        return self.net_pnl_pct * self.filled_quote


def entry_rule(controller: Any) -> str:
    """How ``can_create_executor`` decides, or ``NotVectorisable``.

    "hummingbot": the directional base class's rule (a long signal counts the active longs; its
    short branch counts every active executor, long or short); "per_side": a controller's own rule
    that counts only the signal's side (declared by its ``entry_rule``).
    """
    from hummingbot.strategy_v2.controllers.directional_trading_controller_base import (
        DirectionalTradingControllerBase as Base,
    )

    cls = type(controller)
    if not isinstance(controller, Base):
        raise NotVectorisable(f"{cls.__name__} is not a directional controller")
    for name in ("determine_executor_actions", "create_actions_proposal", "stop_actions_proposal"):
        if getattr(cls, name) is not getattr(Base, name):
            raise NotVectorisable(f"{cls.__name__} overrides {name}")
    if cls.can_create_executor is Base.can_create_executor:
        return "hummingbot"
    rule = getattr(cls, "entry_rule", None)
    if rule not in ENTRY_RULES:
        raise NotVectorisable(f"{cls.__name__} overrides can_create_executor without an entry_rule")
    return str(rule)


def run(
    config: Any,
    frames: Mapping[str, pd.DataFrame],
    resolution: str,
    trade_cost: float,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Backtest ``config`` on ``frames`` (candle frames by feed key, the resolution's among them).
    The range is the resolution's candles, first to last."""
    report = progress or (lambda _fraction: None)
    stop = cancelled or (lambda: False)
    candles = frames[feed_key(config.connector_name, config.trading_pair, resolution)]
    times = candles["timestamp"].to_numpy(np.float64)
    start, end = float(times[0]), float(times[-1])
    frames = {key: clip(frame, start, end) for key, frame in frames.items()}
    candles = frames[feed_key(config.connector_name, config.trading_pair, resolution)]

    provider = FrameProvider(frames)
    provider._time = start
    controller = config.get_controller_class()(
        config=config, market_data_provider=provider, actions_queue=None
    )
    rule = entry_rule(controller)
    asyncio.run(controller.update_processed_data())  # once, over the whole range
    report(0.3)
    rows, features = _merge(candles, controller.processed_data.get("features"))
    if stop():
        raise Cancelled
    executors = _walk(controller, provider, rows, rule, trade_cost, report, stop)
    report(0.9)
    return _result(config, rows, features, executors, trade_cost)


# -- the frame the executors walk over -----------------------------------------------------------


@dataclass
class _Rows:
    """The resolution's candles that carry every feature (hummingbot drops the others)."""

    times: np.ndarray[Any, np.dtype[np.float64]]
    close: np.ndarray[Any, np.dtype[np.float64]]
    high: np.ndarray[Any, np.dtype[np.float64]]
    low: np.ndarray[Any, np.dtype[np.float64]]
    signal: np.ndarray[Any, np.dtype[np.float64]]
    candles: pd.DataFrame  # the kept rows, CANDLE_COLUMNS
    feature_rows: np.ndarray[Any, np.dtype[np.intp]]  # each kept row's row of the features


def _merge(candles: pd.DataFrame, features: pd.DataFrame | None) -> tuple[_Rows, pd.DataFrame | None]:
    """Each candle gets the newest features row at or before it (hummingbot's backward
    ``merge_asof``); candles where any value is missing are left out, as its ``dropna`` does."""
    times = candles["timestamp"].to_numpy(np.float64)
    keep = ~candles.isna().any(axis=1).to_numpy()
    if features is None or features.empty or "signal" not in features:
        picked = np.zeros(len(times), dtype=np.intp)
        signal = np.zeros(len(times))
        features = None
    else:
        feature_times = features["timestamp"].to_numpy(np.float64)
        picked = np.searchsorted(feature_times, times, side="right") - 1
        complete = ~features.isna().any(axis=1).to_numpy()
        keep &= picked >= 0
        keep[keep] &= complete[picked[keep]]
        signal = np.nan_to_num(features["signal"].to_numpy(np.float64)[np.maximum(picked, 0)])
    kept = candles[keep].reset_index(drop=True)
    rows = _Rows(
        times=times[keep],
        close=kept["close"].to_numpy(np.float64),
        high=kept["high"].to_numpy(np.float64),
        low=kept["low"].to_numpy(np.float64),
        signal=signal[keep],
        candles=kept[[c for c in CANDLE_COLUMNS if c in kept]],
        feature_rows=picked[keep],
    )
    return rows, features


# -- signals into executors ----------------------------------------------------------------------


def _walk(
    controller: Any,
    provider: FrameProvider,
    rows: _Rows,
    rule: str,
    trade_cost: float,
    report: Progress,
    stop: Callable[[], bool],
) -> list[_Executor]:
    from hummingbot.core.data_type.common import OrderType, TradeType
    from hummingbot.strategy_v2.executors.position_executor.data_types import PositionExecutorConfig

    config = controller.config
    key = f"{config.connector_name}_{config.trading_pair}"
    cap = int(config.max_executors_per_side)
    cooldown = float(config.cooldown_time)
    share = Decimal(config.max_executors_per_side)
    signalled = np.flatnonzero(rows.signal != 0)
    executors: list[_Executor] = []
    active: list[_Executor] = []
    barriers: dict[int, Barriers] = {}  # id of a TripleBarrierConfig → its figures
    for count, row in enumerate(signalled.tolist()):
        if count % PROGRESS_EVERY == 0:
            if stop():
                raise Cancelled
            report(0.3 + 0.6 * count / max(1, len(signalled)))
        now = float(rows.times[row])
        side = 1 if rows.signal[row] > 0 else -1
        active = [e for e in active if e.close_time > now]
        counted = active if rule == "hummingbot" and side < 0 else [e for e in active if e.side == side]
        newest = max((e.timestamp for e in counted), default=0)
        if len(counted) >= cap or not now - newest > cooldown:
            continue
        provider._time = now
        price = Decimal(float(rows.close[row]))
        provider.prices = {key: price}
        amount = config.total_amount_quote / price / share
        trade = TradeType.BUY if side > 0 else TradeType.SELL
        executor_config = controller.get_executor_config(trade, price, amount)
        if not isinstance(executor_config, PositionExecutorConfig):
            raise NotVectorisable(f"{type(controller).__name__} creates {type(executor_config).__name__}s")
        triple = executor_config.triple_barrier_config
        if triple.open_order_type != OrderType.MARKET:
            raise NotVectorisable("position executors that open with a limit order")
        figures = barriers.get(id(triple)) or barriers.setdefault(id(triple), Barriers.of(triple))
        closed = simulate_position(
            rows.times,
            rows.close,
            rows.high,
            rows.low,
            row,
            side,
            float(executor_config.amount),
            figures,
            trade_cost,
        )
        executor = _Executor(
            number=len(executors),
            created_row=row,
            side=side,
            timestamp=float(executor_config.timestamp),
            close_row=closed.close_row,
            close_time=float(rows.times[closed.close_row]),
            close_type=closed.close_type,
            net_pnl_pct=closed.net_pnl_pct,
            filled_quote=closed.filled_quote,
            config=executor_config,
        )
        executors.append(executor)
        active.append(executor)
    return executors


# -- the result ----------------------------------------------------------------------------------


def _result(
    config: Any,
    rows: _Rows,
    features: pd.DataFrame | None,
    executors: list[_Executor],
    trade_cost: float,
) -> dict[str, Any]:
    count = len(rows.times)
    # An executor is booked on the first candle after its creation that sees it closed: its close
    # candle, or the next one when it closed on the candle it opened on (hummingbot's order).
    booked = sorted(executors, key=lambda e: (max(e.close_row, e.created_row + 1), e.number))
    booked_rows = np.array([max(e.close_row, e.created_row + 1) for e in booked], dtype=np.intp)
    pnl = np.cumsum([e.net_pnl_quote for e in booked]) if booked else np.zeros(0)
    volume = np.cumsum([2 * e.filled_quote for e in booked]) if booked else np.zeros(0)
    upto = np.searchsorted(booked_rows, np.arange(count), side="right") - 1
    realized = np.where(upto >= 0, pnl[np.maximum(upto, 0)] if booked else 0.0, 0.0)
    traded = np.where(upto >= 0, volume[np.maximum(upto, 0)] if booked else 0.0, 0.0)
    running = np.zeros(count + 1, dtype=np.int64)
    for e in executors:  # active on the candles strictly between its creation and its close
        if e.close_row > e.created_row + 1:
            running[e.created_row + 1] += 1
            running[e.close_row] -= 1
    active = np.cumsum(running)[:count]
    times: list[Any] = [*np.asarray(rows.times).tolist()]
    pnl_timeseries = [
        {
            "timestamp": t,
            "executor_realized_pnl": r,
            "position_realized_pnl": 0.0,
            "position_unrealized_pnl": 0.0,
            "total_pnl": r,
            "active_executors": a,
            "cumulative_volume": v,
        }
        for t, r, a, v in zip(times, realized.tolist(), active.tolist(), traded.tolist(), strict=True)
    ]
    outcomes = [
        Outcome(
            side="BUY" if e.side > 0 else "SELL",
            close_type=e.close_type,
            net_pnl_quote=e.net_pnl_quote,
            filled_amount_quote=2 * e.filled_quote,
            cum_fees_quote=2 * trade_cost * e.filled_quote,
        )
        for e in booked
    ]
    results = summarize(outcomes, float(config.total_amount_quote), realized)
    return {
        "executors": [_executor_json(config, rows, e, trade_cost) for e in booked],
        "results": results,
        "processed_data": _processed(rows, features),
        "position_holds": [],
        "position_held_timeseries": [],
        "pnl_timeseries": pnl_timeseries,
    }


def _executor_json(config: Any, rows: _Rows, e: _Executor, trade_cost: float) -> dict[str, Any]:
    executor_config = plain(e.config.model_dump())
    executor_config["id"] = f"{config.id}-{e.number:06d}"  # the same run gives the same ids
    executor_config["controller_id"] = config.id
    side = "BUY" if e.side > 0 else "SELL"
    executor_config["side"] = side
    return {
        "id": executor_config["id"],
        "timestamp": e.timestamp,
        "type": "position_executor",
        "close_timestamp": e.close_time,
        "close_type": e.close_type,
        "status": "TERMINATED",
        "config": executor_config,
        "net_pnl_pct": e.net_pnl_pct,
        "net_pnl_quote": e.net_pnl_quote,
        "cum_fees_quote": 2 * trade_cost * e.filled_quote,
        "filled_amount_quote": 2 * e.filled_quote,
        "is_active": False,
        "is_trading": False,
        "custom_info": {
            "close_price": float(rows.close[e.close_row]),
            "level_id": e.config.level_id,
            "side": side,
            "current_position_average_price": float(e.config.entry_price),
            "open_order_last_update": e.timestamp,
        },
        "controller_id": config.id,
        "side": side,
    }


def _processed(rows: _Rows, features: pd.DataFrame | None) -> dict[str, list[Any]]:
    """The candles walked, each with its features, column by column (missing values as 0, as the
    Hummingbot API sends them)."""
    columns: dict[str, Any] = {name: rows.candles[name].to_numpy() for name in rows.candles.columns}
    if features is not None:
        for name in features.columns:
            if name not in columns and name in features:
                values = features[name].to_numpy()[rows.feature_rows]
                if values.dtype.kind in "fiub":
                    columns[name] = values
    return {name: _plain(values) for name, values in columns.items()}


def _plain(values: np.ndarray[Any, Any]) -> list[Any]:
    if values.dtype.kind == "f":
        return np.where(np.isfinite(values), values, 0.0).tolist()  # type: ignore[no-any-return]
    return values.tolist()  # type: ignore[no-any-return]


def finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0
