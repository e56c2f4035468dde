"""A 30-day backtest on 1m candles (43,200) of the directional controller ``macd_bb`` on sim candles.

1. In this process, on the same candle frames: wall time of hbdesk's vectorised engine and of
   hummingbot's own ``BacktestingEngineBase`` (its data provider preloaded with the same frames),
   their ratio (goal: 0.5 or less), and whether the trades are the same (entry time, side, close
   type, close time, PnL of every executor) and the figures equal.
2. On a real ``hbdesk serve``: ``POST /backtesting/run`` of that backtest (worker process; the
   candles computed there from the sim's seed) while a client sends ``GET /accounts/`` one after
   the other: the latencies' p50/p99/max (goal: p99 < 100 ms), for hbdesk's engine and again for
   hummingbot's engine run by the same worker (a longer run, so more samples).

Usage: .venv/bin/python benchmarks/backtest_speed.py [days]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PASSWORD, start_serve, stop

DAY = 86_400
CONFIG: dict[str, Any] = {
    "controller_name": "macd_bb",
    "connector_name": "hbdesk_sim",
    "trading_pair": "BTC-USDT",
    "interval": "3m",
    "bb_length": 50,
    "bb_long_threshold": 0.1,
    "bb_short_threshold": 0.9,
    "total_amount_quote": 1000,
    "stop_loss": 0.004,
    "take_profit": 0.003,
    "time_limit": 3600,
    "trailing_stop": "0.002,0.0005",
    "cooldown_time": 120,
}


def trades(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["timestamp"], e["side"], e["close_type"], e["close_timestamp"], e["net_pnl_quote"])
        for e in result["executors"]
    ]


def in_process(start: int, end: int) -> None:
    from hbdesk_plugins.backtesting import engine, reference
    from hbdesk_plugins.backtesting.configs import load_config
    from hbdesk_plugins.backtesting.frames import feed_key, to_frame
    from hbdesk_plugins.sim.market import SimMarket

    market = SimMarket(1)
    frames = {
        feed_key("hbdesk_sim", "BTC-USDT", i): to_frame(market.candle_columns("BTC-USDT", i, start, end))
        for i in ("1m", "3m")
    }
    candles = len(frames[feed_key("hbdesk_sim", "BTC-USDT", "1m")])
    small = {key: frame.head(400) for key, frame in frames.items()}
    engine.run(load_config(CONFIG), small, "1m", 0.0006)  # imports and caches warmed for both
    reference.run(load_config(CONFIG), small, "1m", 0.0006)

    began = time.perf_counter()
    ours = engine.run(load_config(CONFIG), frames, "1m", 0.0006)
    ours_s = time.perf_counter() - began
    began = time.perf_counter()
    theirs = reference.run(load_config(CONFIG), frames, "1m", 0.0006)
    theirs_s = time.perf_counter() - began
    same = trades(ours) == trades(theirs)
    print(f"candles: {candles:,} of 1m ({(end - start) / DAY:.0f} days), executors: {len(ours['executors'])}")
    print(f"hbdesk vectorised engine:         {ours_s:8.3f} s")
    print(f"hummingbot BacktestingEngineBase: {theirs_s:8.3f} s")
    print(f"ratio: {ours_s / theirs_s:.4f} (goal <= 0.5)")
    print(f"same trades: {same}; same figures: {ours['results'] == theirs['results']}")


async def latency_while_running(url: str, start: int, end: int, engine: str) -> None:
    import aiohttp

    auth = aiohttp.BasicAuth("admin", PASSWORD)
    body = {"start_time": start, "end_time": end, "config": CONFIG, "engine": engine}
    async with aiohttp.ClientSession(auth=auth) as session:
        began = time.perf_counter()
        run = asyncio.create_task(session.post(f"{url}/backtesting/run", json=body))
        samples: list[float] = []
        while not run.done():
            sent = time.perf_counter()
            async with session.get(f"{url}/accounts/") as response:
                await response.read()
                assert response.status == 200
            samples.append((time.perf_counter() - sent) * 1000)
            await asyncio.sleep(0.005)
        response = await run
        answer = await response.json()
        wall = time.perf_counter() - began
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(
        f"serve, engine={engine}: run {wall:.2f} s (status {response.status},"
        f" {answer['results']['total_executors']} executors); GET /accounts/ x{len(samples)}:"
        f" p50 {statistics.median(samples):.1f} ms, p99 {p99:.1f} ms, max {samples[-1]:.1f} ms"
    )


async def on_server(start: int, end: int) -> None:
    import aiohttp

    process, url = start_serve()
    try:
        async with aiohttp.ClientSession(auth=aiohttp.BasicAuth("admin", PASSWORD)) as session:
            began = time.perf_counter()  # the first backtest starts the worker processes
            warm = {"start_time": end - DAY, "end_time": end, "config": CONFIG}
            async with session.post(f"{url}/backtesting/run", json=warm) as response:
                assert response.status == 200, await response.text()
            print(f"serve: first backtest (1 day, workers started): {time.perf_counter() - began:.2f} s")
        await latency_while_running(url, start, end, "vectorised")
        await latency_while_running(url, start, end, "hummingbot")
    finally:
        stop(process)


def main() -> None:
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    end = int(time.time()) // DAY * DAY - DAY
    start = end - days * DAY
    in_process(start, end)
    asyncio.run(on_server(start, end))


if __name__ == "__main__":
    main()
