"""POST /portfolio/state over 10 accounts x 5 connectors, through a real `hbdesk serve`.

Each account trades on the sim's two connectors and on three more that a plugin written here
provides through the connectors plugin's hook (in-memory connectors holding four tokens each, one
of them a token the rate oracle cannot price). The script prints the first call (every connector
started), then the latency of kept balances (``refresh: false``, what a dashboard polls) and of a
full re-read (``refresh: true``): median and p99 of sequential requests on one keep-alive
connection. Goal: the median of kept balances under 50 ms.

Usage: .venv/bin/python benchmarks/portfolio_state.py [requests]
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import aiohttp
from _common import PASSWORD, free_port, stop, wait_http

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
ACCOUNTS = [f"bench_{i}" for i in range(10)]
EXTRA = ["bench_venue_a", "bench_venue_b", "bench_venue_c"]
AUTH = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}

PLUGIN = f'''
"""Three credential-free connectors for the benchmark, and ten funded accounts."""

from decimal import Decimal

import pluggy

hookimpl = pluggy.HookimplMarker("hbdesk")
ACCOUNTS = {ACCOUNTS!r}
EXTRA = {EXTRA!r}
HOLDINGS = {{"BTC": Decimal("0.5"), "ETH": Decimal("4"), "USDT": Decimal("2500"), "BENCH": Decimal("7")}}


def connector_class():
    from hummingbot.core.time_iterator import TimeIterator

    class BenchConnector(TimeIterator):
        """Balances held in memory: what a connector that answers at once costs the portfolio."""

        def __init__(self, name):
            super().__init__()
            self._name = name

        @property
        def name(self):
            return self._name

        ready = True
        is_trading_required = True

        def get_all_balances(self):
            return dict(HOLDINGS)

        def get_available_balance(self, token):
            return HOLDINGS.get(token, Decimal(0))

        async def _update_balances(self):
            pass

        async def stop_network(self):
            pass

    return BenchConnector


@hookimpl
def register_connector_providers(kernel, register):
    from hbdesk_plugins.connectors.public import ConnectorProvider, ConnectorSpec

    def factory(name):
        return lambda *_args: connector_class()(name)

    for name in EXTRA:
        register(ConnectorProvider(ConnectorSpec(name, "spot"), factory(name)))


@hookimpl
async def startup(kernel):
    accounts = kernel.service("accounts")
    sim = kernel.service("sim")
    for account in ACCOUNTS:
        if account not in await accounts.list_accounts():
            await accounts.add_account(account)
        sim.venue.fund(account, "USDT", Decimal("10000"))
        sim.venue.fund(account, "BTC", Decimal("0.1"))
        sim.perpetual.fund(account, "USDT", Decimal("5000"))
'''


def plugin_site(root: Path) -> Path:
    site = root / "site"
    dist = site / "hbdesk_bench_venues-1.0.dist-info"
    dist.mkdir(parents=True)
    (site / "hbdesk_bench_venues.py").write_text(textwrap.dedent(PLUGIN))
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hbdesk-bench-venues\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[hbdesk.plugins]\nbench_venues = hbdesk_bench_venues\n")
    return site


def start(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "HBDESK_DATA_DIR": str(root / "data"),
        "PASSWORD": PASSWORD,
        "HBDESK_REST_API__ACCESS_LOG": "false",
        "PYTHONPATH": str(plugin_site(root)),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "hbdesk.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/")
    return process, url


async def timed(session: aiohttp.ClientSession, body: dict[str, object]) -> tuple[float, dict[str, object]]:
    began = time.perf_counter()
    async with session.post("/portfolio/state", json=body) as response:
        answer = await response.json()
        if response.status != 200:
            raise SystemExit(f"POST /portfolio/state answered {response.status}: {answer}")
    return (time.perf_counter() - began) * 1000, answer


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


async def measure(url: str) -> None:
    async with aiohttp.ClientSession(url, headers=AUTH) as session:
        # The connector list (hummingbot's, loaded in the background) names the providers' too.
        async with session.get("/connectors/") as response:
            await response.read()
        first, state = await timed(session, {})
        readings = sum(len(connectors) for name, connectors in state.items() if name in ACCOUNTS)
        tokens = sum(
            len(balances) for name, held in state.items() if name in ACCOUNTS for balances in held.values()
        )
        print(f"accounts: {len(ACCOUNTS)}, connectors read: {readings}, token balances: {tokens}")
        print(f"first call (every connector started): {first:,.0f} ms")
        for label, body, count in (
            ("kept balances (refresh: false)", {}, REQUESTS),
            ("every connector read (refresh: true)", {"refresh": True}, max(REQUESTS // 5, 20)),
        ):
            for _ in range(10):  # warm
                await timed(session, body)
            samples = [(await timed(session, body))[0] for _ in range(count)]
            print(
                f"{label}: median {statistics.median(samples):.1f} ms, p99 {p99(samples):.1f} ms "
                f"({count} requests)"
            )
    print("goal: median of kept balances under 50 ms")


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="hbdesk-bench-portfolio-"))
    process, url = start(root)
    try:
        asyncio.run(measure(url))
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
