"""The market screen under a book changing 1,000 times a second, in a real pseudo-terminal.

A child process runs the desk on the pty's slave side, opens the market screen (hbdesk_sim
BTC-USDT) and, once it is drawn, applies 1,000 order-book snapshots a second to the very book the
screen reads. It counts the frames it writes to the terminal, its own CPU time and its garbage
collections. Meanwhile this process presses keys through the terminal, as a user over SSH would,
and times each key until its effect shows in the terminal's output: ← pans the chart ("… back"
appears in the chart's subtitle), End returns to the newest candle ("newest" appears). Either text
can only come from the key just pressed: the screen showed the other one before it.

Usage: .venv/bin/python benchmarks/market_screen.py [seconds] [COLSxROWS]
       (default: 10 120x40)
"""

from __future__ import annotations

import asyncio
import fcntl
import gc
import json
import os
import pty
import random
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

UPDATES_PER_SECOND = 1000
SNAPSHOTS = 256  # distinct books cycled through (from the sim market, 0.1 s apart)
LEFT, END, QUIT = b"\x1b[D", b"\x1b[F", b"\x11"
Rows = list[Any]  # hummingbot OrderBookRows


# -- the child: the desk on the pty ---------------------------------------------------------------


class Probe:
    """What the child measures from the moment the screen is drawn."""

    def __init__(self) -> None:
        self.start = float("inf")
        self.cpu_at_start = 0.0
        self.frames = 0
        self.applied = 0
        self.feeder_busy = 0.0
        self.gc_pauses: list[float] = []
        self._gc_started = 0.0

    def begin(self) -> None:
        self.start, self.cpu_at_start = time.perf_counter(), time.process_time()

    def on_gc(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started >= self.start:
            self.gc_pauses.append(time.perf_counter() - self._gc_started)

    def figures(self) -> dict[str, float]:
        return {
            "seconds": time.perf_counter() - self.start,
            "cpu": time.process_time() - self.cpu_at_start,
            "frames": self.frames,
            "applied": self.applied,
            "feeder_busy": self.feeder_busy,
            "gc_count": len(self.gc_pauses),
            "gc_longest": max(self.gc_pauses, default=0.0),
        }


def child(ready_file: str, stats_file: str) -> None:
    from hbdesk.runtime import create_desk
    from hbdesk.tui.app import DeskApp

    app = DeskApp(create_desk())
    probe = Probe()
    display = app._display

    def counting_display(screen: Any, renderable: Any) -> None:
        if renderable is not None and time.perf_counter() >= probe.start:
            probe.frames += 1
        display(screen, renderable)

    app._display = counting_display  # type: ignore[method-assign]
    gc.callbacks.append(probe.on_gc)

    async def prepare() -> None:
        while str(app.kernel.state) != "running":
            await asyncio.sleep(0.05)
        # The connector list loads once, in a thread, at start: not part of the steady state measured.
        await app.kernel.service("connectors").wait_loaded()
        await app.switch_mode("market")
        while not _loaded(app.screen):
            await asyncio.sleep(0.05)
        book = await app.kernel.service("market_data").book("hbdesk_sim", "BTC-USDT")
        snapshots = _snapshots(app.kernel)
        probe.begin()
        app.run_worker(_feed(book, snapshots, probe), name="bench feeder", exit_on_error=False)
        Path(ready_file).write_text("ready")

    app.call_later(lambda: app.run_worker(prepare(), name="bench prepare"))
    try:
        app.run()
    finally:
        Path(stats_file).write_text(json.dumps(probe.figures()))


def _loaded(screen: Any) -> bool:
    chart, ladder = getattr(screen, "chart", None), getattr(screen, "ladder", None)
    return bool(chart is not None and chart.bars and ladder is not None and ladder.bids)


def _snapshots(kernel: Any) -> list[tuple[Rows, Rows]]:
    from hummingbot.core.data_type.order_book_row import OrderBookRow

    market = kernel.service("sim").market
    now = time.time()
    books = [market.book("BTC-USDT", now + i * 0.1, 50) for i in range(SNAPSHOTS)]
    return [
        ([OrderBookRow(p, a, i) for p, a in b.bids], [OrderBookRow(p, a, i) for p, a in b.asks])
        for i, b in enumerate(books, start=1_000_000)
    ]


async def _feed(book: Any, snapshots: list[tuple[Rows, Rows]], probe: Probe) -> None:
    """Apply snapshots at UPDATES_PER_SECOND, in the bursts a busy websocket delivers (every 10 ms)."""
    started = time.perf_counter()
    while True:
        await asyncio.sleep(0.01)
        due = int((time.perf_counter() - started) * UPDATES_PER_SECOND)
        busy = time.perf_counter()
        while probe.applied < due:
            bids, asks = snapshots[probe.applied % len(snapshots)]
            book.apply_snapshot(bids, asks, 2_000_000 + probe.applied)
            probe.applied += 1
        probe.feeder_busy += time.perf_counter() - busy


# -- the parent: a user at a terminal -------------------------------------------------------------


class Terminal:
    """The pty's master side, drained continuously so the desk never blocks on a write."""

    def __init__(self, cols: int, rows: int, env: dict[str, str], args: list[str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.changed = threading.Condition()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            if not select.select([self.master], [], [], 0.5)[0]:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.changed:
                self.output += data
                self.changed.notify_all()

    def press(self, key: bytes, shows: bytes, timeout: float = 5.0) -> float:
        """Seconds from writing ``key`` to ``shows`` appearing in what the desk writes after it."""
        with self.changed:
            mark = len(self.output)
        started = time.perf_counter()
        os.write(self.master, key)
        with self.changed:
            while shows not in self.output[mark:]:
                left = started + timeout - time.perf_counter()
                if left <= 0:
                    raise SystemExit(f"{shows!r} did not show within {timeout} s of {key!r}")
                self.changed.wait(left)
            return time.perf_counter() - started


def main(argv: list[str]) -> None:
    positional = [a for a in argv if not a.startswith("--")]
    seconds = float(positional[0]) if positional else 10.0
    cols, rows = map(int, (positional[1] if len(positional) > 1 else "120x40").split("x"))
    work = Path(tempfile.mkdtemp(prefix="hbdesk-market-bench-"))
    ready, stats = work / "ready", work / "stats.json"
    env = {**os.environ, "HBDESK_DATA_DIR": str(work / "data"), "TERM": "xterm-256color"}
    args = [sys.executable, __file__, "--child", str(ready), str(stats)]
    terminal = Terminal(cols, rows, env, args)
    deadline = time.monotonic() + 120
    while not ready.exists():
        if time.monotonic() > deadline or terminal.process.poll() is not None:
            raise SystemExit("the market screen was not drawn within 120 s")
        time.sleep(0.05)

    latencies: list[float] = []
    finish = time.perf_counter() + seconds
    while time.perf_counter() < finish:
        time.sleep(random.uniform(0.05, 0.15))  # out of step with the screen's 10 Hz timer
        latencies.append(terminal.press(LEFT, b"back"))
        time.sleep(random.uniform(0.05, 0.15))
        latencies.append(terminal.press(END, b"newest"))
    os.write(terminal.master, QUIT)
    terminal.process.wait(60)
    report(json.loads(stats.read_text()), latencies, f"{cols}x{rows}")


def report(figures: dict[str, float], latencies: list[float], setup: str) -> None:
    window = figures["seconds"]
    p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98]
    print(f"market screen {setup}: {window:.1f} s, book fed {figures['applied'] / window:.0f} updates/s")
    print(f"  frames written to the terminal: {figures['frames'] / window:.1f}/s (goal 10+)")
    print(
        f"  key to screen ({len(latencies)} presses): p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms (goal: under 100 ms)"
    )
    print(
        f"  CPU: {figures['cpu'] / window:.2f} of a core (goal: under 1), of which the feeder applying "
        f"snapshots {figures['feeder_busy'] / window:.2f}"
    )
    print(
        f"  garbage collections: {figures['gc_count']:.0f}, the longest {figures['gc_longest'] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1:])
