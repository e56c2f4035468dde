"""What other plugins may use of the market-data plugin: its service keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.market_data.service import MarketDataService
    from hbdesk_plugins.market_data.tickers import TickerPool

MARKET_DATA: ServiceKey[MarketDataService] = ServiceKey("market_data")
MARKET_TICKERS: ServiceKey[TickerPool] = ServiceKey("market_tickers")
