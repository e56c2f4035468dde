"""Market data settings (HBDESK_MARKET_DATA__<KEY>)."""

from __future__ import annotations

from pydantic import Field

from hbdesk.sdk import PluginSettings


class MarketDataSettings(PluginSettings):
    cleanup_interval: float = Field(300.0, gt=0, description="Seconds between two sweeps for idle feeds.")
    feed_timeout: float = Field(600.0, gt=0, description="Seconds a feed may go unread before it stops.")
