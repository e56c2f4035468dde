"""The backtesting section (HBDESK_BACKTESTING__<KEY>)."""

from __future__ import annotations

import os

from pydantic import Field

from hbdesk.sdk import PluginSettings


class BacktestingSettings(PluginSettings):
    workers: int = Field(
        default_factory=lambda: max(1, min(2, os.cpu_count() or 1)),
        ge=1,
        le=64,
        description="Worker processes running backtests; more backtests than this wait their turn.",
    )
    feed_timeout: float = Field(
        60.0, gt=0, description="Seconds an exchange's candles feed has to deliver a backtest's range."
    )
    keep_tasks: int = Field(
        200, ge=1, description="Finished tasks kept with their results; the oldest are forgotten first."
    )
