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
