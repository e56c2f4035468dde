"""GET /accounts/ with auth, as a ratio to a bare aiohttp handler returning the same JSON.

Both servers run as single processes on loopback and are loaded by the same wrk command in the
same run. Usage: .venv/bin/python benchmarks/rest_accounts_throughput.py [seconds]
"""

from __future__ import annotations

import base64
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from _common import PASSWORD, free_port, start_serve, stop, wait_http

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROUNDS = 3
AUTH = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()


def wrk(url: str) -> float:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (scripts/bootstrap installs it)")
    out = subprocess.run(
        ["wrk", "-t1", "-c32", f"-d{SECONDS}s", "-H", f"Authorization: {AUTH}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} responses were not 200:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    desk, desk_url = start_serve()
    port = free_port()
    bare = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_server.py")), str(port)])
    bare_url = f"http://127.0.0.1:{port}/accounts/"
    try:
        wait_http(bare_url)
        wrk(desk_url + "/accounts/")  # warm both up while the connector list loads
        wrk(bare_url)
        # Interleaved rounds, so a slow spell of the machine hits both; the median of each.
        hbdesk_runs, bare_runs = [], []
        for _ in range(ROUNDS):
            hbdesk_runs.append(wrk(desk_url + "/accounts/"))
            bare_runs.append(wrk(bare_url))
        hbdesk_rps, bare_rps = statistics.median(hbdesk_runs), statistics.median(bare_runs)
    finally:
        stop(desk)
        stop(bare)
    print(f"GET /accounts/ (hbdesk serve, Basic auth): {hbdesk_rps:,.0f} req/s (median of {ROUNDS})")
    print(f"bare aiohttp handler, same JSON:           {bare_rps:,.0f} req/s (median of {ROUNDS})")
    print(f"ratio hbdesk / bare: {hbdesk_rps / bare_rps:.2f} (goal: at least 0.60)")


if __name__ == "__main__":
    main()
