"""/ws/market-data: authentication, the protocol, pushes only on change, errors keep the socket up."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.hummingbot_catalog
TOKEN = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()


async def connect(api: Any, query: str = f"?token={TOKEN}", **kwargs: Any) -> Any:
    ws = await api.ws_connect(f"/ws/market-data{query}", **kwargs)
    return ws


async def test_every_way_to_authenticate(api: Any) -> None:
    header = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
    for query, kwargs in [
        (f"?token={TOKEN}", {}),
        (f"?username=admin&password={PASSWORD}", {}),
        ("", {"headers": header}),
    ]:
        ws = await connect(api, query, **kwargs)
        hello = await ws.receive_json()
        assert hello["type"] == "connected" and hello["connection_id"]
        await ws.close()


@pytest.mark.parametrize(
    "query",
    ["", "?token=bm9wZQ==", "?token=%%%", "?token=%C3%A9", "?token=%FF", "?username=admin&password=wrong"],
)
async def test_failed_authentication_says_why_and_closes_4001(api: Any, query: str) -> None:
    ws = await connect(api, query)
    assert await ws.receive_json() == {"type": "error", "message": "Authentication failed"}
    closing = await ws.receive()
    assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4001


async def test_ping_bad_messages_and_unknown_actions_keep_the_socket_up(api: Any) -> None:
    ws = await connect(api)
    await ws.receive_json()
    await ws.send_str("{not json")
    assert (await ws.receive_json())["type"] == "error"
    await ws.send_json({"action": "dance"})
    assert "Unknown action: dance" in (await ws.receive_json())["message"]
    await ws.send_json(
        {"action": "subscribe", "type": "order_book", "connector": "hbdesk_sim", "trading_pair": "X-Y"}
    )
    assert "Unknown trading pair X-Y" in (await ws.receive_json())["message"]
    await ws.send_json(
        {"action": "subscribe", "type": "weather", "connector": "hbdesk_sim", "trading_pair": "BTC-USDT"}
    )
    assert "Invalid subscription" in (await ws.receive_json())["message"]
    await ws.send_json({"action": "unsubscribe", "subscription_id": "nope"})
    assert "No subscription found: 'nope'" in (await ws.receive_json())["message"]
    await ws.send_json({"action": "ping"})
    assert (await ws.receive_json())["type"] == "pong"
    await ws.close()


async def test_a_deeply_nested_frame_is_an_error_and_the_socket_stays_up(api: Any) -> None:
    ws = await connect(api)
    await ws.receive_json()
    await ws.send_str("[" * 100_000)
    assert await ws.receive_json() == {"type": "error", "message": "Messages must be JSON objects"}
    await ws.send_json({"action": "ping"})
    assert (await ws.receive_json())["type"] == "pong"
    await ws.close()


async def test_loose_subscription_values_are_refused(api: Any) -> None:
    ws = await connect(api)
    await ws.receive_json()
    base = {
        "action": "subscribe",
        "type": "order_book",
        "connector": "hbdesk_sim",
        "trading_pair": "BTC-USDT",
    }
    for bad in [{"depth": True}, {"depth": "10"}, {"trading_pair": ""}, {"trading_pair": "X" * 100_000}]:
        await ws.send_json({**base, **bad})
        reply = await ws.receive_json()
        assert reply["type"] == "error" and "Invalid subscription" in reply["message"], bad
        assert len(reply["message"]) < 500
    await ws.close()


async def test_each_acknowledgement_comes_before_any_push_on_one_socket(api: Any) -> None:
    """The API client takes the message after its subscribe to be the acknowledgement."""
    ws = await connect(api)
    await ws.receive_json()
    kinds = [
        {"type": "candles", "trading_pair": "BTC-USDT", "interval": "1s", "max_records": 3},
        {"type": "order_book", "trading_pair": "ETH-USDT", "depth": 2},
        {"type": "trades", "trading_pair": "SOL-USDT"},
        {"type": "order_book", "trading_pair": "SOL-USDT", "depth": 2},
    ]
    for kind in kinds:
        await ws.send_json(
            {"action": "subscribe", "connector": "hbdesk_sim", "update_interval": 0.25, **kind}
        )
        ack = await ws.receive_json()
        assert ack["type"] == "subscribed" and ack["subscription_type"] == kind["type"], ack
    await ws.send_json(
        {"action": "subscribe", "type": "trades", "connector": "hbdesk_sim", "trading_pair": "NO-PE"}
    )
    while (message := await ws.receive_json())["type"] not in ("error",):
        assert message["type"] in ("candles", "candle_update", "order_book", "trades"), message
    await ws.close()


async def test_order_book_pushes_follow_the_acknowledgement_and_only_changes(api: Any, desk: Any) -> None:
    ws = await connect(api)
    await ws.receive_json()
    await ws.send_json(
        {"action": "subscribe", "type": "order_book", "connector": "hbdesk_sim", "trading_pair": "BTC-USDT",
         "depth": 3, "update_interval": 0.25}
    )  # fmt: skip
    ack = await ws.receive_json()
    assert ack["type"] == "subscribed"
    first = await ws.receive_json()
    assert first["type"] == "order_book" and first["subscription_id"] == ack["subscription_id"]
    assert len(first["data"]["bids"]) == 3 and first["data"]["bids"][0][0] < first["data"]["asks"][0][0]
    second = await ws.receive_json()
    assert second["data"] != first["data"]  # a push only when the book moved
    await ws.send_json({"action": "unsubscribe", "subscription_id": ack["subscription_id"]})
    while (message := await ws.receive_json())["type"] == "order_book":
        pass  # pushes already on their way
    assert message == {"type": "unsubscribed", "subscription_id": ack["subscription_id"]}
    await ws.close()


async def test_candles_then_updates(api: Any) -> None:
    ws = await connect(api)
    await ws.receive_json()
    await ws.send_json(
        {"action": "subscribe", "type": "candles", "connector": "hbdesk_sim", "trading_pair": "SOL-USDT",
         "interval": "1s", "max_records": 5, "update_interval": 0.25}
    )  # fmt: skip
    assert (await ws.receive_json())["type"] == "subscribed"
    candles = await ws.receive_json()
    assert candles["type"] == "candles" and len(candles["data"]) == 5
    update = await ws.receive_json()
    assert update["type"] == "candle_update"
    assert update["data"]["timestamp"] >= candles["data"][-1]["timestamp"]
    await ws.close()


async def test_trades_arrive_in_batches(api: Any) -> None:
    ws = await connect(api)
    await ws.receive_json()
    await ws.send_json(
        {"action": "subscribe", "type": "trades", "connector": "hbdesk_sim", "trading_pair": "ETH-USDT",
         "update_interval": 0.5}
    )  # fmt: skip
    assert (await ws.receive_json())["type"] == "subscribed"
    batch = await ws.receive_json(timeout=10)
    assert batch["type"] == "trades" and batch["data"]
    trade = batch["data"][0]
    assert set(trade) == {"timestamp", "price", "amount", "side"} and trade["side"] in ("buy", "sell")
    await ws.close()
