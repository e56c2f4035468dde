"""GET /accounts/ with auth, as a ratio to a bare aiohttp handler returning the same JSON.

Both servers run as single processes on loopback and are loaded by the same wrk command in the
same run. Usage: .venv/bin/python benchmarks/rest_accounts_throughput.py [seconds]
"""

from __future__ import annotations

import base64
import statistics
import subprocess
import sys
from pathlib import Path

from _common import PASSWORD, free_port, start_serve, stop, wait_http, wrk

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROUNDS = 3
AUTH = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()


def load(url: str) -> float:
    return wrk(url, SECONDS, "-H", f"Authorization: {AUTH}")


def main() -> None:
    desk, desk_url = start_serve()
    port = free_port()
    bare = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_server.py")), str(port)])
    bare_url = f"http://127.0.0.1:{port}/accounts/"
    try:
        wait_http(bare_url)
        load(desk_url + "/accounts/")  # warm both up while the connector list loads
        load(bare_url)
        # Interleaved rounds, so a slow spell of the machine hits both; the median of each.
        hbdesk_runs, bare_runs = [], []
        for _ in range(ROUNDS):
            hbdesk_runs.append(load(desk_url + "/accounts/"))
            bare_runs.append(load(bare_url))
        hbdesk_rps, bare_rps = statistics.median(hbdesk_runs), statistics.median(bare_runs)
    finally:
        stop(desk)
        stop(bare)
    print(f"GET /accounts/ (hbdesk serve, Basic auth): {hbdesk_rps:,.0f} req/s (median of {ROUNDS})")
    print(f"bare aiohttp handler, same JSON:           {bare_rps:,.0f} req/s (median of {ROUNDS})")
    print(f"ratio hbdesk / bare: {hbdesk_rps / bare_rps:.2f} (goal: at least 0.60)")


if __name__ == "__main__":
    main()
