"""``hbdesk serve`` as an operator runs it: refusals, a wrong CONFIG_PASSWORD, SIGTERM."""

from __future__ import annotations

import asyncio
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
    assert "PASSWORD is still the default 'admin'" in (exposure_problem("0.0.0.0", defaults) or "")
    assert exposure_problem("0.0.0.0", core_settings(tmp_path)) is None  # own credentials
    debug = core_settings(tmp_path, debug_mode=True)
    assert "DEBUG_MODE" in (exposure_problem("0.0.0.0", debug) or "")
    for blank in ("", "   "):
        empty = core_settings(tmp_path, password=blank)
        assert "PASSWORD is empty" in (exposure_problem("0.0.0.0", empty) or "")
        assert exposure_problem("127.0.0.1", empty) is None
        nobody = core_settings(tmp_path, username=blank)
        assert "USERNAME is empty" in (exposure_problem("0.0.0.0", nobody) or "")


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"PASSWORD": "admin"}, "PASSWORD is still the default"),
        ({"PASSWORD": ""}, "PASSWORD is empty"),
        ({"USERNAME": ""}, "USERNAME is empty"),
        ({"DEBUG_MODE": "true"}, "authentication is off"),
    ],
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


def test_sigterm_closes_open_websockets_at_once_and_exits_in_time(tmp_path: Path) -> None:
    """Open sockets get a close frame (1001 going away) as soon as the server is told to stop;
    it does not wait out its shutdown timeout (60 s here) for sockets that never end."""
    served = start_server(tmp_path, env={"HBDESK_REST_API__SHUTDOWN_TIMEOUT": "60"})
    closes: list[int | None] = []

    async def hold_sockets() -> None:
        auth = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
        async with aiohttp.ClientSession(headers=auth) as session:
            sockets = [await session.ws_connect(served.url + "/ws/market-data") for _ in range(3)]
            for ws in sockets:
                await ws.receive_json()  # connected
            await sockets[0].send_json(
                {"action": "subscribe", "type": "order_book", "connector": "hbdesk_sim",
                 "trading_pair": "BTC-USDT", "update_interval": 0.25}
            )  # fmt: skip
            assert (await sockets[0].receive_json())["type"] == "subscribed"
            served.process.send_signal(signal.SIGTERM)
            for ws in sockets:
                while (await ws.receive(timeout=30)).type == aiohttp.WSMsgType.TEXT:
                    pass  # pushes on their way before the close
                closes.append(ws.close_code)

    asyncio.run(hold_sockets())
    assert closes == [1001, 1001, 1001]
    assert served.process.wait(30) == 0  # well inside the 60 s shutdown timeout
    assert "kernel stopped; database closed" in served.output()


def test_every_state_file_is_its_owners_alone(tmp_path: Path) -> None:
    served = start_server(tmp_path)
    try:
        with urllib.request.urlopen(
            urllib.request.Request(
                served.url + "/accounts/add-account?account_name=perm",
                method="POST",
                headers={"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)},
            ),
            timeout=30,
        ) as response:
            assert response.status == 201
    finally:
        assert stop_server(served) == 0
    found = [served.data_dir, *served.data_dir.rglob("*")]
    assert any(path.name == "hbdesk.sqlite" for path in found)
    loose = {
        str(path.relative_to(served.data_dir)): oct(path.stat().st_mode & 0o777)
        for path in found
        if path.stat().st_mode & 0o077
    }
    assert loose == {}


def test_a_check_cut_short_by_a_kill_ends_after_the_restart(tmp_path: Path) -> None:
    from tests.plugins.accounts.test_accounts_client import credential_status

    hanging = start_server(tmp_path, env={"PAPER_EXCHANGE_HANGS": "1"})
    request = urllib.request.Request(
        hanging.url + "/accounts/add-credential/master_account/paper_exchange",
        data=b'{"paper_api_key": "k", "paper_api_secret": "s"}',
        method="POST",
        headers={
            "Authorization": aiohttp.encode_basic_auth("admin", PASSWORD),
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
    hanging.process.kill()  # SIGKILL while the exchange is being asked
    hanging.process.wait(30)

    restarted = start_server(tmp_path)
    try:
        states = asyncio.run(credential_status(restarted, "master_account"))
        assert [(s["connector_name"], s["status"]) for s in states] == [("paper_exchange", "verified")]
    finally:
        stop_server(restarted)
