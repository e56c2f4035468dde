"""An executor type brought by a third-party plugin (installed as pip would install it) is listed,
described, validated, run on the sim with its order recorded as its own, and stopped like the
built-in ones."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import AUTH, wait_for
from tests.plugin_install import install_plugin

CONFIG = {
    "type": "offset_order_executor",
    "connector_name": "hbdesk_sim",
    "trading_pair": "BTC-USDT",
    "side": "BUY",
    "amount": "0.001",
    "offset_pct": "0.2",
}


@pytest.fixture
def offset_plugin(plugin_site: Path) -> None:
    install_plugin(plugin_site, "hbdesk_offset_plugin", "offset")


async def call(api: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    response = await api.request(method, path, json=body, headers=AUTH)
    return response.status, await response.json()


async def test_a_plugins_executor_type_runs_like_a_builtin_one(offset_plugin: None, api: Any) -> None:
    status, types = await call(api, "GET", "/executors/types/available")
    listed = {entry["type"]: entry for entry in types["executor_types"]}
    assert status == 200 and "position_executor" in listed
    assert listed["offset_order_executor"]["description"].startswith("One maker order")

    status, schema = await call(api, "GET", "/executors/types/offset_order_executor/config")
    assert status == 200 and "offset_pct" in str(schema)
    # Its classes were built once, and not on the event loop's thread (a first import of
    # hummingbot's executor modules stalls every request meanwhile).
    assert sys.modules["hbdesk_offset_plugin"].LOADED_IN not in ([], [threading.get_ident()])
    assert len(sys.modules["hbdesk_offset_plugin"].LOADED_IN) == 1

    missing = {key: value for key, value in CONFIG.items() if key != "offset_pct"}
    status, refused = await call(api, "POST", "/executors/", {"executor_config": missing})
    assert status == 400 and "offset_pct" in refused["detail"]

    status, created = await call(api, "POST", "/executors/", {"executor_config": CONFIG})
    assert status == 201, created
    executor_id = created["executor_id"]

    async def resting() -> bool:
        _, found = await call(
            api, "POST", "/trading/orders/search", {"account_names": ["master_account"], "limit": 100}
        )
        return any(o.get("owner") == executor_id and o["status"] == "OPEN" for o in found["data"])

    await wait_for(resting, timeout=30, interval=0.2)
    _, found = await call(
        api, "POST", "/trading/orders/search", {"account_names": ["master_account"], "limit": 100}
    )
    order = next(o for o in found["data"] if o.get("owner") == executor_id)
    _, prices = await call(
        api, "POST", "/market-data/prices", {"connector_name": "hbdesk_sim", "trading_pairs": ["BTC-USDT"]}
    )
    mid = float(prices["prices"]["BTC-USDT"])
    # Its own price rule: 20 % under the market, a bid that rests.
    assert order["trade_type"] == "BUY"
    assert float(order["price"]) == pytest.approx(mid * 0.8, rel=0.01)

    status, stopped = await call(api, "POST", f"/executors/{executor_id}/stop", {"keep_position": False})
    assert status == 200, stopped

    async def closed() -> bool:
        _, shown = await call(api, "GET", f"/executors/{executor_id}")
        return bool(shown["status"] == "TERMINATED")

    await wait_for(closed, timeout=30, interval=0.2)
    _, shown = await call(api, "GET", f"/executors/{executor_id}")
    assert shown["executor_type"] == "offset_order_executor" and shown["close_type"] == "EARLY_STOP"
