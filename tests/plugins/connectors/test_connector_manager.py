"""The connector manager's bookkeeping, on a stand-in connector."""

from __future__ import annotations

import asyncio
from typing import Any

from hbdesk_plugins.connectors.manager import ConnectorManager


class SlowTracker:
    """A connector whose pairs take a moment to add, counting how often each was asked for."""

    def __init__(self) -> None:
        self.order_books: dict[str, object] = {}
        self.asked: list[str] = []

    async def add_trading_pair(self, pair: str) -> bool:
        self.asked.append(pair)
        await asyncio.sleep(0.05)
        self.order_books[pair] = object()
        return True


async def test_a_new_pair_asked_for_twice_at_once_is_added_once() -> None:
    manager = ConnectorManager(kernel=None, timeout=5)
    connector = SlowTracker()
    manager._live[(None, "slow")] = connector  # a data connector already running
    results: list[Any] = await asyncio.gather(
        manager.public("slow", ["BTC-USDT"]), manager.public("slow", ["BTC-USDT", "ETH-USDT"])
    )
    assert results == [connector, connector]
    assert sorted(connector.asked) == ["BTC-USDT", "ETH-USDT"]
