"""A real ``hbdesk serve`` process on a free loopback port, for conformance tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import CONFIG_PASSWORD, PASSWORD, free_port

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    data_dir: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text()


def paper_exchange_site(root: Path) -> Path:
    """The paper_exchange test connector, installed as a plugin on its own sys.path entry."""
    site = root / "site"
    dist = site / "hbdesk_paper_exchange-1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "paper_exchange" / "hbdesk_paper_exchange.py", site)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hbdesk-paper-exchange\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[hbdesk.plugins]\npaper_exchange = hbdesk_paper_exchange\n")
    return site


def start_server(root: Path, *args: str, env: dict[str, str] | None = None, wait: bool = True) -> Served:
    port = free_port()
    data_dir = root / "data"
    log = root / "serve.log"
    environment = {
        **os.environ,
        "HBDESK_DATA_DIR": str(data_dir),
        "USERNAME": "admin",
        "PASSWORD": PASSWORD,
        "CONFIG_PASSWORD": CONFIG_PASSWORD,
        "PYTHONPATH": str(paper_exchange_site(root)),
        # Never the developer's own daemon: a test that wants Docker passes its fake engine.
        "HBDESK_DOCKER__HOST": f"unix://{root / 'no-docker.sock'}",
        **(env or {}),
    }
    command = [sys.executable, "-m", "hbdesk.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{port}", process, data_dir, log)
    if wait:
        wait_until_up(served)
    return served


def wait_until_up(served: Served, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise AssertionError(f"hbdesk serve exited with {served.process.returncode}:\n{served.output()}")
        try:
            with urllib.request.urlopen(served.url + "/", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"hbdesk serve did not come up:\n{served.output()}")


def stop_server(served: Served, timeout: float = 30.0) -> int:
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGTERM)
        try:
            served.process.wait(timeout)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()
    return served.process.returncode


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    running = start_server(tmp_path_factory.mktemp("serve"))
    yield running
    stop_server(running)
