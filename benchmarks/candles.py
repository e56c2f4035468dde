"""Long candle ranges through the REST app of a real ``hbdesk serve``, the simulated exchange.

Each request is timed from sending it to the last byte of its answer (validation, the market,
the rows, the JSON, loopback): four 10,000-day requests at once, then one at a time the ranges
the Hummingbot MCP server and dashboard ask for, a year of minutes and the limit of a few
intervals. Alongside: the server's RSS at first, after each stage and at its peak, and the event
loop's worst lag while a year of minutes is served, seen as the slowest answer to a trivial GET
sent every 10 ms meanwhile.
Usage: .venv/bin/python benchmarks/candles.py
"""

from __future__ import annotations

import asyncio
import base64
import math
import time
from pathlib import Path
from typing import Any

import aiohttp
from _common import PASSWORD, start_serve, stop

from hbdesk_plugins.sim.market import INTERVALS, max_candles

AUTH = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}
PAIR = "BTC-USDT"
PROBE_EVERY = 0.01  # seconds between the trivial requests that time the event loop
SETTLE = 15  # seconds for a fresh server to finish loading hummingbot's catalog in the background


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/{pid}/status")


Request = tuple[str, dict[str, Any]]  # path, body


def recent(interval: str, count: int) -> Request:
    body = {"connector_name": "hbdesk_sim", "trading_pair": PAIR, "interval": interval, "max_records": count}
    return "/market-data/candles", body


def historical(interval: str, count: int) -> Request:
    span = INTERVALS[interval]
    end = math.floor(time.time() / span) * span - span  # all closed, whatever the clock does meanwhile
    body = {
        "connector_name": "hbdesk_sim",
        "trading_pair": PAIR,
        "interval": interval,
        "start_time": end - count * span,
        "end_time": end,
    }
    return "/market-data/historical-candles", body


async def fetch(session: aiohttp.ClientSession, url: str, request: Request) -> float:
    """Seconds until the whole answer is in; the answer is checked after the clock stops."""
    path, body = request
    began = time.perf_counter()
    async with session.post(url + path, json=body, headers=AUTH) as response:
        payload = await response.read()
    took = time.perf_counter() - began
    if response.status != 200:
        raise SystemExit(f"{path} {body}: {response.status} {payload[:300]!r}")
    span = INTERVALS[body["interval"]]
    expected = body.get("max_records") or (body["end_time"] - body["start_time"]) // span
    if payload.count(b'"timestamp"') != expected:
        raise SystemExit(f"{path} {body}: not {expected} candles")
    return took


async def slowest_probe(session: aiohttp.ClientSession, url: str, done: asyncio.Event) -> float:
    slowest = 0.0
    while not done.is_set():
        began = time.perf_counter()
        async with session.get(url + "/market-data/settings", headers=AUTH) as response:
            await response.read()
        slowest = max(slowest, time.perf_counter() - began)
        await asyncio.sleep(PROBE_EVERY)
    return slowest


async def probed(session: aiohttp.ClientSession, url: str, request: Request) -> float:
    """The slowest answer to the probe while ``request`` is served."""
    done = asyncio.Event()
    probe = asyncio.create_task(slowest_probe(session, url, done))
    await asyncio.sleep(0.2)
    await fetch(session, url, request)
    done.set()
    return await probe


def client() -> aiohttp.ClientSession:
    # Each stage closes its connections before the RSS is read: aiohttp's server holds a
    # connection's last answer until its next request comes or the connection closes.
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300))


async def run(url: str, pid: int) -> None:
    async with client() as session:
        await fetch(session, url, recent("1m", 10))  # the sim connector and its market built
        await asyncio.sleep(SETTLE)
        idle = await probed(session, url, recent("1m", 10))
    mib = {"start": status_kib(pid, "VmRSS") / 1024}
    print(f"hbdesk serve, {PAIR}: seconds from sending a request to the last byte of its answer")
    async with client() as session:
        began = time.perf_counter()
        await asyncio.gather(*(fetch(session, url, historical("1d", 10_000)) for _ in range(4)))
        together = time.perf_counter() - began
    print(f"  {'four 10,000 1d at once, the last answered':<46} {together:6.2f} s")
    await asyncio.sleep(1)
    mib["four"] = status_kib(pid, "VmRSS") / 1024
    figures = [
        ("43,200 1m (POST /market-data/candles)", recent("1m", 43_200)),
        ("10,080 1m (historical)", historical("1m", 10_080)),
        ("365 1d (historical)", historical("1d", 365)),
        ("10,000 1d (historical)", historical("1d", 10_000)),
        ("525,600 1m, a year (historical)", historical("1m", 525_600)),
    ]
    for interval in ("1s", "1m", "1h", "1d"):
        count = max_candles(interval)
        figures.append(
            (f"{count:,} {interval}, the limit (POST /market-data/candles)", recent(interval, count))
        )
    async with client() as session:
        for label, request in figures:
            print(f"  {label:<46} {await fetch(session, url, request):6.2f} s")
    await asyncio.sleep(1)
    mib["all"] = status_kib(pid, "VmRSS") / 1024
    async with client() as session:
        lag = await probed(session, url, historical("1m", 525_600))
    every = PROBE_EVERY * 1000
    print(f"slowest answer to a trivial GET sent every {every:.0f} ms: {idle * 1000:.0f} ms idle,")
    print(f"  {lag * 1000:.0f} ms while a year of 1m is served")
    peak = status_kib(pid, "VmHWM") / 1024
    print(f"server RSS: {mib['start']:.0f} MiB at first, {mib['four']:.0f} MiB 1 s after the four 1d,")
    print(f"  {mib['all']:.0f} MiB 1 s after the rest, {peak:.0f} MiB at the peak")


def main() -> None:
    process, url = start_serve()
    try:
        asyncio.run(run(url, process.pid))
    finally:
        stop(process)


if __name__ == "__main__":
    main()
