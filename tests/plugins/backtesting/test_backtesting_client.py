"""Every backtesting route through the Hummingbot API client against a real `hbdesk serve` on the
sim: runs, tasks (submit, list with progress, get with result, cancel and delete), bad input as 4xx
with `detail`, and the event loop answering while a long backtest runs in a worker."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import status_of, wait_for

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


# A user's own directional controller, uploaded through the controllers routes: long above its
# moving average by more than ``band``, short below it.
SMA_TREND = """
import pandas as pd
from hummingbot.data_feed.candles_feed.data_types import CandlesConfig
from hummingbot.strategy_v2.controllers.directional_trading_controller_base import (
    DirectionalTradingControllerBase,
    DirectionalTradingControllerConfigBase,
)
from pydantic import Field


class SmaTrendConfig(DirectionalTradingControllerConfigBase):
    controller_name: str = "sma_trend"
    interval: str = "1m"
    sma_length: int = Field(default=30, ge=2)
    band: float = Field(default=0.001, ge=0)


class SmaTrend(DirectionalTradingControllerBase):
    def __init__(self, config, *args, **kwargs):
        self.config = config
        super().__init__(config, *args, **kwargs)

    def get_candles_config(self):
        return [
            CandlesConfig(
                connector=self.config.connector_name,
                trading_pair=self.config.trading_pair,
                interval=self.config.interval,
                max_records=self.config.sma_length + 10,
            )
        ]

    async def update_processed_data(self):
        config = self.config
        frame = self.market_data_provider.get_candles_df(
            config.connector_name, config.trading_pair, config.interval, config.sma_length + 10
        ).copy()
        frame["sma"] = frame["close"].rolling(self.config.sma_length).mean()
        gap = frame["close"] / frame["sma"] - 1
        frame["signal"] = 0
        frame.loc[gap > self.config.band, "signal"] = 1
        frame.loc[gap < -self.config.band, "signal"] = -1
        self.processed_data = {"signal": int(frame["signal"].iloc[-1]), "features": frame}
"""
SMA_CONFIG: dict[str, Any] = {
    "controller_type": "directional_trading",
    "controller_name": "sma_trend",
    "connector_name": "hbdesk_sim",
    "trading_pair": "ETH-USDT",
    "sma_length": 40,
    "band": 0.001,
    "total_amount_quote": 500,
    "stop_loss": 0.005,
    "take_profit": 0.004,
    "time_limit": 1800,
}


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


async def test_a_users_uploaded_controller_is_backtested(client: HummingbotAPIClient) -> None:
    await client.controllers.create_or_update_controller(
        "directional_trading", "sma_trend", {"content": SMA_TREND}
    )
    try:
        answer = await client.backtesting.run(END - DAY, END, "1m", 0.0006, SMA_CONFIG)
        executors = answer["executors"]
        assert answer["results"]["total_executors"] == len(executors) > 0
        assert "sma" in answer["processed_data"]  # the user's own feature
        # Its id derives from the config: the same config, the same executor ids.
        again = await client.backtesting.run(END - DAY, END, "1m", 0.0006, dict(SMA_CONFIG))
        assert again == answer
        assert len({e["id"] for e in executors}) == len(executors)
        # A controller_name alone finds the type of the only controller of that name.
        named = {k: v for k, v in SMA_CONFIG.items() if k != "controller_type"}
        task = await client.backtesting.submit_task(END - DAY, END, "1m", 0.0006, named)

        async def done() -> bool:
            return (await client.backtesting.get_task(task["task_id"]))["status"] in ("completed", "failed")

        await wait_for(done, timeout=120, interval=0.3)
        finished = await client.backtesting.get_task(task["task_id"])
        assert finished["status"] == "completed", finished["error"]
        assert finished["engine"] == "vectorised"
        assert finished["result"]["results"] == answer["results"]

        # Bad input: a field out of range is a 400 naming it; the name under another type, a 404.
        for call in (client.backtesting.run, client.backtesting.submit_task):
            status, detail = await status_of(
                call(END - DAY, END, "1m", 0.0006, {**SMA_CONFIG, "sma_length": 1})
            )
            assert status == 400 and "sma_length" in detail
            status, _ = await status_of(
                call(END - DAY, END, "1m", 0.0006, {**SMA_CONFIG, "controller_type": "market_making"})
            )
            assert status == 404
        # The same name under two types: a config naming only controller_name is ambiguous.
        await client.controllers.create_or_update_controller("generic", "sma_trend", {"content": SMA_TREND})
        status, detail = await status_of(client.backtesting.run(END - DAY, END, "1m", 0.0006, named))
        assert status == 400 and "controller_type" in detail
    finally:
        for kind in ("directional_trading", "generic"):
            with contextlib.suppress(aiohttp.ClientResponseError):
                await client.controllers.delete_controller(kind, "sma_trend")


async def test_a_saved_config_is_backtested_by_its_name(client: HummingbotAPIClient) -> None:
    saved = {**CONFIG, "controller_type": "directional_trading"}
    await client.controllers.create_or_update_controller_config("my_macd", saved)
    try:
        by_name = await client.backtesting.run(END - DAY, END, "1m", 0.0006, "my_macd")
        assert by_name["results"]["total_executors"] > 0
        assert {e["controller_id"] for e in by_name["executors"]} == {"my_macd"}
        # The same as the config itself, under the saved config's name as its id.
        as_dict = await client.backtesting.run(END - DAY, END, "1m", 0.0006, {**saved, "id": "my_macd"})
        assert as_dict == by_name
        assert (await status_of(client.backtesting.run(END - DAY, END, "1m", 0.0006, "no_such_config")))[
            0
        ] == 404
    finally:
        await client.controllers.delete_controller_config("my_macd")
