"""Executors survive a SIGKILL: a real `hbdesk serve` killed while a position executor holds its
position, started again on the same data dir; the executor runs again with its position and
barriers, and when the price crosses its stop-loss after the kill, it closes the position and
the close is recorded.

The sim's market is seeded: its price at any moment is known ahead. The test reads the path of
the next minutes and opens the side, at the moment and with the stop-loss, that the price will
not reach before the kill and will cross after it."""

from __future__ import annotations

import asyncio
import math
import signal
import time
from dataclasses import dataclass
from typing import Any

import pytest
from hummingbot_api_client import HummingbotAPIClient

from hbdesk_plugins.sim.market import SimMarket
from tests.helpers import PASSWORD, wait_for
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow

SEED = 42
# The sim's prices move 20 times as far as usual, so a barrier is met in seconds.
FAST = {"HBDESK_SIM__VOLATILITY": "20", "HBDESK_SIM_SEED": str(SEED)}
PAIR = "BTC-USDT"
STEP = 0.5  # seconds between two looks at the planned path
BEFORE_KILL = 8.0  # seconds from opening to the kill, at most (it is ~2 s)
WITHIN = 90.0  # seconds from opening in which the stop-loss must be crossed
MARGIN = 0.003  # the fees and the spread, and a little more, in the position's PnL


@dataclass(frozen=True)
class Plan:
    at: float  # when to open
    side: str
    stop_loss: str


def plan(now: float) -> Plan:
    """The first moment within a minute from ``now`` at which a long or a short, opened then, has
    a stop-loss the price stays clear of (by ``MARGIN``) until the kill and crosses (by as much)
    before ``WITHIN``."""
    market = SimMarket(SEED, volatility=20.0)
    times = [now + STEP * k for k in range(int((60 + WITHIN) / STEP))]
    logs = [math.log(market.mid(PAIR, t)) for t in times]
    early, late = int(BEFORE_KILL / STEP), int(WITHIN / STEP)
    for first in range(int(60 / STEP)):
        for side, sign in (("BUY", 1), ("SELL", -1)):
            adverse = [sign * (logs[first] - value) for value in logs[first : first + late]]
            stop = max(adverse[:early]) + MARGIN
            if max(adverse[early:]) > stop + MARGIN:
                return Plan(times[first], side, f"{stop:.4f}")
    raise AssertionError("the sim's path offers no such stop-loss within a minute")


def kill(served: Served) -> None:
    served.process.send_signal(signal.SIGKILL)
    served.process.wait(30)


def position(side: str, **barriers: Any) -> dict[str, Any]:
    return {
        "type": "position_executor",
        "connector_name": "hbdesk_sim",
        "trading_pair": PAIR,
        "side": side,
        "amount": "0.01",
        "triple_barrier_config": {"open_order_type": "MARKET", **barriers},
    }


async def test_a_position_executor_resumes_after_a_kill_and_closes_on_its_stop_loss(tmp_path: Any) -> None:
    first = start_server(tmp_path, env=FAST)
    try:
        async with HummingbotAPIClient(first.url, "admin", PASSWORD) as client:
            chosen = plan(time.time())
            await asyncio.sleep(max(0.0, chosen.at - time.time()))
            created = await client.executors.create_executor(
                position(chosen.side, stop_loss=chosen.stop_loss, take_profit="0.2", time_limit=600)
            )
            executor_id = created["executor_id"]

            async def holding() -> bool:
                found = await client.executors.get_executor(executor_id)
                return bool(found["filled_amount_quote"] > 0 and found["status"] == "RUNNING")

            await wait_for(holding, timeout=BEFORE_KILL, interval=0.2)
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
            assert set(before["custom_info"]["order_ids"]) <= set(again["custom_info"]["order_ids"])
            barriers = again["config"]["triple_barrier_config"]
            assert float(barriers["stop_loss"]) == float(chosen.stop_loss) and barriers["time_limit"] == 600
            assert again["config"]["entry_price"] == before["config"]["entry_price"]
            logs = await client.executors.get_executor_logs(executor_id)
            assert any("resumed after a restart" in entry["message"] for entry in logs["logs"])

            async def closed() -> bool:
                found = await client.executors.get_executor(executor_id)
                return bool(found["status"] == "TERMINATED")

            await wait_for(closed, timeout=WITHIN + 30, interval=0.3)
            final = await client.executors.get_executor(executor_id)
            assert final["close_type"] == "STOP_LOSS" and final["net_pnl_quote"] < 0
            orders = await client.trading.search_orders(account_names=["master_account"], limit=1000)
            owned = [o for o in orders["data"] if o.get("owner") == executor_id]
            assert len(owned) == 2 and all(o["status"] == "FILLED" for o in owned)
            opening, closing = ("BUY", "SELL") if chosen.side == "BUY" else ("SELL", "BUY")
            in_order = sorted(owned, key=lambda o: o["created_at"])
            assert [o["trade_type"] for o in in_order] == [opening, closing]
            assert sum(o["filled_amount"] for o in owned if o["trade_type"] == closing) == pytest.approx(0.01)
    finally:
        stop_server(second)
