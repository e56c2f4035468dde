"""Backtest tasks survive the server: a finished task keeps its result across a SIGKILL and a
restart on the same data dir; the task that was running when it died is failed with the reason."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD, wait_for
from tests.plugins.backtesting.test_backtesting_client import CONFIG, DAY, END
from tests.server import start_server, stop_server

pytestmark = pytest.mark.slow


async def test_results_survive_a_kill_and_a_running_task_is_failed(tmp_path: Path) -> None:
    first = start_server(tmp_path)
    try:
        async with HummingbotAPIClient(first.url, "admin", PASSWORD) as client:
            done = await client.backtesting.submit_task(END - DAY, END, "1m", 0.0006, CONFIG)

            async def completed() -> bool:
                return (await client.backtesting.get_task(done["task_id"]))["status"] == "completed"

            await wait_for(completed, timeout=120, interval=0.3)
            before: dict[str, Any] = await client.backtesting.get_task(done["task_id"])
            response = await client._session.post(
                f"{client.base_url}/backtesting/tasks",
                json={
                    "start_time": END - 30 * DAY,
                    "end_time": END,
                    "config": CONFIG,
                    "engine": "hummingbot",
                },
            )
            running_id = (await response.json())["task_id"]

            async def running() -> bool:
                return (await client.backtesting.get_task(running_id))["status"] == "running"

            await wait_for(running, timeout=60, interval=0.2)
    finally:
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(30)

    second = start_server(tmp_path)
    try:
        async with HummingbotAPIClient(second.url, "admin", PASSWORD) as client:
            after = await client.backtesting.get_task(done["task_id"])
            assert after["status"] == "completed" and after["result"] == before["result"]
            interrupted = await client.backtesting.get_task(running_id)
            assert interrupted["status"] == "failed" and "stopped" in interrupted["error"]
            listed = {t["task_id"] for t in await client.backtesting.list_tasks()}
            assert {done["task_id"], running_id} <= listed
    finally:
        stop_server(second)
