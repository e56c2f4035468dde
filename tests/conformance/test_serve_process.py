"""``hbdesk serve`` as an operator runs it: refusals, a wrong CONFIG_PASSWORD, SIGTERM."""

from __future__ import annotations

import signal
import threading
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from hbdesk_plugins.rest_api.serve import exposure_problem, is_loopback
from tests.helpers import PASSWORD, core_settings
from tests.server import start_server, stop_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.5", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("desk.example.com", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_exposure_rules(tmp_path: Path) -> None:
    defaults = core_settings(tmp_path, password="admin")
    assert exposure_problem("127.0.0.1", defaults) is None
    assert "PASSWORD" in (exposure_problem("0.0.0.0", defaults) or "")
    assert exposure_problem("0.0.0.0", core_settings(tmp_path)) is None  # own credentials
    debug = core_settings(tmp_path, debug_mode=True)
    assert "DEBUG_MODE" in (exposure_problem("0.0.0.0", debug) or "")


@pytest.mark.parametrize(
    ("env", "needle"),
    [({"PASSWORD": "admin"}, "Set USERNAME and PASSWORD"), ({"DEBUG_MODE": "true"}, "authentication is off")],
)
def test_serve_refuses_to_listen_beyond_loopback_unsafely(
    tmp_path: Path, env: dict[str, str], needle: str
) -> None:
    served = start_server(tmp_path, "--host", "0.0.0.0", env=env, wait=False)
    # the later --host wins: the command line asks for every interface
    assert served.process.wait(60) == 2
    assert needle in served.output()
    assert "Traceback" not in served.output()


def test_a_wrong_config_password_is_a_clear_error_and_a_nonzero_exit(tmp_path: Path) -> None:
    first = start_server(tmp_path)
    assert stop_server(first) == 0
    wrong = start_server(tmp_path, env={"CONFIG_PASSWORD": "not-it"}, wait=False)
    assert wrong.process.wait(60) == 2
    assert "CONFIG_PASSWORD does not open the secrets" in wrong.output()
    assert "Traceback" not in wrong.output()


def test_sigterm_finishes_in_flight_requests_then_stops_the_kernel(tmp_path: Path) -> None:
    served = start_server(tmp_path)
    result: dict[str, object] = {}

    def slow_request() -> None:
        request = urllib.request.Request(
            served.url + "/paper/slow",
            headers={"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            result["status"] = response.status
            result["body"] = response.read()

    worker = threading.Thread(target=slow_request)
    worker.start()
    import time

    time.sleep(0.3)  # the request is now in flight
    served.process.send_signal(signal.SIGTERM)
    worker.join(30)
    assert served.process.wait(30) == 0
    assert result == {"status": 200, "body": b'{"status":"finished"}'}
    log = served.output()
    assert "kernel stopped; database closed" in log
    assert '"GET /paper/slow" 200' in log  # the access log
    wal = served.data_dir / "hbdesk.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # every connection closed cleanly
