"""Every executors route through the Hummingbot API client, against a real `hbdesk serve` on the
sim: executors created, run to their barriers, stopped, their positions kept and cleared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import status_of, wait_for
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow

SPOT = "hbdesk_sim"
# The sim's prices move 20 times as far as usual: a take-profit is met in seconds, not minutes.
FAST = {"HBDESK_SIM__VOLATILITY": "20"}
TYPES = {
    "position_executor",
    "grid_executor",
    "dca_executor",
    "twap_executor",
    "arbitrage_executor",
    "xemm_executor",
    "order_executor",
    "lp_executor",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    running = start_server(tmp_path_factory.mktemp("serve"), env=FAST)
    yield running
    stop_server(running)


def position(side: str = "BUY", **barriers: Any) -> dict[str, Any]:
    return {
        "type": "position_executor",
        "connector_name": SPOT,
        "trading_pair": "BTC-USDT",
        "side": side,
        "amount": "0.01",
        "triple_barrier_config": {"open_order_type": "MARKET", **barriers},
    }


async def closed(client: HummingbotAPIClient, executor_id: str, timeout: float = 60) -> dict[str, Any]:
    async def done() -> bool:
        return (await client.executors.get_executor(executor_id))["status"] == "TERMINATED"

    await wait_for(done, timeout=timeout, interval=0.5)
    found: dict[str, Any] = await client.executors.get_executor(executor_id)
    return found


async def test_the_types_and_their_config_schemas(client: HummingbotAPIClient) -> None:
    available = await client.executors.get_available_executor_types()
    assert {t["type"] for t in available["executor_types"]} == TYPES
    assert all(t["description"] and t["use_case"] for t in available["executor_types"])
    schema = await client.executors.get_executor_config_schema("position_executor")
    assert schema["executor_type"] == "position_executor"
    assert schema["config_class"] == "PositionExecutorConfig"
    names = {f["name"] for f in schema["fields"]}
    assert {"connector_name", "trading_pair", "side", "amount", "triple_barrier_config"} <= names
    assert all({"name", "required", "type", "description"} <= set(f) for f in schema["fields"])
    assert schema["nested_types"]["TradeType"]["type"] == "enum"
    assert all(isinstance(v, int) for v in schema["nested_types"]["TradeType"]["values"])
    assert "fields" in schema["nested_types"]["TripleBarrierConfig"]
    for kind in TYPES:
        assert (await client.executors.get_executor_config_schema(kind))["fields"]
    status, _ = await status_of(client.executors.get_executor_config_schema("nope_executor"))
    assert status == 404


async def test_bad_configs_are_refused_before_anything_starts(client: HummingbotAPIClient) -> None:
    before = (await client.executors.search_executors(limit=1000))["pagination"]["total_count"]
    cases: list[tuple[dict[str, Any], str | None, int]] = [
        ({"connector_name": SPOT}, None, 400),  # no type
        ({"type": "nope_executor"}, None, 400),
        ({**position(), "amount": "-1"}, None, 400),
        ({**position(), "side": "SIDEWAYS"}, None, 400),
        (position(), "no_such_account", 404),
        ({**position(), "connector_name": "no_such_exchange"}, None, 400),
        ({**position(), "trading_pair": "NOPE-USDT"}, None, 400),
        ({**position(), "amount": "0.0000001"}, None, 400),
        ({**position(), "amount": "100000"}, None, 400),  # more than the account holds
        (
            {
                "type": "lp_executor",
                "connector_name": "solana-mainnet-beta",
                "lp_provider": "meteora/clmm",
                "trading_pair": "SOL-USDC",
                "side": "BUY",
                "pool_address": "pool",
                "lower_price": "1",
                "upper_price": "2",
                "base_amount": "1",
            },
            None,
            503,
        ),
    ]
    for config, account, expected in cases:
        status, _ = await status_of(client.executors.create_executor(config, account_name=account))
        assert status == expected, config
    after = (await client.executors.search_executors(limit=1000))["pagination"]["total_count"]
    assert after == before


async def test_a_position_hits_its_stop_loss(client: HummingbotAPIClient) -> None:
    # The taker fees alone put a fresh position 0.1% under water, so a 0.05% stop-loss fires at
    # once, unless the price first moves its way by more than that (at this volatility it does,
    # now and then). Of a long and a short opened together, the one the price moves against stops.
    created = {}
    for side in ("BUY", "SELL"):
        created[side] = await client.executors.create_executor(
            position(side, stop_loss="0.0005", take_profit="0.05", time_limit=600),
            controller_id=f"sl_test_{side.lower()}",
        )
        assert created[side]["status"] == "RUNNING" and created[side]["executor_type"] == "position_executor"
        assert created[side]["connector_name"] == SPOT
        assert created[side]["controller_id"] == f"sl_test_{side.lower()}"

    async def one_stopped() -> bool:
        found = [await client.executors.get_executor(c["executor_id"]) for c in created.values()]
        return any(e["status"] == "TERMINATED" for e in found)

    await wait_for(one_stopped, timeout=60, interval=0.5)
    finals = {side: await client.executors.get_executor(c["executor_id"]) for side, c in created.items()}
    side = next(s for s, e in finals.items() if e["status"] == "TERMINATED")
    other = "SELL" if side == "BUY" else "BUY"
    if finals[other]["status"] == "RUNNING":
        await client.executors.stop_executor(created[other]["executor_id"])
    final, executor_id = finals[side], created[side]["executor_id"]
    assert final["close_type"] == "STOP_LOSS"
    assert final["filled_amount_quote"] > 0 and final["net_pnl_quote"] < 0
    orders = await client.trading.search_orders(account_names=["master_account"], limit=1000)
    owned = [o for o in orders["data"] if o.get("owner") == executor_id]
    assert len(owned) == 2 and all(o["status"] == "FILLED" for o in owned)
    logs = await client.executors.get_executor_logs(executor_id, limit=100)
    assert logs["executor_id"] == executor_id and logs["total_count"] >= 1
    assert {"timestamp", "level", "message"} <= set(logs["logs"][0])
    limited = await client.executors.get_executor_logs(executor_id, limit=1)
    assert len(limited["logs"]) == 1
    report = await client.executors.get_performance_report(controller_id=f"sl_test_{side.lower()}")
    assert report["total_executors"] == 1 and report["win_rate"] == 0.0
    assert report["by_type"][0]["executor_type"] == "position_executor"
    assert report["pnl_total_quote"] == pytest.approx(final["net_pnl_quote"])


async def test_one_of_two_opposite_positions_takes_its_profit(client: HummingbotAPIClient) -> None:
    ids = []
    for side in ("BUY", "SELL"):
        created = await client.executors.create_executor(
            position(
                side, stop_loss="0.05", take_profit="0.0005", time_limit=150, take_profit_order_type="LIMIT"
            )
        )
        ids.append(created["executor_id"])

    async def one_took_profit() -> bool:
        found = [await client.executors.get_executor(i) for i in ids]
        return any(e["close_type"] == "TAKE_PROFIT" and e["status"] == "TERMINATED" for e in found)

    await wait_for(one_took_profit, timeout=30, interval=0.3)
    for executor_id in ids:
        if (await client.executors.get_executor(executor_id))["status"] == "RUNNING":
            await client.executors.stop_executor(executor_id)


async def test_a_twap_slices_and_an_order_executor_fills(client: HummingbotAPIClient) -> None:
    twap = await client.executors.create_executor(
        {
            "type": "twap_executor",
            "connector_name": SPOT,
            "trading_pair": "ETH-USDT",
            "side": "BUY",
            "total_amount_quote": "200",
            "total_duration": 4,
            "order_interval": 2,
        }
    )
    order = await client.executors.create_executor(
        {
            "type": "order_executor",
            "connector_name": SPOT,
            "trading_pair": "SOL-USDT",
            "side": "BUY",
            "amount": "1",
            "execution_strategy": "MARKET",
        }
    )
    twap_final = await closed(client, twap["executor_id"], timeout=60)
    assert twap_final["close_type"] == "COMPLETED"
    assert twap_final["filled_amount_quote"] == pytest.approx(200, rel=0.05)
    orders = await client.trading.search_orders(account_names=["master_account"], limit=1000)
    slices = [o for o in orders["data"] if o.get("owner") == twap["executor_id"]]
    assert len(slices) == 3 and all(o["status"] == "FILLED" for o in slices)
    order_final = await closed(client, order["executor_id"], timeout=60)
    assert order_final["close_type"] in ("POSITION_HOLD", "COMPLETED")
    assert order_final["filled_amount_quote"] > 0


async def test_stop_keeping_the_position_then_clear_it(client: HummingbotAPIClient) -> None:
    created = await client.executors.create_executor(
        position(stop_loss="0.2", take_profit="0.2", time_limit=3600), controller_id="hold_test"
    )
    executor_id = created["executor_id"]

    async def trading() -> bool:
        found = await client.executors.get_executor(executor_id)
        return bool(found["filled_amount_quote"] > 0)

    await wait_for(trading, timeout=30, interval=0.5)
    summary = await client.executors.get_summary()
    assert summary["total_active"] >= 1 and summary["by_type"].get("position_executor", 0) >= 1
    stopped = await client.executors.stop_executor(executor_id, keep_position=True)
    assert stopped == {"executor_id": executor_id, "status": "stopping", "keep_position": True}
    final = await closed(client, executor_id)
    assert final["close_type"] == "POSITION_HOLD"
    status, _ = await status_of(client.executors.stop_executor(executor_id))
    assert status == 409
    positions = await client.executors.get_positions_summary(controller_id="hold_test")
    assert positions["total_positions"] == 1
    held = positions["positions"][0]
    assert held["position_side"] == "LONG" and held["buy_amount_base"] == pytest.approx(0.01)
    assert executor_id in held["executor_ids"]
    one = await client.executors.get_position_held(SPOT, "BTC-USDT", "master_account", "hold_test")
    assert one["net_amount_base"] == pytest.approx(0.01) and one["unrealized_pnl_quote"] is not None
    cleared = await client.executors.clear_position_held(SPOT, "BTC-USDT", "master_account", "hold_test")
    assert cleared["connector_name"] == SPOT and "cleared" in cleared["message"]
    status, _ = await status_of(
        client.executors.get_position_held(SPOT, "BTC-USDT", "master_account", "hold_test")
    )
    assert status == 404
    status, _ = await status_of(
        client.executors.clear_position_held(SPOT, "BTC-USDT", "master_account", "hold_test")
    )
    assert status == 404


async def test_search_pages_and_filters_and_unknown_ids(client: HummingbotAPIClient) -> None:
    for _ in range(3):
        await client.executors.create_executor(
            position(stop_loss="0.0005", time_limit=600), controller_id="page_test"
        )
    first = await client.executors.search_executors(controller_ids=["page_test"], limit=2)
    assert set(first["pagination"]) == {"has_more", "limit", "next_cursor", "total_count"}
    assert first["pagination"]["total_count"] == 3 and first["pagination"]["has_more"]
    second = await client.executors.search_executors(
        controller_ids=["page_test"], limit=2, cursor=first["pagination"]["next_cursor"]
    )
    assert len(second["data"]) == 1 and not second["pagination"]["has_more"]
    assert second["pagination"]["next_cursor"] is None
    seen = {e["executor_id"] for e in first["data"] + second["data"]}
    assert len(seen) == 3
    both = await client.executors.search_executors(
        controller_ids=["page_test", "sl_test_buy"], executor_types=["position_executor"], limit=1000
    )
    assert {e["controller_id"] for e in both["data"]} <= {"page_test", "sl_test_buy"}
    none = await client.executors.search_executors(
        executor_types=["grid_executor"], controller_ids=["page_test"]
    )
    assert none["data"] == [] and none["pagination"]["total_count"] == 0
    item = first["data"][0]
    assert {
        "executor_id",
        "executor_type",
        "account_name",
        "connector_name",
        "trading_pair",
        "status",
        "is_active",
        "net_pnl_quote",
        "filled_amount_quote",
        "config",
        "custom_info",
        "created_at",
    } <= set(item)
    for call in (
        client.executors.get_executor("nope"),
        client.executors.get_executor_logs("nope"),
        client.executors.stop_executor("nope"),
    ):
        status, _ = await status_of(call)
        assert status == 404
    performance = await client.executors.get_performance_report()
    assert {
        "total_executors",
        "by_status",
        "pnl_total_quote",
        "unrealized_pnl_quote",
        "global_pnl_quote",
        "win_rate",
        "sharpe_ratio",
        "by_type",
        "active_positions",
    } <= set(performance)
