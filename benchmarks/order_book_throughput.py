"""POST /market-data/order-book on the simulated exchange, as a ratio to a bare aiohttp handler.

The bare handler reads the same request body and answers with a book the desk returned, so both
move the same bytes; both are loaded by the same wrk command, interleaved, in one run.
Usage: .venv/bin/python benchmarks/order_book_throughput.py [seconds]
"""

from __future__ import annotations

import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import PASSWORD, free_port, start_serve, stop, wrk

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROUNDS = 3
AUTH = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
BODY = json.dumps({"connector_name": "hbdesk_sim", "trading_pair": "BTC-USDT", "depth": 20})
PATH = "/market-data/order-book"


def first_answer(url: str) -> bytes:
    request = urllib.request.Request(
        url, data=BODY.encode(), headers={"Authorization": AUTH, "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def wait_answer(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            first_answer(url)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hbdesk-bench-"))
    script = work / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(BODY)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "{AUTH}"\n'
    )
    desk, desk_url = start_serve(work / "desk")
    answer = work / "book.json"
    bare = None
    try:
        answer.write_bytes(first_answer(desk_url + PATH))  # also starts the sim's data connector
        port = free_port()
        bare_script = Path(__file__).with_name("bare_server.py")
        bare = subprocess.Popen([sys.executable, str(bare_script), str(port), "POST", PATH, str(answer)])
        bare_url = f"http://127.0.0.1:{port}{PATH}"
        wait_answer(bare_url)
        wrk(desk_url + PATH, SECONDS, "-s", str(script))  # warm-up
        desk_runs, bare_runs = [], []
        for _ in range(ROUNDS):
            desk_runs.append(wrk(desk_url + PATH, SECONDS, "-s", str(script)))
            bare_runs.append(wrk(bare_url, SECONDS, "-s", str(script)))
        desk_rps, bare_rps = statistics.median(desk_runs), statistics.median(bare_runs)
    finally:
        stop(desk)
        if bare is not None:
            stop(bare)
    print(f"POST {PATH} (hbdesk_sim BTC-USDT, depth 20): {desk_rps:,.0f} req/s (median of {ROUNDS})")
    print(f"bare aiohttp handler, same body in and out:     {bare_rps:,.0f} req/s (median of {ROUNDS})")
    print(f"ratio hbdesk / bare: {desk_rps / bare_rps:.2f} (goal: at least 0.50)")


if __name__ == "__main__":
    main()
