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


async def test_a_start_goes_on_when_the_caller_stops_waiting_and_is_shared() -> None:
    """A screen asks again every second and cancels its previous ask: the connector's start is
    not cancelled with it, and the next ask gets the connector that start brought up."""
    manager = ConnectorManager(kernel=None, timeout=5)
    built: list[SlowTracker] = []
    ready = asyncio.Event()

    async def build(account: str | None, name: str, pairs: list[str], trading_required: bool) -> Any:
        built.append(SlowTracker())
        return built[-1]

    async def start(connector: Any, name: str) -> None:
        await ready.wait()  # an exchange slow to answer

    manager._build = build  # type: ignore[method-assign]
    manager._start = start  # type: ignore[method-assign]
    first = asyncio.create_task(manager.trading("alice", "slow"))
    await asyncio.sleep(0.01)
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    assert first.cancelled()
    second = asyncio.create_task(manager.trading("alice", "slow"))
    third = asyncio.create_task(manager.trading("alice", "slow"))
    await asyncio.sleep(0.01)
    ready.set()
    assert await second is await third is built[0]
    assert len(built) == 1 and manager.live[("alice", "slow")] is built[0]
