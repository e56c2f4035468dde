"""An in-process event bus with typed events.

Publishing never waits: every subscriber owns a bounded queue, and a subscriber that falls
behind loses its oldest events (counted in ``dropped``) rather than slowing the publisher or
the other subscribers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base class of every event; subclasses are frozen dataclasses."""


@dataclass(eq=False)
class Subscription[E: Event]:
    """A subscriber's own queue of events of one type (and its subclasses)."""

    bus: EventBus
    event_type: type[E]
    queue: asyncio.Queue[E] = field(repr=False)
    dropped: int = 0
    task: asyncio.Task[None] | None = field(default=None, repr=False)  # the consumer of ``on``

    def offer(self, event: E) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(event)

    async def get(self) -> E:
        return await self.queue.get()

    def close(self) -> None:
        self.bus.unsubscribe(self)
        if self.task is not None:
            self.task.cancel()

    def __aiter__(self) -> AsyncIterator[E]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[E]:
        while True:
            yield await self.queue.get()


class EventBus:
    """Fans events out to the subscriptions whose type matches."""

    def __init__(self) -> None:
        self._subscriptions: list[Subscription[Any]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe[E: Event](self, event_type: type[E], maxsize: int = 1000) -> Subscription[E]:
        subscription = Subscription(self, event_type, asyncio.Queue(maxsize=maxsize))
        self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription[Any]) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    def on[E: Event](
        self,
        event_type: type[E],
        callback: Callable[[E], Awaitable[None] | None],
        maxsize: int = 1000,
    ) -> Subscription[E]:
        """Call ``callback`` for each event, from a task of its own."""
        subscription = self.subscribe(event_type, maxsize)

        async def consume() -> None:
            async for event in subscription:
                try:
                    result = callback(event)
                    if asyncio.iscoroutine(result):
                        await result
                except Exception:
                    log.exception("event subscriber %r failed on %r", callback, event)

        task = asyncio.get_running_loop().create_task(consume())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        subscription.task = task
        return subscription

    def publish(self, event: Event) -> int:
        """Deliver ``event`` to every matching subscriber; returns how many received it."""
        delivered = 0
        for subscription in tuple(self._subscriptions):
            if isinstance(event, subscription.event_type):
                subscription.offer(event)
                delivered += 1
        return delivered

    async def close(self) -> None:
        for task in tuple(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._subscriptions.clear()
