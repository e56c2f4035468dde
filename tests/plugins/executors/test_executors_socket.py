"""/ws/executors: the protocol and its errors in process; the live pushes through the Hummingbot
API client's own websocket helper against a real `hbdesk serve` on the sim."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD, wait_for

TOKEN = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
TYPES = [
    "all_bots_status",
    "bot_status",
    "executor_detail",
    "executor_logs",
    "executor_summary",
    "executors",
    "performance",
    "positions",
]


async def connected(api: Any, query: str = f"?token={TOKEN}") -> Any:
    ws = await api.ws_connect(f"/ws/executors{query}")
    hello = await ws.receive_json()
    assert hello["type"] == "connected" and len(hello["connection_id"]) == 12
    return ws


async def answer(ws: Any, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send_json(message)
    reply: dict[str, Any] = await ws.receive_json(timeout=5)
    return reply


async def test_authentication_as_on_the_market_data_socket(api: Any) -> None:
    for query in (f"?token={TOKEN}", f"?username=admin&password={PASSWORD}"):
        ws = await connected(api, query)
        await ws.close()
    ws = await api.ws_connect("/ws/executors?username=admin&password=wrong")
    assert await ws.receive_json() == {"type": "error", "message": "Authentication failed"}
    closing = await ws.receive()
    assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4001


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ({"type": "weather"}, f"Unknown subscription type: weather. Valid types: {TYPES}"),
        ({"type": ["executors"]}, "Unknown subscription type"),
        ({"type": "executor_detail"}, "executor_detail requires 'executor_id'"),
        ({"type": "executor_logs"}, "executor_logs requires 'executor_id'"),
        ({"type": "executor_detail", "executor_id": "nope"}, "Executor nope not found"),
        ({"type": "executor_logs", "executor_id": "nope"}, "Executor nope not found"),
        ({"type": "executors", "filters": {"colour": "red"}}, "colour: Extra inputs are not permitted"),
        ({"type": "executors", "filters": {"status": ["RUNNING"]}}, "status: Input should be a valid string"),
        ({"type": "executors", "filters": {"status": "DANCING"}}, "Unknown status 'DANCING'"),
        ({"type": "executors", "filters": {"executor_type": "magic"}}, "Unknown executor type 'magic'"),
        ({"type": "executors", "filters": "everything"}, "filters: Input should be a valid dictionary"),
        ({"type": "executor_summary", "update_interval": "soon"}, "update_interval: Input should be a valid"),
        ({"type": "bot_status"}, "bot_status requires 'bot_name'"),
        ({"type": "bot_status", "bot_name": "alpha"}, "bot orchestration is not available"),
        ({"type": "all_bots_status"}, "bot orchestration is not available"),
    ],
)
async def test_a_bad_subscription_is_an_error_and_the_socket_stays_up(
    api: Any, message: dict[str, Any], said: str
) -> None:
    ws = await connected(api)
    error = await answer(ws, {"action": "subscribe", **message})
    assert error["type"] == "error" and said in error["message"]
    assert (await answer(ws, {"action": "ping"}))["type"] == "pong"
    await ws.close()


async def test_actions_and_unsubscribing(api: Any) -> None:
    ws = await connected(api)
    assert (
        "Unknown action: dance. Valid actions: subscribe, unsubscribe, ping"
        in (await answer(ws, {"action": "dance"}))["message"]
    )
    assert (await answer(ws, {"action": "unsubscribe"}))[
        "message"
    ] == "unsubscribe requires 'subscription_id'"
    assert (
        "No subscription found: 'nope'"
        in (await answer(ws, {"action": "unsubscribe", "subscription_id": "nope"}))["message"]
    )
    ack = await answer(ws, {"action": "subscribe", "type": "executor_summary"})
    assert ack == {
        "type": "subscribed",
        "subscription_id": "executor_summary",
        "subscription_type": "executor_summary",
        "update_interval": 2.0,
    }
    first = await ws.receive_json(timeout=5)
    assert first["type"] == "executor_summary" and first["data"]["total_active"] == 0
    assert await answer(ws, {"action": "unsubscribe", "subscription_id": "executor_summary"}) == {
        "type": "unsubscribed",
        "subscription_id": "executor_summary",
    }
    assert (await answer(ws, {"action": "ping"}))["type"] == "pong"
    await ws.close()


async def test_acknowledged_first_then_pushed_only_when_changed(api: Any) -> None:
    ws = await connected(api)
    ack = await answer(ws, {"action": "subscribe", "type": "performance", "update_interval": 0.01})
    assert ack["type"] == "subscribed" and ack["subscription_id"] == "performance_all"
    assert ack["update_interval"] == 0.5  # kept within 0.5-60 s
    first = await ws.receive_json(timeout=5)
    assert first["type"] == "performance" and first["subscription_id"] == "performance_all"
    assert first["data"]["total_executors"] == 0 and "timestamp" in first
    # Nothing changes on an empty desk: several intervals pass without a second push.
    with pytest.raises(asyncio.TimeoutError):
        await ws.receive_json(timeout=2.0)
    slow = await answer(
        ws, {"action": "subscribe", "type": "positions", "controller_id": "c1", "update_interval": 600}
    )
    assert slow["subscription_id"] == "positions_c1" and slow["update_interval"] == 60.0
    pushed = await ws.receive_json(timeout=5)
    assert pushed["type"] == "positions" and pushed["data"] == {
        "total_positions": 0,
        "total_realized_pnl": 0.0,
        "total_unrealized_pnl": None,
        "positions": [],
    }
    await ws.close()


async def test_filters_name_the_subscription_and_the_same_one_twice_replaces_it(api: Any) -> None:
    ws = await connected(api)
    one = await answer(ws, {"action": "subscribe", "type": "executors", "filters": {"status": "RUNNING"}})
    assert one["subscription_id"].startswith("executors_") and len(one["subscription_id"]) == 18
    assert (await ws.receive_json(timeout=5)) | {"timestamp": 0} == {
        "type": "executors",
        "subscription_id": one["subscription_id"],
        "data": [],
        "total_count": 0,
        "timestamp": 0,
    }
    again = await answer(ws, {"action": "subscribe", "type": "executors", "filters": {"status": "RUNNING"}})
    assert again["subscription_id"] == one["subscription_id"]
    await ws.receive_json(timeout=5)  # the new subscription's first push
    other = await answer(
        ws, {"action": "subscribe", "type": "executors", "filters": {"status": "TERMINATED"}}
    )
    assert other["subscription_id"] != one["subscription_id"]
    await ws.close()


def resting_buy(price: str) -> dict[str, Any]:
    return {
        "type": "order_executor",
        "connector_name": "hbdesk_sim",
        "trading_pair": "BTC-USDT",
        "side": "BUY",
        "amount": "0.001",
        "execution_strategy": "LIMIT_MAKER",
        "price": price,
    }


@pytest.mark.slow
async def test_live_pushes_through_the_clients_websocket_helper(client: HummingbotAPIClient) -> None:
    created = await client.executors.create_executor(resting_buy("20000"), controller_id="ws")
    executor_id = created["executor_id"]

    async def working() -> bool:
        found = await client.executors.get_executor(executor_id)
        return bool(found["custom_info"].get("order_id"))  # its order rests on the book

    await wait_for(working, timeout=30, interval=0.3)

    # One subscription per connection: the client's helpers take the message after a subscribe
    # for its acknowledgement, and a push of another subscription already on its way could be
    # taken for it (the server holds pushes back only once it has read the subscribe).
    async def pushes(ws: Any, subscription_id: str) -> Any:
        while True:
            message = await asyncio.wait_for(ws.receive(), timeout=15)
            if message.get("subscription_id") == subscription_id and message["type"] != "unsubscribed":
                yield message

    async with client.ws.executors() as ws:
        listed = await ws.subscribe_executors(update_interval=0.5, filters={"controller_id": "ws"})
        first = await anext(pushes(ws, listed))
        assert first["type"] == "executors" and first["total_count"] == 1
        assert first["data"][0]["executor_id"] == executor_id and first["data"][0]["status"] == "RUNNING"
        assert (await ws.ping())["type"] in ("pong", "executors")  # a push may come first
        await ws.unsubscribe(listed)

    async with client.ws.executors() as ws:
        detail = await ws.subscribe_executor_detail(executor_id, update_interval=0.5)
        assert detail == f"executor_detail_{executor_id}"
        assert (await anext(pushes(ws, detail)))["data"]["executor_id"] == executor_id

    async with client.ws.executors() as ws:
        summary = await ws.subscribe_executor_summary(update_interval=0.5)
        assert (await anext(pushes(ws, summary)))["data"]["total_active"] >= 1

    async with client.ws.executors() as ws:
        logs = await ws.subscribe_executor_logs(executor_id, update_interval=0.5)
        stream = pushes(ws, logs)
        lines = await anext(stream)
        assert lines["type"] == "executor_logs" and lines["data"], "the lines so far come first"
        sent = [line["sequence"] for line in lines["data"]]
        await client.executors.stop_executor(executor_id)
        while True:  # the stop is logged, and only the new lines come
            message = await anext(stream)
            sent.extend(line["sequence"] for line in message["data"])
            if any("stop" in line["message"].lower() for line in message["data"]):
                break
        assert len(sent) == len(set(sent)), "a line is sent once"

    async with client.ws.executors() as ws:
        detail = await ws.subscribe_executor_detail(executor_id, update_interval=0.5)
        async for message in pushes(ws, detail):
            if message["data"]["status"] == "TERMINATED":
                break
