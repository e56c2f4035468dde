from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hbdesk.kernel.events import Event, EventBus


@dataclass(frozen=True)
class Tick(Event):
    n: int


@dataclass(frozen=True)
class Other(Event):
    pass


async def test_every_subscriber_of_a_type_receives_each_event() -> None:
    bus = EventBus()
    first, second, others = bus.subscribe(Tick), bus.subscribe(Tick), bus.subscribe(Other)
    assert bus.publish(Tick(1)) == 2
    assert (await first.get()).n == 1
    assert (await second.get()).n == 1
    assert others.queue.empty()


async def test_base_type_subscribers_see_subclass_events() -> None:
    bus = EventBus()
    everything = bus.subscribe(Event)
    bus.publish(Tick(1))
    bus.publish(Other())
    assert [type(await everything.get()) for _ in range(2)] == [Tick, Other]


async def test_a_slow_subscriber_never_blocks_the_publisher_and_loses_oldest_first() -> None:
    bus = EventBus()
    slow = bus.subscribe(Tick, maxsize=3)
    fast_seen: list[int] = []
    bus.on(Tick, lambda event: fast_seen.append(event.n), maxsize=100)
    for n in range(10):
        bus.publish(Tick(n))  # returns at once although nobody drains ``slow``
    await asyncio.sleep(0.01)
    assert slow.dropped == 7
    assert [(await slow.get()).n for _ in range(3)] == [7, 8, 9]
    assert fast_seen == list(range(10))


async def test_callback_failures_are_contained() -> None:
    bus = EventBus()
    seen: list[int] = []

    def broken(event: Tick) -> None:
        raise RuntimeError("boom")

    bus.on(Tick, broken)
    bus.on(Tick, lambda event: seen.append(event.n))
    bus.publish(Tick(1))
    bus.publish(Tick(2))
    await asyncio.sleep(0.01)
    assert seen == [1, 2]


async def test_closing_a_callback_subscription_stops_delivery() -> None:
    bus = EventBus()
    seen: list[int] = []
    subscription = bus.on(Tick, lambda event: seen.append(event.n))
    bus.publish(Tick(1))
    await asyncio.sleep(0.01)
    subscription.close()
    assert bus.publish(Tick(2)) == 0
    await asyncio.sleep(0.01)
    assert seen == [1]
    assert subscription.task is not None and subscription.task.cancelled()
