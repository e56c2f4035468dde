"""50 live executors of mixed types on the sims, through a real `hbdesk serve`: the cost of
running them, measured inside the served process.

The server is started with a probe plugin written by the benchmark (``_common.PROBE``): a
coroutine on the server's event loop that sleeps 10 ms and records how late it woke. Fifty
executors are created with ``POST /executors/`` on ``hbdesk_sim`` and ``hbdesk_sim_perpetual``
(positions held with wide barriers and a day's time limit, TWAPs over an hour, taker and maker,
order executors resting limit orders 10% away, DCAs resting three maker levels, grids of maker
levels), then left alone for N seconds while the probe samples. A baseline window before them
(both sim connectors running, no executor) gives what the executors add to.

Printed: the executors by type and status at the end with the errors their rows count, the
loop's worst lag and p99, the server's CPU time over the window as a share of one core (all its
threads, psutil), the orders placed, and the server log's ERROR lines by message. With
``--profile`` a further window runs under cProfile (the loop's thread) and its top functions
are printed. HBDESK_SIM__VOLATILITY, if set, reaches the server (prices move faster).

Usage: .venv/bin/python benchmarks/executors_live.py [seconds] [--profile] [--keep]
(--keep leaves the temp dir: its data and the server's log)
"""

from __future__ import annotations

import base64
import json
import pstats
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import psutil
from _common import PASSWORD, start_probed, stop

SPOT = "hbdesk_sim"
PERP = "hbdesk_sim_perpetual"
PAIRS = ("BTC-USDT", "ETH-USDT", "SOL-USDT")
AMOUNT = {"BTC-USDT": "0.001", "ETH-USDT": "0.02", "SOL-USDT": "0.5"}  # 65 to 75 USDT each
AUTH = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
LEVERAGE = {SPOT: 1, PERP: 5}  # one per connector: the sim refuses a change while a pair has orders
DAY = 86_400
PROFILE_SECONDS = 20
BASELINE_SECONDS = 15


def call(url: str, path: str, body: object = None) -> Any:
    request = urllib.request.Request(
        url + path,
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={"Authorization": AUTH, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def mids(url: str) -> dict[tuple[str, str], Decimal]:
    found = {}
    for connector in (SPOT, PERP):
        prices = call(url, "/market-data/prices", {"connector_name": connector, "trading_pairs": list(PAIRS)})
        for pair, price in prices["prices"].items():
            found[(connector, pair)] = Decimal(str(price))
    return found


def price(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


# -- configs ------------------------------------------------------------------------------------


def position(connector: str, pair: str, side: str) -> dict[str, Any]:
    return {
        "type": "position_executor",
        "connector_name": connector,
        "trading_pair": pair,
        "side": side,
        "amount": AMOUNT[pair],
        "leverage": LEVERAGE[connector],
        "triple_barrier_config": {
            "open_order_type": "MARKET",
            "stop_loss": "0.2",
            "take_profit": "0.2",
            "time_limit": DAY,
        },
    }


def twap(connector: str, pair: str, side: str, maker: bool) -> dict[str, Any]:
    config: dict[str, Any] = {
        "type": "twap_executor",
        "connector_name": connector,
        "trading_pair": pair,
        "side": side,
        "leverage": LEVERAGE[connector],
        "total_amount_quote": "600",  # 61 slices of about 10 USDT, one a minute
        "total_duration": 3600,
        "order_interval": 60,
        "mode": "MAKER" if maker else "TAKER",
    }
    if maker:
        config |= {"limit_order_buffer": "0.001", "order_resubmission_time": 30}
    return config


def order(connector: str, pair: str, side: str, mid: Decimal) -> dict[str, Any]:
    away = Decimal("0.9") if side == "BUY" else Decimal("1.1")
    return {
        "type": "order_executor",
        "connector_name": connector,
        "trading_pair": pair,
        "side": side,
        "leverage": LEVERAGE[connector],
        "amount": AMOUNT[pair],
        "execution_strategy": "LIMIT",
        "price": price(mid * away),
    }


def dca(connector: str, pair: str, side: str, mid: Decimal) -> dict[str, Any]:
    sign = -1 if side == "BUY" else 1
    return {
        "type": "dca_executor",
        "connector_name": connector,
        "trading_pair": pair,
        "side": side,
        "leverage": LEVERAGE[connector],
        "mode": "MAKER",
        "amounts_quote": ["20", "20", "20"],
        "prices": [price(mid * (1 + sign * Decimal(step) / 100)) for step in (1, 2, 3)],
        "take_profit": "0.05",
        "stop_loss": "0.2",
        "time_limit": DAY,
    }


def grid(connector: str, pair: str, side: str, mid: Decimal) -> dict[str, Any]:
    return {
        "type": "grid_executor",
        "connector_name": connector,
        "trading_pair": pair,
        "side": side,
        "start_price": price(mid * Decimal("0.95")),
        "end_price": price(mid * Decimal("1.05")),
        "limit_price": price(mid * (Decimal("0.9") if side == "BUY" else Decimal("1.1"))),
        "total_amount_quote": "300",
        "max_open_orders": 5,
        "leverage": LEVERAGE[connector],
        "triple_barrier_config": {
            "take_profit": "0.002",
            "open_order_type": "LIMIT_MAKER",
            "take_profit_order_type": "LIMIT",
        },
    }


def spread(count: int) -> list[tuple[str, str, str]]:
    """(connector, pair, side) for ``count`` executors: half spot, half perpetual, pairs and
    sides taking turns."""
    return [
        (SPOT if i < count / 2 else PERP, PAIRS[i % len(PAIRS)], "BUY" if i % 2 == 0 else "SELL")
        for i in range(count)
    ]


def mix(prices: dict[tuple[str, str], Decimal], grids: bool = True) -> list[dict[str, Any]]:
    """Fifty configs: 12 positions, 10 TWAPs, 10 order executors, 10 DCAs, 8 grids (or, without
    grids, 14 positions and 12 of each other type: all of them resumable)."""
    counts = (12, 10, 10, 10, 8) if grids else (14, 12, 12, 12, 0)
    configs = [position(c, p, s) for c, p, s in spread(counts[0])]
    configs += [twap(c, p, s, maker=i % 4 >= 2) for i, (c, p, s) in enumerate(spread(counts[1]))]
    configs += [order(c, p, s, prices[(c, p)]) for c, p, s in spread(counts[2])]
    configs += [dca(c, p, s, prices[(c, p)]) for c, p, s in spread(counts[3])]
    configs += [grid(c, p, s, prices[(c, p)]) for c, p, s in spread(counts[4])]
    return configs


def create(url: str, configs: list[dict[str, Any]], controller: str) -> tuple[list[str], list[str]]:
    """Create each executor; a refused grid is replaced by a position (printed). Returns the
    ids and the refusals."""
    ids, refused = [], []
    for config in configs:
        body = {"account_name": "master_account", "controller_id": controller, "executor_config": config}
        try:
            ids.append(call(url, "/executors/", body)["executor_id"])
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            where = f"{config['type']} on {config['connector_name']} {config['trading_pair']}"
            refused.append(f"{where}: {detail}")
            if config["type"] == "grid_executor":
                fallback = position(config["connector_name"], config["trading_pair"], config["side"])
                body["executor_config"] = fallback
                ids.append(call(url, "/executors/", body)["executor_id"])
    return ids, refused


def executors(url: str, controller: str) -> list[dict[str, Any]]:
    page = call(url, "/executors/search", {"controller_ids": [controller], "limit": 1000})
    return list(page["data"])


def orders_placed(url: str) -> int:
    page = call(url, "/trading/orders/search", {"account_names": ["master_account"], "limit": 1})
    return int(page["pagination"]["total_count"])


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def print_profile(path: Path, seconds: float, top: int = 20) -> None:
    """The profiled window's busy time (the loop outside its wait for I/O) and where it went:
    functions by cumulative and by own time, as shares of the window's wall time (cProfile
    times are wall time, and its own overhead inflates them: read them as proportions)."""
    rows = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]

    def cumulative(name: str) -> float:
        return sum(row[3] for (_file, _line, function), row in rows.items() if function == name)

    busy = cumulative("_run_once") - cumulative("select")
    print(f"cProfile of the loop's thread over {seconds:.0f} s: busy {busy:.2f} s ({busy / seconds:.0%})")
    machinery = ("asyncio/", "selectors.py", "concurrent/futures")
    shown = {
        key: row
        for key, row in rows.items()
        if not any(part in key[0] for part in machinery)
        and key[2]
        not in (
            "<method 'run' of '_contextvars.Context' objects>",
            "<method 'poll' of 'select.epoll' objects>",
        )
    }
    for title, column in (("cumulative", 3), ("own time", 2)):
        print(f"  by {title}:")
        ranked = sorted(shown.items(), key=lambda item: item[1][column], reverse=True)[:top]
        for (file, line, name), (_cc, calls, own, total, _callers) in ranked:
            where = "/".join(Path(file).parts[-3:]) if file != "~" else "builtin"
            print(
                f"    {total / seconds:6.1%} cum {own / seconds:6.1%} own {calls:8,d} calls  "
                f"{name}  {where}:{line}"
            )


def print_errors(log: Path) -> None:
    """The server's ERROR lines, counted by message (executor ids and numbers left out)."""
    messages = Counter(
        re.sub(r"\b[1-9A-HJ-NP-Za-km-z]{40,48}\b|\d+(\.\d+)?", "#", line.split(" ERROR ", 1)[1])[:160]
        for line in log.read_text().splitlines()
        if " ERROR " in line
    )
    for message, count in messages.most_common(5):
        print(f"server log: {count} ERROR lines: {message}")


def measure(url: str, process: psutil.Process, seconds: int, profile: Path | None) -> None:
    controller = "bench_live"
    prices = mids(url)  # starts both connectors before anything is timed
    time.sleep(2)
    idle = min(seconds, BASELINE_SECONDS)
    call(url, "/bench/probe/reset", {})
    cpu_before, wall_before = cpu_seconds(process), time.monotonic()
    time.sleep(idle)
    lag = call(url, "/bench/probe")
    cpu = (cpu_seconds(process) - cpu_before) / (time.monotonic() - wall_before)
    print(
        f"baseline, both sim connectors running, no executor ({idle} s): CPU {cpu:.0%} of one core, "
        f"loop lag worst {lag['worst_ms']:.1f} ms, p99 {lag['p99_ms']:.1f} ms"
    )
    before = orders_placed(url)
    configs = mix(prices)
    began = time.monotonic()
    ids, refused = create(url, configs, controller)
    created_in = time.monotonic() - began
    for line in refused:
        print(f"refused: {line}")
    print(f"created {len(ids)} executors in {created_in:.1f} s ({created_in / len(ids) * 1000:.0f} ms each)")
    time.sleep(3)  # their first steps (entries, first slices, resting orders) out of the window
    at_start = orders_placed(url)
    call(url, "/bench/probe/reset", {})
    cpu_before, wall_before = cpu_seconds(process), time.monotonic()
    time.sleep(seconds)
    lag = call(url, "/bench/probe")
    cpu = (cpu_seconds(process) - cpu_before) / (time.monotonic() - wall_before)
    at_end = orders_placed(url)
    shown = executors(url, controller)
    by_type = Counter((e["executor_type"], e["status"]) for e in shown)
    print(f"after {seconds} s:")
    for (kind, status), count in sorted(by_type.items()):
        rows = [e for e in shown if (e["executor_type"], e["status"]) == (kind, status)]
        errors = sum(e["error_count"] for e in rows)
        last = next((e["last_error"] for e in rows if e["last_error"]), None)
        print(
            f"  {kind:<18} {status:<14} {count:>3}   errors logged: {errors}"
            + (f", last: {last[:90]}" if last else "")
        )
    closes = Counter(e["close_type"] for e in shown if e["status"] == "TERMINATED")
    if closes:
        print(f"  closed: {dict(closes)}")
    print(
        f"event loop lag ({lag['samples']:,} samples every 10 ms): worst {lag['worst_ms']:.1f} ms, "
        f"p99 {lag['p99_ms']:.1f} ms, p50 {lag['p50_ms']:.2f} ms, {lag['over_50ms']} over 50 ms "
        "(goal: worst < 50 ms)"
    )
    if lag["spikes"]:
        print(
            "  the worst, at (server's local time): "
            + ", ".join(f"{at} {ms:.0f} ms" for at, ms in lag["spikes"])
        )
    print(f"server CPU: {cpu:.0%} of one core (goal: < 50%)")
    print(
        f"orders placed: {at_end - at_start} in the window ({(at_end - at_start) / seconds:.1f}/s), "
        f"{at_start - before} while starting, {at_end - before} in all"
    )
    if profile is not None:
        call(url, "/bench/probe/profile", {})
        time.sleep(PROFILE_SECONDS)
        call(url, "/bench/probe/profile", {})
        print_profile(profile, PROFILE_SECONDS)


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    seconds = int(arguments[0]) if arguments else 60
    root = Path(tempfile.mkdtemp(prefix="hbdesk-bench-executors-"))
    server, url, _ = start_probed(root, root / "data", root / "serve.log")
    try:
        measure(
            url,
            psutil.Process(server.pid),
            seconds,
            root / "serve.pstats" if "--profile" in sys.argv else None,
        )
    finally:
        stop(server)
        print_errors(root / "serve.log")
        if "--keep" in sys.argv:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
