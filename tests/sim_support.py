"""A sim connector run as hummingbot runs one: on its Clock, its events collected for the test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from enum import Enum
from pathlib import Path
from typing import Any

from tests.helpers import wait_for


def install_host(data_dir: Path) -> None:
    """hummingbot's connectors expect a client application; the desk's stands in (before use)."""
    from hbdesk_plugins.connectors import hummingbot_host

    hummingbot_host.install(data_dir)


@asynccontextmanager
async def on_hummingbot_clock(connector: Any, tags: Iterable[Enum]) -> AsyncIterator[list[tuple[Any, Any]]]:
    """Start ``connector`` on a real-time hummingbot Clock; yield the (tag, event) it fires, in order."""
    from hummingbot.core.clock import Clock, ClockMode
    from hummingbot.core.event.event_forwarder import SourceInfoEventForwarder

    events: list[tuple[Any, Any]] = []
    forwarder = SourceInfoEventForwarder(lambda tag, _source, event: events.append((tag, event)))
    for tag in tags:
        connector.add_listener(tag, forwarder)
    ticker = Clock(ClockMode.REALTIME, tick_size=0.05)
    ticker.add_iterator(connector)
    await connector.start_network()
    with ticker:
        running = asyncio.ensure_future(ticker.run())
        try:
            await wait_for(lambda: connector.ready, timeout=20)
            yield events
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await connector.stop_network()
