"""Every backtesting route through the Hummingbot API client against a real `hbdesk serve` on the
sim: runs, tasks (submit, list with progress, get with result, cancel and delete), bad input as 4xx
with `detail`, and the event loop answering while a long backtest runs in a worker."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import wait_for

pytestmark = pytest.mark.slow

DAY = 86_400
END = int(time.time()) // DAY * DAY - DAY  # a past range the sim computes
CONFIG: dict[str, Any] = {
    "controller_name": "macd_bb",
    "connector_name": "hbdesk_sim",
    "trading_pair": "BTC-USDT",
    "interval": "3m",
    "bb_length": 50,
    "bb_long_threshold": 0.1,
    "bb_short_threshold": 0.9,
    "total_amount_quote": 1000,
    "stop_loss": 0.004,
    "take_profit": 0.003,
    "time_limit": 3600,
    "cooldown_time": 120,
}


async def status_of(call: Any) -> tuple[int, str]:
    with pytest.raises(aiohttp.ClientResponseError) as error:
        await call
    return error.value.status, error.value.message


async def test_a_run_answers_every_figure_and_the_same_twice(client: HummingbotAPIClient) -> None:
    answer = await client.backtesting.run(END - DAY, END, "1m", 0.0006, CONFIG)
    assert set(answer) >= {
        "executors",
        "processed_data",
        "results",
        "position_holds",
        "position_held_timeseries",
        "pnl_timeseries",
    }
    results = answer["results"]
    assert set(results) >= {
        "net_pnl",
        "net_pnl_quote",
        "total_executors",
        "total_executors_with_position",
        "total_volume",
        "total_long",
        "total_short",
        "close_types",
        "accuracy_long",
        "accuracy_short",
        "total_positions",
        "accuracy",
        "max_drawdown_usd",
        "max_drawdown_pct",
        "sharpe_ratio",
        "profit_factor",
        "win_signals",
        "loss_signals",
    }
    assert results["total_executors"] == len(answer["executors"]) > 0
    assert len(answer["pnl_timeseries"]) == len(answer["processed_data"]["timestamp"]) > 1000
    again = await client.backtesting.run(END - DAY, END, "1m", 0.0006, CONFIG)
    assert again == answer


async def test_tasks_run_side_by_side_and_are_listed_fetched_and_deleted(client: HummingbotAPIClient) -> None:
    other = {**CONFIG, "trading_pair": "ETH-USDT", "take_profit": 0.005}
    first = await client.backtesting.submit_task(END - DAY, END, "1m", 0.0006, CONFIG)
    second = await client.backtesting.submit_task(END - DAY, END, "1m", 0.0006, other)
    assert first["task_id"] != second["task_id"] and first["status"] == "pending"
    listed = {t["task_id"]: t for t in await client.backtesting.list_tasks()}
    assert {first["task_id"], second["task_id"]} <= set(listed)
    assert all(0 <= t["progress"] <= 1 and "result" not in t for t in listed.values())

    async def done() -> bool:
        tasks = {t["task_id"]: t for t in await client.backtesting.list_tasks()}
        return all(tasks[i["task_id"]]["status"] == "completed" for i in (first, second))

    await wait_for(done, timeout=120, interval=0.3)
    one = await client.backtesting.get_task(first["task_id"])
    two = await client.backtesting.get_task(second["task_id"])
    assert one["progress"] == 1 and one["engine"] == "vectorised"
    # Side by side, each got its own answer: the one a run alone gives.
    assert one["result"] == await client.backtesting.run(END - DAY, END, "1m", 0.0006, CONFIG)
    assert two["result"] == await client.backtesting.run(END - DAY, END, "1m", 0.0006, other)
    assert one["result"]["results"] != two["result"]["results"]

    deleted = await client.backtesting.delete_task(first["task_id"])
    assert deleted["status"] == "deleted"
    assert (await status_of(client.backtesting.get_task(first["task_id"])))[0] == 404
    assert (await status_of(client.backtesting.delete_task(first["task_id"])))[0] == 404


async def test_a_running_task_is_cancelled_by_delete(client: HummingbotAPIClient) -> None:
    submitted = await client._session.post(  # the client sends no `engine`; hbdesk accepts it
        f"{client.base_url}/backtesting/tasks",
        json={"start_time": END - 20 * DAY, "end_time": END, "config": CONFIG, "engine": "hummingbot"},
    )
    assert submitted.status == 200
    task_id = (await submitted.json())["task_id"]

    async def running() -> bool:
        return (await client.backtesting.get_task(task_id))["status"] == "running"

    await wait_for(running, timeout=60, interval=0.2)
    cancelled = await client.backtesting.delete_task(task_id)
    assert cancelled["status"] == "cancelled"
    assert task_id not in {t["task_id"] for t in await client.backtesting.list_tasks()}
    assert (await status_of(client.backtesting.get_task(task_id)))[0] == 404


@pytest.mark.parametrize(
    ("start", "end", "resolution", "config", "status"),
    [
        (END, END - DAY, "1m", CONFIG, 400),  # end before start
        (END + 400 * DAY, END + 401 * DAY, "1m", CONFIG, 400),  # no data (the future)
        (END - DAY, END, "7m", CONFIG, 400),  # a resolution there is not
        (END - DAY, END, "1m", {**CONFIG, "interval": "7m"}, 400),  # the controller's candles neither
        (END - DAY, END, "1m", {**CONFIG, "trading_pair": "NOPE-USDT"}, 400),
        (END - DAY, END, "1m", {**CONFIG, "connector_name": "nope_exchange"}, 400),
        (END - DAY, END, "1m", {**CONFIG, "bb_length": -3}, 400),  # invalid config, fields named
        (END - DAY, END, "1m", {**CONFIG, "controller_name": "no_such_controller"}, 404),
        (END - DAY, END, "1m", "no_such_controller", 404),
    ],
)
async def test_bad_input_is_a_4xx_with_detail(
    client: HummingbotAPIClient, start: int, end: int, resolution: str, config: Any, status: int
) -> None:
    for call in (client.backtesting.run, client.backtesting.submit_task):
        got, detail = await status_of(call(start, end, resolution, 0.0006, config))
        assert got == status and detail
    if config == {**CONFIG, "bb_length": -3}:
        assert "bb_length" in detail


async def test_unknown_tasks_are_404(client: HummingbotAPIClient) -> None:
    assert (await status_of(client.backtesting.get_task("bt_nothing")))[0] == 404
    assert (await status_of(client.backtesting.delete_task("bt_nothing")))[0] == 404


async def test_the_event_loop_answers_while_a_long_backtest_runs(client: HummingbotAPIClient) -> None:
    long = asyncio.create_task(
        client._session.post(
            f"{client.base_url}/backtesting/run",
            json={"start_time": END - 10 * DAY, "end_time": END, "config": CONFIG, "engine": "hummingbot"},
        )
    )
    answered = 0
    while not long.done():
        assert isinstance(await client.accounts.list_accounts(), list)
        answered += 1
        await asyncio.sleep(0.01)
    response = await long
    assert response.status == 200
    assert (await response.json())["results"]["total_executors"] > 0
    assert answered >= 20  # the accounts kept answering while the backtest ran
