"""50 running executors after a SIGKILL: how long a restarted `hbdesk serve` takes to have them
all running again.

A first server (with the probe plugin of ``_common.PROBE``) gets 50 executors of the resumable
types on ``hbdesk_sim`` and ``hbdesk_sim_perpetual`` (14 positions held, 12 TWAPs, 12 order
executors resting limit orders, 12 DCAs resting maker levels: see ``executors_live.mix``), runs
until every position has filled and their state is written, and is SIGKILLed. A second server is
started on the same data dir; from the moment it is started (wall clock, before the interpreter
runs) the script times:
- the server answering ``GET /`` (polled every 20 ms);
- hummingbot loaded: the connector catalog has imported hummingbot's connector list (the log
  line ``connector catalog: N connectors``; the probe records the moment in the process);
- every executor resumed: ``POST /executors/search`` (polled every 100 ms) shows none with
  ``custom_info.resume_state``, the note a row carries while it is being rebuilt.
Goal: every executor resumed less than 5 s after hummingbot has loaded. Also printed: when the
first and the median executor were resumed, the event loop's worst lag from the probe's start to
the last resume (the probe starts with the kernel's ``startup`` hook: a stall before it is not
seen), and the executors by type and status afterwards.

Usage: .venv/bin/python benchmarks/executors_restart.py [--keep]
"""

from __future__ import annotations

import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from _common import start_probed, stop
from executors_live import call, create, executors, mids, mix, print_errors

CONTROLLER = "bench_restart"


def wait(condition: Any, timeout: float, interval: float, what: str) -> float:
    """Poll ``condition`` until it holds; the wall-clock moment it first did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.time()
        time.sleep(interval)
    raise SystemExit(f"{what}: not within {timeout:.0f} s")


def answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/", timeout=1):
            return True
    except OSError:
        return False


def engaged(shown: list[dict[str, Any]], count: int) -> bool:
    """Every executor shown, every position filled (the others rest orders or wait a slice)."""
    positions = [e for e in shown if e["executor_type"] == "position_executor"]
    return len(shown) == count and all(e["filled_amount_quote"] > 0 for e in positions)


def first_run(root: Path, data: Path) -> list[str]:
    server, url, began = start_probed(root, data, root / "first.log")
    print(f"first server (empty data dir) answering GET /: {time.time() - began:.2f} s")
    try:
        ids, refused = create(url, mix(mids(url), grids=False), CONTROLLER)
        for line in refused:
            print(f"refused: {line}")
        wait(lambda: engaged(executors(url, CONTROLLER), len(ids)), 90, 0.5, "positions filled")
        time.sleep(3)  # first TWAP slices placed, the writer's last gathering written (0.2 s)
        before = Counter(e["status"] for e in executors(url, CONTROLLER))
        print(f"first server: {len(ids)} executors recorded, {dict(before)}; SIGKILL")
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        print_errors(root / "first.log")
    return ids


def second_run(root: Path, data: Path, ids: list[str]) -> None:
    server, url, began = start_probed(root, data, root / "second.log", wait=False)
    resumed_at: dict[str, float] = {}
    try:
        answered = wait(lambda: answering(url), 120, 0.02, "the server answering") - began

        def all_resumed() -> bool:
            now = time.time()
            for executor in executors(url, CONTROLLER):
                if "resume_state" not in executor["custom_info"]:
                    resumed_at.setdefault(executor["executor_id"], now)
            return all(i in resumed_at for i in ids)

        done = wait(all_resumed, 180, 0.1, "every executor resumed") - began
        probe = call(url, "/bench/probe")
        shown = executors(url, CONTROLLER)
    finally:
        stop(server)
        print_errors(root / "second.log")
    marks = probe["marks"]
    loaded = marks["catalog_loaded"] - began
    times = sorted(moment - began for moment in resumed_at.values())
    print("second server, same data dir, timed from its start:")
    print(f"  interpreter running the probe plugin: {marks['probe_imported'] - began:.2f} s")
    print(f"  answering GET /: {answered:.2f} s")
    print(f"  hummingbot loaded (connector catalog): {loaded:.2f} s")
    print(
        f"  executors resumed: first {times[0]:.2f} s, median {statistics.median(times):.2f} s, "
        f"all {len(times)} {done:.2f} s"
    )
    print(f"  all resumed {done - loaded:.2f} s after hummingbot loaded (goal: < 5 s)")
    print(
        f"  event loop meanwhile: worst lag {probe['worst_ms']:.0f} ms, p99 {probe['p99_ms']:.1f} ms, "
        f"{probe['over_50ms']} samples over 50 ms ({probe['samples']} samples)"
    )
    if probe["spikes"]:
        print(
            "  the worst, at (server's local time): "
            + ", ".join(f"{t} {ms:.0f} ms" for t, ms in probe["spikes"])
        )
    for stall in probe["stalls"]:
        # The innermost frames the loop's thread was in, 100 ms into a stall.
        print(f"  stalled at {stall['at']}, in:\n" + stall["stack"].rstrip())
    by_type = Counter((e["executor_type"], e["status"], e["close_type"]) for e in shown)
    for (kind, status, close), count in sorted(by_type.items(), key=str):
        print(f"  {kind:<18} {status:<14} {close or '':<14} {count}")


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="hbdesk-bench-restart-"))
    data = root / "data"
    try:
        ids = first_run(root, data)
        second_run(root, data, ids)
    finally:
        if "--keep" in sys.argv:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
