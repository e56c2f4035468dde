"""Resident memory of an idle ``hbdesk serve`` after start (and after its connector list loaded).

Usage: .venv/bin/python benchmarks/serve_idle_memory.py
"""

from __future__ import annotations

import time
from pathlib import Path

from _common import start_serve, stop


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS")


def main() -> None:
    process, _url = start_serve()
    try:
        at_start = rss_mib(process.pid)
        time.sleep(15)  # the connector catalog (hummingbot) loads in the background
        settled = rss_mib(process.pid)
    finally:
        stop(process)
    print(f"hbdesk serve RSS when first answering: {at_start:.0f} MiB")
    print(f"hbdesk serve RSS idle, 15 s later:     {settled:.0f} MiB")


if __name__ == "__main__":
    main()
