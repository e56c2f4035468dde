"""/ws/market-data: 100 clients on one order book; delay from a book change to each client.

The server (``_book_change_server.py``, an ``hbdesk serve`` on the sim) prints the wall time at
which each BTC-USDT book was made; the clients, in this process, note when each book reaches
them. Both sides read the same machine's clock. Usage:
.venv/bin/python benchmarks/ws_order_book_fanout.py [clients] [seconds]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
from _common import PASSWORD, free_port, stop, wait_http

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
DEPTH = 10


def start_server() -> tuple[subprocess.Popen[str], str, dict[str, float]]:
    port = free_port()
    env = {
        **os.environ,
        "HBDESK_DATA_DIR": tempfile.mkdtemp(prefix="hbdesk-bench-"),
        "PASSWORD": PASSWORD,
        "HBDESK_REST_API__ACCESS_LOG": "false",
    }
    script = Path(__file__).with_name("_book_change_server.py")
    process = subprocess.Popen(
        [sys.executable, str(script), str(port), str(DEPTH)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    made: dict[str, float] = {}

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            record = json.loads(line)
            made.setdefault(record["key"], record["t"])

    threading.Thread(target=read, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/")
    return process, url, made


async def client(session: aiohttp.ClientSession, url: str, received: list[tuple[str, float]], ready) -> None:  # type: ignore[no-untyped-def]
    """Notes each message's arrival; parsing waits until the run is over, so one client's parsing
    does not delay the next client's arrival."""
    headers = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
    async with session.ws_connect(url + "/ws/market-data", headers=headers) as ws:
        await ws.receive_json()  # connected
        await ws.send_json(
            {
                "action": "subscribe",
                "type": "order_book",
                "connector": "hbdesk_sim",
                "trading_pair": "BTC-USDT",
                "depth": DEPTH,
                "update_interval": 0.25,
            }
        )
        first = True
        async for message in ws:
            received.append((message.data, time.time()))
            if first and '"order_book"' in message.data:
                ready.release()  # subscribed and served
                first = False


async def run(url: str) -> list[list[tuple[str, float]]]:
    per_client: list[list[tuple[str, float]]] = [[] for _ in range(CLIENTS)]
    ready = asyncio.Semaphore(0)
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(client(session, url, received, ready)) for received in per_client]
        for _ in range(CLIENTS):
            await ready.acquire()
        await asyncio.sleep(2.0)  # settled: what the subscriptions started is done
        for received in per_client:
            received.clear()
        await asyncio.sleep(SECONDS)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return per_client


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    server, url, made = start_server()
    try:
        per_client = asyncio.run(run(url))
    finally:
        stop(server)
    delays: list[float] = []
    last_client: dict[str, float] = {}  # book → when the last client had it
    unmatched = 0
    for received in per_client:
        for text, at in received:
            message = json.loads(text)
            if message.get("type") != "order_book":
                continue
            key = json.dumps([message["data"]["bids"], message["data"]["asks"]])
            if key not in made:
                unmatched += 1
                continue
            delays.append(at - made[key])
            last_client[key] = max(last_client.get(key, 0.0), at)
    everyone = [at - made[key] for key, at in last_client.items()]
    if os.environ.get("BENCH_DEBUG"):
        for key, at in sorted(last_client.items(), key=lambda item: made[item[0]]):
            print(f"{made[key]:.3f} {1000 * (at - made[key]):.1f}")
    if not delays:
        raise SystemExit("no book change reached the clients")
    ms = 1000.0
    print(f"{CLIENTS} clients on hbdesk_sim BTC-USDT (depth {DEPTH}) for {SECONDS:.0f} s")
    print(f"book changes seen: {len(last_client)}; pushes received: {len(delays)}; unmatched: {unmatched}")
    print(
        f"delay book made -> a client:  p50 {statistics.median(delays) * ms:.1f} ms, "
        f"p99 {percentile(delays, 0.99) * ms:.1f} ms, max {max(delays) * ms:.1f} ms"
    )
    print(
        f"delay book made -> every client: p50 {statistics.median(everyone) * ms:.1f} ms, "
        f"p99 {percentile(everyone, 0.99) * ms:.1f} ms (goal: p99 under 50 ms)"
    )


if __name__ == "__main__":
    main()
