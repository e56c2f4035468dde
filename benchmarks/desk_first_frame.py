"""Process start to the desk's first rendered frame, in a real pseudo-terminal (80x24).

The clock starts before the process is spawned and stops when the terminal receives the home
screen's text. Median of several runs. Usage: .venv/bin/python benchmarks/desk_first_frame.py [runs]
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
MARKER = b"Welcome to hbdesk"
HBDESK = str(Path(sys.executable).with_name("hbdesk"))


def one_run(data_dir: str) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        **os.environ,
        "HBDESK_DATA_DIR": data_dir,
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
    }
    started = time.perf_counter()
    process = subprocess.Popen([HBDESK], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen = b""
    try:
        while MARKER not in seen:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                raise SystemExit("no first frame within 60 s")
            seen += os.read(master, 65536)
        elapsed = time.perf_counter() - started
        os.write(master, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(master)
    return elapsed


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="hbdesk-frame-")
    one_run(data_dir)  # the first run creates the database; it is not counted
    times = [one_run(data_dir) for _ in range(RUNS)]
    print(
        f"first frame, {RUNS} runs: median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (goal: median under 1000 ms)"
    )


if __name__ == "__main__":
    main()
