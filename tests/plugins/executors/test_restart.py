"""Executors survive a SIGKILL: a real `hbdesk serve` killed while a position executor holds its
position, started again on the same data dir; the executor runs again with its position and
barriers, and closes on a barrier with the close recorded."""

from __future__ import annotations

import signal
from typing import Any

import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD, wait_for
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow

# The sim's prices move 20 times as far as usual, so a barrier is met in seconds.
FAST = {"HBDESK_SIM__VOLATILITY": "20"}


def kill(served: Served) -> None:
    served.process.send_signal(signal.SIGKILL)
    served.process.wait(30)


def position(side: str, **barriers: Any) -> dict[str, Any]:
    return {
        "type": "position_executor",
        "connector_name": "hbdesk_sim",
        "trading_pair": "BTC-USDT",
        "side": side,
        "amount": "0.01",
        "triple_barrier_config": {"open_order_type": "MARKET", **barriers},
    }


async def test_a_position_executor_resumes_after_a_kill_and_closes_on_its_barrier(tmp_path: Any) -> None:
    first = start_server(tmp_path, env=FAST)
    try:
        async with HummingbotAPIClient(first.url, "admin", PASSWORD) as client:
            # A stop-loss wide enough not to fire before the time limit ends it, soon after the restart
            # (the sim's price at this volatility falls 1% within 20 s from one start in sixteen).
            created = await client.executors.create_executor(
                position("BUY", stop_loss="0.05", take_profit="0.05", time_limit=20)
            )
            executor_id = created["executor_id"]

            async def holding() -> bool:
                found = await client.executors.get_executor(executor_id)
                return bool(found["filled_amount_quote"] > 0 and found["status"] == "RUNNING")

            await wait_for(holding, timeout=30, interval=0.3)
            before = await client.executors.get_executor(executor_id)
    finally:
        kill(first)

    second = start_server(tmp_path, env=FAST)
    try:
        async with HummingbotAPIClient(second.url, "admin", PASSWORD) as client:
            # Shown as running from the first answer: never terminated by the restart.
            shown = await client.executors.get_executor(executor_id)
            assert shown["status"] == "RUNNING" and shown["is_active"]

            async def resumed() -> bool:
                found = await client.executors.get_executor(executor_id)
                return "resume_state" not in found["custom_info"] and found["filled_amount_quote"] > 0

            await wait_for(resumed, timeout=60, interval=0.3)
            again = await client.executors.get_executor(executor_id)
            assert again["status"] == "RUNNING"
            assert again["custom_info"]["order_ids"] == before["custom_info"]["order_ids"]
            barriers = again["config"]["triple_barrier_config"]
            assert float(barriers["stop_loss"]) == 0.05 and barriers["time_limit"] == 20
            assert again["config"]["entry_price"] == before["config"]["entry_price"]
            logs = await client.executors.get_executor_logs(executor_id)
            assert any("resumed after a restart" in entry["message"] for entry in logs["logs"])

            async def closed() -> bool:
                found = await client.executors.get_executor(executor_id)
                return bool(found["status"] == "TERMINATED")

            await wait_for(closed, timeout=40, interval=0.3)
            final = await client.executors.get_executor(executor_id)
            assert final["close_type"] in ("TIME_LIMIT", "STOP_LOSS", "TAKE_PROFIT")
            orders = await client.trading.search_orders(account_names=["master_account"], limit=1000)
            owned = [o for o in orders["data"] if o.get("owner") == executor_id]
            assert len(owned) == 2 and all(o["status"] == "FILLED" for o in owned)
            sides = sorted(o["trade_type"] for o in owned)
            assert sides == ["BUY", "SELL"]
            assert sum(o["filled_amount"] for o in owned if o["trade_type"] == "SELL") == pytest.approx(0.01)
    finally:
        stop_server(second)
