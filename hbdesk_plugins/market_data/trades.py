"""The trades printed on one pair, as a tape keeps them: a listener on the connector's order book.

Any connector's book emits its trades as hummingbot ``TradeEvent``s, so this works the same for
every connector. A market its provider computes (the simulated one, say) also knows its past
prints, so a tape opened on it starts full instead of empty.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hbdesk.sdk import Kernel, Trade
from hbdesk_plugins.connectors.public import CONNECTORS

HISTORY_SECONDS = 120.0  # of a computed market's past prints shown when a tape opens


class TradeFeed:
    """Collects the prints of ``book`` until drained; ``close()`` stops listening."""

    def __init__(self, book: Any, history: list[Trade] | None = None) -> None:
        from hummingbot.core.event.event_forwarder import EventForwarder
        from hummingbot.core.event.events import OrderBookEvent

        self.book = book
        self.history = history or []
        # Prints up to the newest one in the history were already told; the feed may repeat them.
        self._horizon = self.history[-1].timestamp if self.history else float("-inf")
        self._pending: list[Trade] = []
        self._event = OrderBookEvent.TradeEvent
        self._forwarder = EventForwarder(self._collect)  # kept: order books hold listeners weakly
        book.add_listener(self._event, self._forwarder)

    @classmethod
    async def open(cls, kernel: Kernel, name: str, pair: str, book: Any) -> TradeFeed:
        return cls(book, await recent_trades(kernel, name, pair))

    def _collect(self, event: Any) -> None:
        if event.timestamp <= self._horizon:
            return
        side = "buy" if event.type.name == "BUY" else "sell"
        self._pending.append(Trade(float(event.timestamp), float(event.price), float(event.amount), side))

    def drain(self) -> list[Trade]:
        """The prints since the last call, oldest first."""
        batch, self._pending = self._pending, []
        return batch

    def close(self) -> None:
        self.book.remove_listener(self._event, self._forwarder)


async def recent_trades(kernel: Kernel, name: str, pair: str) -> list[Trade]:
    """The last minutes' prints where the desk can know them (a computed market), oldest first."""
    market = kernel.service(CONNECTORS).market_source(name)
    if market is None:
        return []
    now = kernel.clock()
    return await asyncio.to_thread(market.trades, pair, now - HISTORY_SECONDS, now)
