"""Book updates per second the simulated exchange sustains for one pair, measured three ways:

- the market alone: ``SimMarket.book`` at a new time each call;
- with every call in a new 0.1 s book frame (new sizes drawn each time: the worst case);
- the connector's whole path: the data source's snapshot message applied to hummingbot's
  ``OrderBook``, as the order-book tracker does with every update.
Usage: .venv/bin/python benchmarks/sim_book_updates.py [seconds per figure]
"""

from __future__ import annotations

import asyncio
import sys
import time

from hbdesk_plugins.sim.connector import SimOrderBookDataSource
from hbdesk_plugins.sim.market import SimMarket

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
START = 1_763_700_000.0
PAIR = "BTC-USDT"


def rate(step: float, depth: int) -> float:
    market = SimMarket(42)
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < SECONDS:
        market.book(PAIR, START + count * step, depth)
        count += 1
    return count / (time.perf_counter() - began)


async def pipeline(depth: int) -> float:
    from hummingbot.core.data_type.order_book import OrderBook

    market = SimMarket(42)
    now = START
    source = SimOrderBookDataSource([PAIR], market, lambda: now, depth=depth)
    book = OrderBook()
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < SECONDS:
        now = START + count * 0.001  # a thousand updates a second of market time
        message = await source._order_book_snapshot(PAIR)
        bids, asks = message.bids, message.asks
        book.apply_snapshot(bids, asks, message.update_id)
        count += 1
    return count / (time.perf_counter() - began)


def main() -> None:
    print(f"{PAIR}, one core, {SECONDS:g} s per figure")
    print(f"market book, depth 20, live pace (1 ms apart):   {rate(0.001, 20):>8,.0f} /s")
    print(f"market book, depth 20, new frame every call:     {rate(0.1, 20):>8,.0f} /s")
    print(f"market book, depth 50, new frame every call:     {rate(0.1, 50):>8,.0f} /s")
    print(f"snapshot -> hummingbot OrderBook, depth 20:      {asyncio.run(pipeline(20)):>8,.0f} /s")
    print(f"snapshot -> hummingbot OrderBook, depth 50:      {asyncio.run(pipeline(50)):>8,.0f} /s")
    print("goal: 5,000+ updates/s per pair")


if __name__ == "__main__":
    main()
