"""Shared by the benchmarks: start an ``hbdesk serve`` process on a free loopback port."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PASSWORD = "bench-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def start_serve(data_dir: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="hbdesk-bench-"))
    env = {
        **os.environ,
        "HBDESK_DATA_DIR": str(data_dir),
        "PASSWORD": PASSWORD,
        "HBDESK_REST_API__ACCESS_LOG": "false",
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


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(url: str, seconds: int, *options: str) -> float:
    """Requests per second wrk sustains on ``url`` (32 connections, one thread); any non-2xx fails."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (scripts/bootstrap installs it)")
    out = subprocess.run(
        ["wrk", "-t1", "-c32", f"-d{seconds}s", *options, url], capture_output=True, text=True, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} responses were not 200:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


# -- a probe inside the served process ----------------------------------------------------------

PROBE = '''
"""A probe inside ``hbdesk serve`` for the benchmarks (installed as a plugin on PYTHONPATH):
the event loop's lag, sampled every 10 ms by a coroutine on the loop; moments of the start
(wall clock); cProfile of the loop's thread between two calls; and, for each stall, the stack
the loop's thread was in (a watchdog thread looks when the loop has not ticked for 100 ms)."""

import asyncio
import cProfile
import os
import sys
import threading
import time
import traceback

import pluggy

from hbdesk.sdk import RouteTable

hookimpl = pluggy.HookimplMarker("hbdesk")
INTERVAL = 0.01
IMPORTED = time.time()
lags = []  # seconds each 10 ms sleep overran, since the last reset
spikes = []  # (wall clock, seconds) of the overruns beyond 20 ms, since the last reset
state = {"since": time.monotonic(), "marks": {"probe_imported": IMPORTED}, "profile": None}
routes = RouteTable(tags=("Bench",))
STALL = 0.1  # seconds without a tick after which the watchdog reads the loop's stack
ticked = {"at": time.monotonic()}
stalls = []  # (wall clock, the loop thread's innermost frames), one a stall, since the last reset


def watchdog(loop_thread):
    seen = None  # the tick a stall was already recorded for
    while True:
        time.sleep(0.02)
        last = ticked["at"]
        if time.monotonic() - last > STALL and seen != last:
            seen = last
            frame = sys._current_frames().get(loop_thread)
            if frame is not None:
                # hbdesk's own frames (who started the work) and the innermost few (the work)
                frames = traceback.format_stack(frame)
                own = [line for line in frames[:-4] if "/hbdesk" in line and "/site-packages/" not in line]
                stalls.append((time.time(), "".join(own[-6:] + ["  ...\\n"] + frames[-4:])))


async def sample():
    loop = asyncio.get_running_loop()
    threading.Thread(target=watchdog, args=(threading.get_ident(),), daemon=True).start()
    while True:
        ticked["at"] = time.monotonic()
        before = loop.time()
        await asyncio.sleep(INTERVAL)
        lag = loop.time() - before - INTERVAL
        lags.append(lag)
        if lag > 0.02:
            spikes.append((time.time(), lag))


async def catalog_loaded(kernel):
    from hbdesk_plugins.connectors.public import CONNECTORS

    try:
        await kernel.service(CONNECTORS).wait_loaded()
    finally:
        state["marks"]["catalog_loaded"] = time.time()


@hookimpl
async def startup(kernel):
    state["marks"]["startup"] = time.time()
    kernel.spawn(sample(), name="bench loop-lag probe")
    kernel.spawn(catalog_loaded(kernel), name="bench catalog probe")


def summary():
    ordered = sorted(lags)
    count = len(ordered)

    def at(share):
        return ordered[min(count - 1, int(share * count))] * 1000 if count else None

    return {
        "samples": count,
        "seconds": time.monotonic() - state["since"],
        "worst_ms": ordered[-1] * 1000 if count else None,
        "p99_ms": at(0.99),
        "p50_ms": at(0.5),
        "over_50ms": sum(1 for lag in ordered if lag > 0.05),
        "marks": state["marks"],
        "spikes": [  # the five worst beyond 20 ms: local time (as the log writes it), ms
            [time.strftime("%H:%M:%S", time.localtime(at)) + f".{int(at % 1 * 1000):03d}", lag * 1000]
            for at, lag in sorted(spikes, key=lambda spike: -spike[1])[:5]
        ],
        "stalls": [  # where the loop's thread was 100 ms into each stall
            {"at": time.strftime("%H:%M:%S", time.localtime(at)), "stack": stack} for at, stack in stalls[:10]
        ],
    }


@routes.get("/bench/probe", response=dict)
async def read_probe(call):
    """The loop's lag since the last reset, and the marks."""
    return summary()


@routes.post("/bench/probe/reset", response=dict)
async def reset_probe(call):
    """Start a new window."""
    lags.clear()
    spikes.clear()
    stalls.clear()
    state["since"] = time.monotonic()
    return summary()


@routes.post("/bench/probe/profile", response=dict)
async def profile(call):
    """cProfile of the loop's thread: the first call starts it, the second writes it to
    BENCH_PROFILE (a pstats file)."""
    if state["profile"] is None:
        state["profile"] = cProfile.Profile()
        state["profile"].enable()
        return {"profiling": True}
    state["profile"].disable()
    state["profile"].dump_stats(os.environ["BENCH_PROFILE"])
    state["profile"] = None
    return {"profiling": False, "written": os.environ["BENCH_PROFILE"]}


@hookimpl
def register_routes(kernel, register):
    register(routes)
'''


def probe_site(root: Path) -> Path:
    """A sys.path entry holding the probe, registered as the plugin ``bench_probe``."""
    site = root / "probe-site"
    dist = site / "hbdesk_bench_probe-1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (site / "hbdesk_bench_probe.py").write_text(PROBE.lstrip())
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hbdesk-bench-probe\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[hbdesk.plugins]\nbench_probe = hbdesk_bench_probe\n")
    return site


def start_probed(
    root: Path, data_dir: Path, log: Path, env: dict[str, str] | None = None, wait: bool = True
) -> tuple[subprocess.Popen[bytes], str, float]:
    """``hbdesk serve`` on ``data_dir`` with the probe, its output in ``log``: the process, its
    URL, and the wall-clock moment it was started."""
    port = free_port()
    environment = {
        **os.environ,
        "HBDESK_DATA_DIR": str(data_dir),
        "PASSWORD": PASSWORD,
        "HBDESK_REST_API__ACCESS_LOG": "false",
        "PYTHONPATH": str(probe_site(root)),
        "BENCH_PROFILE": str(root / "serve.pstats"),
        **(env or {}),
    }
    with log.open("wb") as out:
        began = time.time()
        process = subprocess.Popen(
            [sys.executable, "-m", "hbdesk.cli", "serve", "--port", str(port)],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    if wait:
        wait_http(url + "/")
    return process, url, began
