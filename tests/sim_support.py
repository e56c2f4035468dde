"""A sim connector run as hummingbot runs one: on its Clock, its events collected for the test."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import wait_for

PACING = 0.5  # seconds: a sleep this long on the way to a book is a wait, not a yield
BOOK_MAKERS = frozenset({"_init_order_books", "add_trading_pair"})  # hummingbot's coroutines that make books


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


@asynccontextmanager
async def added_to_running_clock(connector: Any) -> AsyncIterator[None]:
    """Add ``connector`` to a hummingbot Clock already running, as the desk's connector manager does:
    the clock's network check starts it, and nothing waits for it to be ready before it is asked."""
    from hummingbot.core.clock import Clock, ClockMode

    ticker = Clock(ClockMode.REALTIME, tick_size=0.05)
    with ticker:
        running = asyncio.ensure_future(ticker.run())
        await asyncio.sleep(0)  # the clock has started its iterators
        ticker.add_iterator(connector)
        try:
            yield
        finally:
            await connector.stop_network()
            ticker.remove_iterator(connector)
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)


@contextmanager
def paced_sleeps() -> Iterator[list[float]]:
    """The delays of every ``asyncio.sleep`` of ``PACING`` or more awaited by a coroutine making a
    book (the first pass over the pairs, or a pair added later)."""
    real_sleep = asyncio.sleep
    paced: list[float] = []

    async def sleep(delay: float, result: Any = None) -> Any:
        callers: set[str] = set()
        frame = sys._getframe(1)  # an awaited coroutine's frame links back to the one awaiting it
        while frame is not None:
            callers.add(frame.f_code.co_name)
            frame = frame.f_back
        if delay >= PACING and callers & BOOK_MAKERS:
            paced.append(delay)
        return await real_sleep(delay, result)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(asyncio, "sleep", sleep)
        yield paced


@asynccontextmanager
async def destroyed_tasks() -> AsyncIterator[list[str]]:
    """The tasks the garbage collector finds still pending (asyncio's "Task was destroyed but it is
    pending!"), collected once the block is over and whatever it dropped is unreachable."""
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    destroyed: list[str] = []

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message", "").startswith("Task was destroyed but it is pending"):
            destroyed.append(repr(context.get("task")))
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handle)
    try:
        yield destroyed
        await asyncio.sleep(0.1)  # what the block cancelled or scheduled runs to its end
        gc.collect()
    finally:
        loop.set_exception_handler(previous)
