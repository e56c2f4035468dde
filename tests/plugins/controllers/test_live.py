"""Controllers run live through the executors plugin, in process over a real desk on the sim:
hbdesk's own ``/controllers/live`` routes start a shipped controller, it places and refreshes its
executors (each carrying its id as controller_id), stop stops them, a bad config is a 400 naming
the field, a controller whose candles cannot be read is marked failed with the reason, and a
restart of the desk on the same data dir runs it again without doubling its executors."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from hbdesk.sdk import create_desk
from tests.helpers import AUTH, core_settings, wait_for

PMM: dict[str, Any] = {
    "controller_type": "market_making",
    "controller_name": "pure_market_making",
    "connector_name": "hbdesk_sim",
    "trading_pair": "BTC-USDT",
    "total_amount_quote": "100",
    "buy_spreads": [0.001, 0.002],
    "sell_spreads": [0.001, 0.002],
    # hummingbot's base reads the weights only when given (its validator does not run on the
    # default): equal weights, spelt out.
    "buy_amounts_pct": ["1", "1"],
    "sell_amounts_pct": ["1", "1"],
    "executor_refresh_time": 3,  # quotes replaced every few seconds
    "stop_loss": "0.05",
    "take_profit": "0.01",
    "time_limit": 600,
}
MACD_BB: dict[str, Any] = {
    "id": "macd",
    "controller_type": "directional_trading",
    "controller_name": "macd_bb",
    "connector_name": "hbdesk_sim",
    "trading_pair": "ETH-USDT",
    "interval": "1m",
    "bb_length": 20,
    "macd_fast": 5,
    "macd_slow": 10,
    "macd_signal": 3,
    "bb_long_threshold": 0.5,  # wide thresholds, so a signal may fire in a short window
    "bb_short_threshold": 0.5,
    "total_amount_quote": "40",
    "max_executors_per_side": 1,
    "cooldown_time": 5,
    "stop_loss": "0.01",
    "take_profit": "0.01",
    "time_limit": 5,
}
QUOTE_LEVELS = {"buy_0", "buy_1", "sell_0", "sell_1"}


async def get(api: Any, path: str) -> Any:
    response = await api.get(path, headers=AUTH)
    assert response.status == 200, await response.text()
    return await response.json()


async def post(api: Any, path: str, body: Any = None, status: int = 200) -> Any:
    response = (
        await api.post(path, json=body, headers=AUTH)
        if body is not None
        else await api.post(path, headers=AUTH)
    )
    assert response.status == status, await response.text()
    return await response.json()


async def executors_of(api: Any, controller_id: str) -> list[dict[str, Any]]:
    found = await post(api, "/executors/search", {"controller_ids": [controller_id], "limit": 1000})
    rows: list[dict[str, Any]] = found["data"]
    assert all(row["controller_id"] == controller_id for row in rows)
    return rows


def quotes(rows: list[dict[str, Any]], running: bool) -> list[dict[str, Any]]:
    """Its quotes, running or not (a quote being stopped is replaced at once, as hummingbot's
    controllers count only running executors as active)."""
    return [
        r
        for r in rows
        if r["custom_info"].get("level_id") in QUOTE_LEVELS and (r["status"] == "RUNNING") == running
    ]


async def test_pure_market_making_places_refreshes_and_stops_its_executors(api: Any) -> None:
    started = await post(api, "/controllers/live", {"config": {**PMM, "id": "pmm"}}, status=201)
    assert started["controller_id"] == "pmm" and started["status"] in ("STARTING", "RUNNING")
    await post(api, "/controllers/live", {"config": {**PMM, "id": "pmm"}}, status=409)

    async def quoting() -> bool:
        levels = {r["custom_info"]["level_id"] for r in quotes(await executors_of(api, "pmm"), True)}
        return levels == QUOTE_LEVELS

    await wait_for(quoting, timeout=30, interval=0.3)
    first = {r["executor_id"] for r in quotes(await executors_of(api, "pmm"), True)}
    rows = await executors_of(api, "pmm")
    assert {r["executor_type"] for r in rows} <= {"position_executor", "order_executor"}

    # A quote older than executor_refresh_time is stopped (hummingbot's position executor then
    # takes its time to shut down: its shutdown steps sleep 5 s) and replaced at once.
    async def refreshed() -> bool:
        rows = await executors_of(api, "pmm")
        replaced = [
            r
            for r in rows
            if r["executor_id"] in first and r["status"] != "RUNNING" and r["close_type"] == "EARLY_STOP"
        ]
        fresh = [r for r in quotes(rows, True) if r["executor_id"] not in first]
        return bool(replaced) and bool(fresh)

    await wait_for(refreshed, timeout=30, interval=0.3)
    rows = await executors_of(api, "pmm")
    # Never more than one running quote per level.
    levels = [r["custom_info"]["level_id"] for r in quotes(rows, True)]
    assert len(levels) == len(set(levels))

    shown = await get(api, "/controllers/live/pmm")
    assert shown["status"] == "RUNNING" and shown["ticks"] > 2
    assert shown["executors_total"] == len(await executors_of(api, "pmm")) or shown["executors_total"] > 0
    assert shown["processed_data"]["reference_price"] > 0
    listed = await get(api, "/controllers/live")
    assert [c["controller_id"] for c in listed] == ["pmm"]

    stopped = await post(api, "/controllers/live/pmm/stop")
    assert stopped["status"] == "STOPPED" and stopped["executors_stopped"]

    async def all_closed() -> bool:
        rows = await executors_of(api, "pmm")
        return all(r["status"] in ("SHUTTING_DOWN", "TERMINATED") and r["close_type"] for r in rows)

    await wait_for(all_closed, timeout=30, interval=0.3)
    count = len(await executors_of(api, "pmm"))
    shown = await get(api, "/controllers/live/pmm")
    assert shown["status"] == "STOPPED" and shown["executors_active"] == 0
    await post(api, "/controllers/live/pmm/stop", status=409)
    # No tick after the stop: nothing new is created.
    await asyncio.sleep(1.5)
    assert len(await executors_of(api, "pmm")) == count


async def test_macd_bb_ticks_live_on_the_sim(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, aiohttp_client: Any
) -> None:
    from hbdesk_plugins.rest_api.app import create_app

    monkeypatch.setenv("HBDESK_SIM__VOLATILITY", "20")  # prices that move, so signals may fire
    api = await aiohttp_client(create_app(create_desk(core_settings(tmp_path / "data"))))
    await post(api, "/controllers/live", {"config": MACD_BB, "update_interval": 0.5}, status=201)

    async def computed() -> bool:
        shown = await get(api, "/controllers/live/macd")
        return bool(shown["ticks"] >= 3)

    await wait_for(computed, timeout=30, interval=0.3)
    shown = await get(api, "/controllers/live/macd")
    assert shown["status"] == "RUNNING", shown
    features = shown["processed_data"]["features"]
    assert {"bbp", "macd", "macdh", "signal", "bb_lower", "bb_upper"} <= set(features["columns"])
    assert features["rows"] >= 20 and features["last"]["bbp"] is not None
    assert shown["processed_data"]["signal"] in (-1, 0, 1)
    for row in await executors_of(api, "macd"):
        assert row["executor_type"] == "position_executor"

    # Stopped keeping positions: each executor still running is stopped with keep_position.
    stopped = await post(api, "/controllers/live/macd/stop?keep_position=true")
    assert stopped["keep_position"] is True

    async def ended() -> bool:
        rows = await executors_of(api, "macd")
        return all(r["status"] != "RUNNING" for r in rows if r["executor_id"] in stopped["executors_stopped"])

    await wait_for(ended, timeout=20, interval=0.3)
    for row in await executors_of(api, "macd"):
        if row["executor_id"] in stopped["executors_stopped"]:
            assert row["close_type"] in ("POSITION_HOLD", "EARLY_STOP")
    assert (await get(api, "/controllers/live/macd"))["reason"] == "stopped, positions kept"


async def test_bad_configs_are_refused_and_a_controller_that_breaks_is_marked_failed(api: Any) -> None:
    response = await api.post("/controllers/live", json={"config": {**PMM, "leverage": 0}}, headers=AUTH)
    assert response.status == 400
    assert "leverage" in (await response.json())["detail"]
    response = await api.post(
        "/controllers/live",
        json={"config": {**PMM, "controller_name": "no_such_controller"}},
        headers=AUTH,
    )
    assert response.status == 404
    response = await api.post("/controllers/live/no_such_config/start", headers=AUTH)
    assert response.status == 404
    response = await api.post(
        "/controllers/live", json={"config": PMM, "account_name": "nobody"}, headers=AUTH
    )
    assert response.status == 404
    response = await api.post(
        "/controllers/live", json={"config": {**PMM, "trading_pair": "NOPE-USDT"}}, headers=AUTH
    )
    assert response.status == 400
    assert (await api.get("/controllers/live/nothing", headers=AUTH)).status == 404
    assert (await api.post("/controllers/live/nothing/stop", headers=AUTH)).status == 404
    assert await get(api, "/controllers/live") == []

    # Candles at an interval no feed has: it starts, then fails with the reason.
    await post(api, "/controllers/live", {"config": {**MACD_BB, "id": "odd", "interval": "7m"}}, status=201)

    async def failed() -> bool:
        return bool((await get(api, "/controllers/live/odd"))["status"] == "FAILED")

    await wait_for(failed, timeout=20, interval=0.2)
    shown = await get(api, "/controllers/live/odd")
    assert "7m" in shown["reason"]


async def test_a_controller_runs_again_after_a_restart(tmp_path: Path, aiohttp_client: Any) -> None:
    from hbdesk_plugins.rest_api.app import create_app

    data_dir = tmp_path / "data"
    api = await aiohttp_client(create_app(create_desk(core_settings(data_dir))))
    await post(api, "/controllers/configs/pmm_saved", {**PMM, "executor_refresh_time": 600}, status=201)
    started = await post(api, "/controllers/live/pmm_saved/start", status=201)
    assert started["controller_id"] == "pmm_saved" and started["config_name"] == "pmm_saved"

    async def quoting() -> bool:
        return len(quotes(await executors_of(api, "pmm_saved"), True)) == len(QUOTE_LEVELS)

    await wait_for(quoting, timeout=30, interval=0.3)
    before = {r["executor_id"] for r in quotes(await executors_of(api, "pmm_saved"), True)}
    await api.close()  # the desk stops: the controller and its executors are left to run again

    api = await aiohttp_client(create_app(create_desk(core_settings(data_dir))))
    shown = await get(api, "/controllers/live/pmm_saved")
    assert shown["status"] in ("STARTING", "RUNNING")

    async def ticking() -> bool:
        return bool((await get(api, "/controllers/live/pmm_saved"))["ticks"] >= 3)

    await wait_for(ticking, timeout=40, interval=0.3)
    rows = await executors_of(api, "pmm_saved")
    active = quotes(rows, True)
    # The resumed quotes are its own again: none placed twice, and the position it bought
    # before the restart is known, so it is not bought again.
    assert {r["executor_id"] for r in active} == before
    assert len([r for r in rows if r["executor_type"] == "order_executor"]) == 1
    await post(api, "/controllers/live/pmm_saved/stop")
