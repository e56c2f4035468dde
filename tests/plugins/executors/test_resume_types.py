"""A grid and a DCA survive a SIGKILL: a real `hbdesk serve` killed while both have orders resting
and levels filled, started again on the same data dir. The grid comes back with the very levels
it was built with (they are sized from the price at creation, so they must be kept) and its
orders, and goes on filling; the DCA comes back with its levels in order (no level placed twice)
and closes on a barrier. One kill serves both."""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD, wait_for
from tests.plugins.executors.test_types_on_sim import FAST, closed, dca, grid, mid, owned_orders
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow

RESTING = ("OPEN", "PARTIALLY_FILLED")


@dataclass
class Killed:
    served: Served  # the second server, on the first one's data dir
    ids: dict[str, str]
    before: dict[str, dict[str, Any]]  # each executor as last shown before the kill
    orders: dict[str, list[dict[str, Any]]]  # and its orders


async def _before_the_kill(url: str) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    async with HummingbotAPIClient(url, "admin", PASSWORD) as client:

        async def in_flight(name: str) -> bool:
            orders = await owned_orders(client, ids[name])
            return any(o["status"] == "FILLED" for o in orders) and any(
                o["status"] in RESTING for o in orders
            )

        async def ready(name: str, timeout: float) -> None:
            try:
                await wait_for(lambda: in_flight(name), timeout=timeout, interval=0.3)
            except AssertionError:
                seen = [(o["trade_type"], o["status"]) for o in await owned_orders(client, ids[name])]
                raise AssertionError(f"the {name} never had orders both filled and resting: {seen}") from None

        # The grid's levels open at market, so some are filled at once and their take-profits
        # rest, whichever way the market goes (one order every 3 s at most, so quiet moments come);
        # the DCA (whose time limit is short) comes after.
        market_open = {
            "open_order_type": "MARKET",
            "take_profit": "0.0005",
            "take_profit_order_type": "LIMIT",
        }
        price = await mid(client, "BTC-USDT")
        ids = {
            "grid": (
                await client.executors.create_executor(
                    grid(price, triple_barrier_config=market_open, max_orders_per_batch=1, order_frequency=3)
                )
            )["executor_id"]
        }
        await ready("grid", 60)
        # The first DCA level over the market fills at once; the next ones rest under it. Barriers
        # the price does not reach before the kill (a few seconds after the fill): the time limit
        # ends it after the restart.
        resting = dca(
            await mid(client, "ETH-USDT"),
            ("1.01", "0.996", "0.993"),
            take_profit="0.025",
            time_limit=15,
        )
        ids["dca"] = (await client.executors.create_executor(resting))["executor_id"]
        await ready("dca", 20)
        # The kill lands at a quiet moment: no order changed for longer than the executors take to
        # write their state (0.2 s). A kill within that time of a fill is a known gap: the resumed
        # executor sees the order as it last wrote it (see the plugin's notes).
        last: list[Any] = []

        async def quiet() -> bool:
            now = [
                sorted(
                    (o["order_id"], o["status"], o["filled_amount"]) for o in await owned_orders(client, i)
                )
                for i in ids.values()
            ]
            unchanged = now == last
            last[:] = now
            return unchanged

        await wait_for(quiet, timeout=30, interval=0.4)
        before = {name: await client.executors.get_executor(i) for name, i in ids.items()}
        orders = {name: await owned_orders(client, i) for name, i in ids.items()}
        return ids, before, orders


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Killed]:
    root: Path = tmp_path_factory.mktemp("killed")
    first = start_server(root, env=FAST)
    try:
        ids, before, orders = asyncio.run(_before_the_kill(first.url))
    finally:
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(30)
    second = start_server(root, env=FAST)
    yield Killed(second, ids, before, orders)
    stop_server(second)


async def resumed(client: HummingbotAPIClient, executor_id: str) -> dict[str, Any]:
    async def back() -> bool:
        found = await client.executors.get_executor(executor_id)
        return "resume_state" not in found["custom_info"]

    await wait_for(back, timeout=60, interval=0.3)
    found: dict[str, Any] = await client.executors.get_executor(executor_id)
    return found


async def test_a_dca_resumes_its_levels_in_order_and_closes_on_a_barrier(killed: Killed) -> None:
    executor_id = killed.ids["dca"]
    async with HummingbotAPIClient(killed.served.url, "admin", PASSWORD) as client:
        shown = await client.executors.get_executor(executor_id)
        assert shown["status"] == "RUNNING"  # never terminated by the kill
        await resumed(client, executor_id)
        logs = await client.executors.get_executor_logs(executor_id)
        told = [
            m
            for e in logs["logs"]
            if (m := re.search(r"resumed after a restart with (\d+) order", e["message"]))
        ]
        assert told and int(told[0].group(1)) >= 2  # the level filled and the one resting

        final = await closed(client, executor_id, timeout=40)
        assert final["close_type"] in ("TAKE_PROFIT", "STOP_LOSS", "TIME_LIMIT")
        orders = await owned_orders(client, executor_id)
        before = {o["order_id"] for o in killed.orders["dca"]}
        assert before <= {o["order_id"] for o in orders}
        entries = [o for o in orders if o["trade_type"] == "BUY"]
        # One order a level, at the level's own price: the restart placed none of them again.
        levels = [float(p) for p in final["config"]["prices"]]
        assert len(entries) <= 3 and len({o["price"] for o in entries}) == len(entries)
        assert all(
            o["price"] == pytest.approx(p)
            for o, p in zip(sorted(entries, key=_created), levels[: len(entries)], strict=True)
        )
        bought = sum(o["filled_amount"] for o in entries)
        exits = [o for o in orders if o["trade_type"] == "SELL"]
        assert len(exits) == 1 and exits[0]["filled_amount"] == pytest.approx(bought, rel=1e-3)
        assert not [o for o in orders if o["status"] in RESTING]


async def test_a_grid_resumes_with_its_levels_and_goes_on_filling(killed: Killed) -> None:
    executor_id = killed.ids["grid"]
    before = killed.before["grid"]
    async with HummingbotAPIClient(killed.served.url, "admin", PASSWORD) as client:
        again = await resumed(client, executor_id)
        assert again["status"] == "RUNNING"
        # The very levels it was built with, not new ones sized from today's price.
        for key in ("grid_level_prices", "grid_tp_prices"):
            assert again["custom_info"][key] == before["custom_info"][key]
        assert again["config"]["start_price"] == before["config"]["start_price"]

        # Its orders are its own again: none resting before the kill is left behind as an orphan,
        # and it places and fills new ones.
        known = {o["order_id"] for o in killed.orders["grid"]}

        async def filled_anew() -> bool:
            orders = await owned_orders(client, executor_id)
            return any(o["order_id"] not in known and o["status"] == "FILLED" for o in orders)

        await wait_for(filled_anew, timeout=45, interval=0.5)
        again = await client.executors.get_executor(executor_id)
        assert again["custom_info"]["grid_level_prices"] == before["custom_info"]["grid_level_prices"]
        stopped = await client.executors.stop_executor(executor_id)
        assert stopped["status"] == "stopping"
        # Its stop ends: resting take-profits cancelled, the bought amount sold (hummingbot's
        # shutdown pauses 5 s a round).
        final = await closed(client, executor_id, timeout=60)
        assert final["close_type"] == "EARLY_STOP"
        assert not [o for o in await owned_orders(client, executor_id) if o["status"] in RESTING]


def _created(order: dict[str, Any]) -> Any:
    return order["created_at"]
