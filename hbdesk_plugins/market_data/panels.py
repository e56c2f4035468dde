"""The market-data plugin's home panel: a ticker line per pair of the desk's default market.

Each line comes from the pair's hourly candles of the last day (the open one's close is the last
price), so the change, high, low and volume need no exchange: the default market is one a plugin
computes. Read every few seconds while home is shown.
"""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.widgets import Static

from hbdesk.sdk import DeskPanel, Ticker, TickerStrip
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.market_data.pairs import trading_pairs
from hbdesk_plugins.market_data.public import MARKET_DATA

DAY_CANDLES = 24  # hourly: the last day, the open hour last
MOST_PAIRS = 8


class TickersPanel(DeskPanel):
    PERIOD = 5.0
    DEFAULT_CSS = """
    TickersPanel TickerStrip { height: 1; padding: 0 1 0 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._strips: dict[str, TickerStrip] = {}

    def compose(self) -> ComposeResult:
        yield Static("Starting the kernel…", classes="panel--message")

    async def update_panel(self) -> None:
        connector = self.kernel.service(CONNECTORS).default_market()
        if connector is None:
            self.show_message("No market to follow: no plugin computes one.")
            return
        market_data = self.kernel.service(MARKET_DATA)
        pairs = (await trading_pairs(self.kernel, connector))[:MOST_PAIRS]
        tickers = []
        for pair in pairs:
            candles = await market_data.candles(connector, pair, "1h", DAY_CANDLES)
            last = _rounded(float(candles[-1].close)) if candles else None
            tickers.append(Ticker(connector, pair, last=last).with_day(candles))
        self.show_message("" if tickers else f"{connector} lists no pairs.")
        for ticker in tickers:
            strip = self._strips.get(ticker.pair)
            if strip is None:
                # Kept, not queried: the next reload may come before this mount has finished.
                strip = self._strips[ticker.pair] = TickerStrip()
                await self.mount(strip)
            strip.show(ticker)


def _rounded(price: float) -> float:
    """A computed price to a cent, or to five significant digits below 1: the candles' closes are
    mid prices, between the ticks a real last price would sit on."""
    return round(price, max(2, 4 - math.floor(math.log10(price)))) if price > 0 else price
