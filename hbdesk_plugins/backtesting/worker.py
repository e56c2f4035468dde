"""What runs in a backtest worker process: candles in, the answer out as JSON text.

The worker computes the candles itself when their source can travel (the sim's market is a seed
and a few numbers), so neither the candles nor the backtest cost the server's event loop anything.
It reports its progress, and learns it was cancelled, through objects its pool handed it when it
started (``initialize``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hbdesk_plugins.controllers.public import ControllerSource

log = logging.getLogger(__name__)

_progress: Any = None  # a multiprocessing queue: (job number, fraction)
_cancelled: Any = None  # a multiprocessing array: numbers of cancelled jobs


@dataclass(frozen=True)
class Feed:
    """One candles frame a backtest reads: computed in the worker from ``market`` (a picklable
    ``MarketSource``), or handed over as ``columns``."""

    connector: str
    pair: str
    interval: str
    start: float
    end: float
    market: Any = None
    columns: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Job:
    """A backtest as it travels to a worker: the controller's source (its code is imported there)
    and its config as plain data, validated on the loop's side already."""

    number: int
    source: ControllerSource
    config: dict[str, Any]
    resolution: str
    trade_cost: float
    engine: str  # auto, vectorised or hummingbot
    feeds: tuple[Feed, ...]


class BacktestFailed(Exception):
    """The backtest stopped on an error: its message says why (always picklable, unlike whatever
    a controller raised)."""


def initialize(progress: Any, cancelled: Any) -> None:
    """A worker's start: keep the channels and import what every backtest needs, once."""
    global _progress, _cancelled
    _progress, _cancelled = progress, cancelled
    logging.getLogger("hummingbot").setLevel(logging.WARNING)
    from hbdesk_plugins.backtesting import engine, reference  # noqa: F401  (warm the imports)


def warm() -> int:
    """Nothing: a job that makes the pool start its processes."""
    return 0


def run_job(job: Job) -> tuple[str, str]:
    """The job's answer as JSON text, and the engine that made it."""

    def report(fraction: float) -> None:
        if _progress is not None:
            _progress.put((job.number, round(min(max(fraction, 0.0), 1.0), 4)))

    def cancelled() -> bool:
        return _cancelled is not None and job.number in _cancelled[:]

    from hbdesk.sdk import HbdeskError
    from hbdesk_plugins.backtesting import engine, reference
    from hbdesk_plugins.backtesting.configs import build
    from hbdesk_plugins.backtesting.frames import feed_key, to_frame

    report(0.0)
    try:
        config = build(job.source, job.config)
        frames = {}
        for feed in job.feeds:
            columns = feed.columns
            if columns is None:
                columns = feed.market.candle_columns(feed.pair, feed.interval, feed.start, feed.end)
            frames[feed_key(feed.connector, feed.pair, feed.interval)] = to_frame(columns)
        report(0.1)
        if cancelled():
            raise engine.Cancelled
        used = job.engine
        if job.engine != "hummingbot":
            try:
                result = engine.run(config, frames, job.resolution, job.trade_cost, report, cancelled)
                used = "vectorised"
            except engine.NotVectorisable as reason:
                if job.engine == "vectorised":
                    raise BacktestFailed(f"hbdesk's engine cannot run this controller: {reason}") from None
                log.info("hummingbot's engine runs this backtest: %s", reason)
        if used != "vectorised":
            result = reference.run(config, frames, job.resolution, job.trade_cost)
            used = "hummingbot"
        report(0.95)
        text = json.dumps(result, allow_nan=False, separators=(",", ":"))
    except engine.Cancelled:
        raise
    except HbdeskError:
        raise
    except Exception as error:  # a controller's own failure, told as it is
        raise BacktestFailed(f"{type(error).__name__}: {error}") from None
    report(1.0)
    return text, used
