"""The first order-book call on each simulated connector of a fresh desk, once hummingbot is loaded.

The desk's kernel runs in this process with a new data dir. hummingbot and the sim's connector
classes are imported first and timed apart: the import is paid once per process, whoever asks
first, and is not what this measures. Then, for each sim connector, the market-data service's
``order_book`` (what ``POST /market-data/order-book`` calls) is timed on its first call, which
builds the connector, starts it on hummingbot's clock and waits for the book, and on a second
call, which reads the book already there.
Usage: .venv/bin/python benchmarks/sim_first_call.py
"""

from __future__ import annotations

import asyncio
import importlib
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from hbdesk.runtime import create_desk
from hbdesk.settings import CoreSettings

CONNECTORS = ("hbdesk_sim", "hbdesk_sim_perpetual")
PAIR = "BTC-USDT"
DEPTH = 20
# what building a sim connector imports: hummingbot's exchange bases, its clock, the sim's classes
MODULES = ("hummingbot.core.clock", "hbdesk_plugins.sim.connector", "hbdesk_plugins.sim.perpetual_connector")


async def timed(call: Awaitable[Any]) -> float:
    began = time.perf_counter()
    await call
    return time.perf_counter() - began


async def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="hbdesk-bench-"))
    desk = create_desk(CoreSettings(data_dir=data_dir, password="bench-password"))
    await desk.start()
    try:
        began = time.perf_counter()
        for module in MODULES:
            importlib.import_module(module)
        loaded = time.perf_counter() - began
        print(f"hummingbot and the sim connectors imported in {loaded:.2f} s (not counted)")
        market_data = desk.kernel.service("market_data")
        for name in CONNECTORS:
            first = await timed(market_data.order_book(name, PAIR, DEPTH))
            second = await timed(market_data.order_book(name, PAIR, DEPTH))
            print(f"{name:<22} first order book {first * 1000:8.1f} ms   second {second * 1000:6.2f} ms")
    finally:
        await desk.stop()
    print("goal: the first call under 500 ms")


if __name__ == "__main__":
    asyncio.run(main())
