"""Every trading route through the Hummingbot API client, against a real `hbdesk serve` on the sim."""

from __future__ import annotations

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import wait_for

pytestmark = pytest.mark.slow

ACCOUNT = "master_account"
SPOT = "hbdesk_sim"
PERP = "hbdesk_sim_perpetual"


async def order_status(client: HummingbotAPIClient, order_id: str) -> str | None:
    found = await client.trading.search_orders(account_names=[ACCOUNT], limit=1000)
    return next((o["status"] for o in found["data"] if o["order_id"] == order_id), None)


async def test_a_market_order_is_recorded_filled_and_its_fill_listed(client: HummingbotAPIClient) -> None:
    placed = await client.trading.place_order(ACCOUNT, SPOT, "BTC-USDT", "BUY", 0.01, order_type="MARKET")
    assert placed["status"] == "submitted" and placed["amount"] == "0.01" and placed["price"] is None
    order_id = placed["order_id"]

    async def filled() -> bool:
        return await order_status(client, order_id) == "FILLED"

    await wait_for(filled, timeout=15)
    found = await client.trading.search_orders(
        account_names=[ACCOUNT], trading_pairs=["BTC-USDT"], status="FILLED"
    )
    order = next(o for o in found["data"] if o["order_id"] == order_id)
    assert order["filled_amount"] == 0.01 and order["average_fill_price"] > 0 and order["fee_paid"] > 0
    assert order["exchange_order_id"].startswith("SIM-")
    trades = await client.trading.get_trades(account_names=[ACCOUNT], trade_types=["BUY"])
    fills = [t for t in trades["data"] if t["order_id"] == order_id]
    assert sum(t["amount"] for t in fills) == pytest.approx(0.01)
    assert set(trades["pagination"]) >= {"has_more", "limit", "next_cursor", "total_count"}
    recent = await client.trading.get_recent_trades("BTC-USDT", account_name=ACCOUNT, hours=1)
    assert any(t["order_id"] == order_id for t in recent["data"])


async def test_a_resting_limit_order_is_active_until_cancelled(client: HummingbotAPIClient) -> None:
    placed = await client.trading.place_order(
        ACCOUNT, SPOT, "ETH-USDT", "BUY", 0.1, order_type="LIMIT", price=100.0
    )
    order_id = placed["order_id"]
    assert placed["price"] == "100"

    async def resting() -> bool:
        active = await client.trading.get_active_orders(account_names=[ACCOUNT], trading_pairs=["ETH-USDT"])
        return any(o["order_id"] == order_id and o["status"] == "OPEN" for o in active["data"])

    await wait_for(resting, timeout=15)
    answer = await client.trading.cancel_order(ACCOUNT, SPOT, order_id)
    assert order_id in answer["message"]

    async def cancelled() -> bool:
        return await order_status(client, order_id) == "CANCELLED"

    await wait_for(cancelled, timeout=15)
    active = await client.trading.get_active_orders(account_names=[ACCOUNT])
    assert order_id not in {o["order_id"] for o in active["data"]}
    with pytest.raises(aiohttp.ClientResponseError) as again:
        await client.trading.cancel_order(ACCOUNT, SPOT, order_id)
    assert again.value.status == 409
    with pytest.raises(aiohttp.ClientResponseError) as unknown:
        await client.trading.cancel_order(ACCOUNT, SPOT, "no-such-order")
    assert unknown.value.status == 404


async def test_perpetual_routes(client: HummingbotAPIClient) -> None:
    mode = await client.trading.get_position_mode(ACCOUNT, PERP)
    assert mode["position_mode"] in ("ONEWAY", "HEDGE")
    changed = await client.trading.set_position_mode(ACCOUNT, PERP, "HEDGE")
    assert changed["status"] == "success"
    assert (await client.trading.get_position_mode(ACCOUNT, PERP))["position_mode"] == "HEDGE"
    await client.trading.set_position_mode(ACCOUNT, PERP, "ONEWAY")
    assert (await client.trading.set_leverage(ACCOUNT, PERP, "SOL-USDT", 5))["status"] == "success"
    placed = await client.trading.place_order(ACCOUNT, PERP, "SOL-USDT", "SELL", 2, order_type="MARKET")

    async def short() -> bool:
        positions = await client.trading.get_positions(account_names=[ACCOUNT], connector_names=[PERP])
        return any(p["trading_pair"] == "SOL-USDT" and p["side"] == "SHORT" for p in positions["data"])

    await wait_for(short, timeout=15)
    positions = await client.trading.get_open_positions(ACCOUNT, PERP)
    position = next(p for p in positions["data"] if p["trading_pair"] == "SOL-USDT")
    assert position["amount"] == pytest.approx(-2) or position["amount"] == pytest.approx(2)
    assert position["leverage"] == 5 and position["entry_price"] > 0
    closed = await client.trading.place_order(
        ACCOUNT, PERP, "SOL-USDT", "BUY", 2, order_type="MARKET", position_action="CLOSE"
    )
    assert closed["order_id"] != placed["order_id"]

    async def flat() -> bool:
        positions = await client.trading.get_positions(account_names=[ACCOUNT], connector_names=[PERP])
        return not any(p["trading_pair"] == "SOL-USDT" for p in positions["data"])

    await wait_for(flat, timeout=15)
    payments = await client.trading.get_funding_payments(account_names=[ACCOUNT], connector_names=[PERP])
    assert set(payments["pagination"]) >= {"has_more", "limit", "next_cursor", "total_count"}
    with pytest.raises(aiohttp.ClientResponseError) as spot:
        await client.trading.get_position_mode(ACCOUNT, SPOT)
    assert spot.value.status == 400


async def test_bad_orders_are_refused_with_the_reason(client: HummingbotAPIClient) -> None:
    cases = [
        (dict(trading_pair="DOGE-USDT", amount=1.0), 400, "not traded"),
        (dict(trading_pair="BTC-USDT", amount=0.0), 400, "greater than 0"),
        (dict(trading_pair="BTC-USDT", amount=-1.0), 400, "greater than 0"),
        (dict(trading_pair="BTC-USDT", amount=0.0000001), 400, "minimum order size"),
        (dict(trading_pair="BTC-USDT", amount=1000.0), 400, "Insufficient balance"),
        (dict(trading_pair="BTC-USDT", amount=0.01, order_type="LIMIT"), 400, "needs a price"),
        (dict(trading_pair="SOL-USDT", amount=0.5, order_type="LIMIT", price=1.0), 400, "minimum notional"),
        (
            dict(trading_pair="BTC-USDT", amount=0.01, order_type="LIMIT_MAKER", price=10_000_000.0),
            400,
            "take",
        ),
    ]
    for fields, status, words in cases:
        arguments = {"order_type": "MARKET", **fields}
        with pytest.raises(aiohttp.ClientResponseError) as refused:
            await client.trading.place_order(ACCOUNT, SPOT, trade_type="BUY", **arguments)  # type: ignore[arg-type]
        assert refused.value.status == status, fields
        assert words in refused.value.message, (fields, refused.value.message)
    with pytest.raises(aiohttp.ClientResponseError) as nobody:
        await client.trading.place_order("nobody", SPOT, "BTC-USDT", "BUY", 0.01)
    assert nobody.value.status == 404
    with pytest.raises(aiohttp.ClientResponseError) as leverage:
        await client.trading.set_leverage(ACCOUNT, PERP, "BTC-USDT", 500)
    assert leverage.value.status == 400 and "125" in leverage.value.message  # the venue's range
    failed = await client.trading.search_orders(status="FAILED")
    assert failed["pagination"]["total_count"] == 0  # refused before recording: nothing half-done


async def test_search_pages_with_the_cursor(client: HummingbotAPIClient) -> None:
    ids = []
    for _ in range(5):
        placed = await client.trading.place_order(
            ACCOUNT, SPOT, "SOL-USDT", "BUY", 0.5, order_type="LIMIT", price=20.0
        )
        ids.append(placed["order_id"])
    seen: list[str] = []
    cursor = None
    while True:
        page = await client.trading.search_orders(trading_pairs=["SOL-USDT"], limit=2, cursor=cursor)
        seen.extend(o["order_id"] for o in page["data"])
        assert page["pagination"]["total_count"] >= 5
        if not page["pagination"]["has_more"]:
            break
        cursor = page["pagination"]["next_cursor"]
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    for order_id in ids:
        await client.trading.cancel_order(ACCOUNT, SPOT, order_id)
