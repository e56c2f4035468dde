"""A shipped controller runs live on the sim and in a backtest over the same seed.

macd_bb runs live (``POST /controllers/live``) on a desk whose sim moves fast; after a few ticks
its candles window is backtested (``POST /backtesting/run``) on the same desk, so on the same sim
seed and volatility. Both read the same deterministic sim candles, so every completed candle of the
live window carries the same features and signal in both. (The live window's newest candle is
still open: the live signal is computed on it, which no backtest can see, so executors' entries
are not compared: live decides on a candle's running close, the backtest on its final one.)
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest

from hbdesk.sdk import create_desk
from hbdesk_plugins.controllers.public import CONTROLLERS
from tests.helpers import AUTH, core_settings, wait_for
from tests.plugins.controllers.test_live import MACD_BB, get, post

FEATURES = ("close", "bb_lower", "bb_middle", "bb_upper", "bbp", "macd", "macd_signal", "macdh", "signal")


async def test_macd_bb_live_and_backtested_over_the_same_candles_agree(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, aiohttp_client: Any
) -> None:
    from hbdesk_plugins.rest_api.app import create_app

    monkeypatch.setenv("HBDESK_SIM__VOLATILITY", "20")
    monkeypatch.setenv("HBDESK_SIM__SEED", "7")
    monkeypatch.setenv("HBDESK_BACKTESTING__WORKERS", "1")
    desk = create_desk(core_settings(tmp_path / "data"))
    api = await aiohttp_client(create_app(desk))
    config = {**MACD_BB, "id": "macd_live"}
    await post(api, "/controllers/live", {"config": config, "update_interval": 0.5}, status=201)

    async def ticked() -> bool:
        return bool((await get(api, "/controllers/live/macd_live"))["ticks"] >= 2)

    await wait_for(ticked, timeout=30, interval=0.2)
    runner = desk.kernel.service(CONTROLLERS).live.runners["macd_live"]
    live = runner.controller.processed_data["features"].copy()  # the window it computed on
    await post(api, "/controllers/live/macd_live/stop")
    times = live["timestamp"].tolist()
    assert len(times) == 70 and all(b - a == 60 for a, b in itertools.pairwise(times))

    # The completed candles of the live window: [its first, its open one).
    body = {
        "start_time": int(times[0]),
        "end_time": int(times[-1]),
        "backtesting_resolution": "1m",
        "trade_cost": 0.0006,
        "config": config,
    }
    response = await api.post("/backtesting/run", json=body, headers=AUTH)
    assert response.status == 200, await response.text()
    backtest = (await response.json())["processed_data"]

    rows = live.set_index("timestamp")
    compared = 0
    for at, *values in zip(*(backtest[name] for name in ("timestamp", *FEATURES)), strict=True):
        expected = rows.loc[at]
        for name, value in zip(FEATURES, values, strict=True):
            assert math.isfinite(expected[name]) and value == float(expected[name]), (at, name)
        compared += 1
    # Every candle after the indicators' warm-up, up to the live window's last completed one.
    defined = live.iloc[:-1].dropna()
    assert compared == len(defined) > 40
    assert backtest["timestamp"] == defined["timestamp"].tolist()
    # With thresholds this wide, signals fire over the window, at the same candles in both.
    assert any(signal != 0 for signal in backtest["signal"])
