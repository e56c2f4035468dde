"""POST /trading/orders: market orders on the sim from 100 concurrent clients.

Two measurements in one run:
- closed loop (wrk, 100 connections each sending as soon as its last answer came): the sustained
  orders/s. Its latency is the queue that saturation builds (100 in flight / the rate), not the
  cost of an order;
- open loop (100 clients sending 1,000 orders/s between them on a fixed schedule, each send timed
  from when it was due): the latency to the 201 at that rate.
Afterwards every order answered 201 must be in the database (``total_count`` of a search against
the number of 201s). Buys and sells alternate, so the balances hold.
Usage: .venv/bin/python benchmarks/trading_orders.py [seconds]
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import PASSWORD, start_serve, stop

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
CONNECTIONS = 100
AUTH = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()

SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "%(auth)s"
local bodies = {
  '{"account_name":"master_account","connector_name":"hbdesk_sim","trading_pair":"SOL-USDT",'
    .. '"trade_type":"BUY","amount":0.1,"order_type":"MARKET"}',
  '{"account_name":"master_account","connector_name":"hbdesk_sim","trading_pair":"SOL-USDT",'
    .. '"trade_type":"SELL","amount":0.1,"order_type":"MARKET"}',
}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/trading/orders", nil, bodies[(n %% 2) + 1])
end
"""


def post(url: str, path: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": AUTH, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def recorded(url: str) -> int:
    page = post(url, "/trading/orders/search", {"limit": 1, "trading_pairs": ["SOL-USDT"]})
    return int(page["pagination"]["total_count"])  # type: ignore[index]


def run_wrk(url: str, seconds: int, script: Path) -> str:
    return subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


async def open_loop(
    url: str, rate: float, seconds: int, clients: int = CONNECTIONS
) -> tuple[list[float], int]:
    """Latencies (s) of orders sent at ``rate`` per second in all, each timed from when it was due."""
    import aiohttp

    latencies: list[float] = []
    failures = 0
    interval = clients / rate
    headers = {"Authorization": AUTH}
    bodies = [
        {
            "account_name": "master_account",
            "connector_name": "hbdesk_sim",
            "trading_pair": "SOL-USDT",
            "trade_type": side,
            "amount": 0.1,
            "order_type": "MARKET",
        }
        for side in ("BUY", "SELL")
    ]
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.5
    end = start + seconds

    async def client(index: int, session: aiohttp.ClientSession) -> None:
        nonlocal failures
        due = start + index * interval / clients
        n = index
        while due < end:
            await asyncio.sleep(max(0.0, due - loop.time()))
            async with session.post(url + "/trading/orders", json=bodies[n % 2], headers=headers) as response:
                await response.read()
                if response.status == 201:
                    latencies.append(loop.time() - due)
                else:
                    failures += 1
            n += 1
            due += interval

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(i, session) for i in range(clients)))
    return latencies, failures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (scripts/bootstrap installs it)")
    folder = Path(tempfile.mkdtemp(prefix="hbdesk-bench-orders-"))
    script = folder / "orders.lua"
    script.write_text(SCRIPT % {"auth": AUTH})
    desk, url = start_serve(folder / "data")
    try:
        post(
            url,
            "/trading/orders",
            {  # start the account's connector before the clock runs
                "account_name": "master_account",
                "connector_name": "hbdesk_sim",
                "trading_pair": "SOL-USDT",
                "trade_type": "BUY",
                "amount": 0.1,
                "order_type": "MARKET",
            },
        )
        run_wrk(url, 2, script)  # warm up
        time.sleep(1)
        before = recorded(url)
        out = run_wrk(url, SECONDS, script)
        time.sleep(1)
        after = recorded(url)
        latencies, open_failures = asyncio.run(open_loop(url, 1000.0, SECONDS))
        time.sleep(1)
        after_open = recorded(url)
    finally:
        stop(desk)
    completed = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = int(non_2xx.group(1)) if non_2xx else 0
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.MULTILINE))
    print(f"POST /trading/orders, market orders on hbdesk_sim, {CONNECTIONS} clients, {SECONDS} s each")
    print(f"closed loop (wrk): sustained {rate:,.0f} orders/s (goal: 1,000 or more)")
    print(f"  latency under saturation: p50 {percentiles.get('50')}  p99 {percentiles.get('99')}")
    print(f"  answered: {completed} requests, {failed} not 201; recorded meanwhile: {after - before}")
    ms = [value * 1000 for value in latencies]
    print(f"open loop at 1,000 orders/s: {len(ms)} answered 201, {open_failures} not")
    print(
        f"  latency to the 201: p50 {statistics.median(ms):.1f} ms  p90 {percentile(ms, 0.9):.1f} ms  "
        f"p99 {percentile(ms, 0.99):.1f} ms (goal p99 < 20 ms)"
    )
    print(f"  recorded meanwhile: {after_open - after} (every 201 must be there)")


if __name__ == "__main__":
    main()
