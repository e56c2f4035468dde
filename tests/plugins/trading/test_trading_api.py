"""The trading routes in process: events, funding, filters and the 400s a trader meets."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hbdesk.sdk import Desk
from hbdesk_plugins.trading.public import TRADING, OrderChanged, OrderFilled
from tests.helpers import AUTH, wait_for

ACCOUNT = "master_account"


async def post(api: Any, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    response = await api.post(path, json=body if body is not None else {}, headers=AUTH)
    return response.status, await response.json()


async def place(api: Any, **fields: Any) -> dict[str, Any]:
    status, body = await post(api, "/trading/orders", {"account_name": ACCOUNT, **fields})
    assert status == 201, body
    return body  # type: ignore[no-any-return]


async def test_orders_and_fills_go_out_on_the_event_bus(api: Any, desk: Desk) -> None:
    changes = desk.kernel.bus.subscribe(OrderChanged)
    fills = desk.kernel.bus.subscribe(OrderFilled)
    placed = await place(
        api,
        connector_name="hbdesk_sim",
        trading_pair="ETH-USDT",
        trade_type="SELL",
        amount=0.2,
        order_type="MARKET",
    )
    seen: list[str] = []
    while "FILLED" not in seen:
        event = await asyncio.wait_for(changes.get(), 10)
        if event.order_id == placed["order_id"]:
            seen.append(event.status)
    assert seen[0] == "PENDING_SUBMIT" and seen[-1] == "FILLED"
    fill = await asyncio.wait_for(fills.get(), 10)
    assert fill.order_id == placed["order_id"] and fill.trade["trade_type"] == "SELL"


async def test_every_state_change_is_kept(api: Any, desk: Desk) -> None:
    placed = await place(
        api,
        connector_name="hbdesk_sim",
        trading_pair="BTC-USDT",
        trade_type="BUY",
        amount=0.01,
        order_type="LIMIT",
        price=1000,
    )
    service = desk.kernel.service(TRADING)
    await wait_for(lambda: any(r.status == "OPEN" for r in service.active_orders()))
    status, _ = await post(api, f"/trading/{ACCOUNT}/hbdesk_sim/orders/{placed['order_id']}/cancel")
    assert status == 200
    await wait_for(lambda: not service.active_orders())
    await service.recorder.stop()  # flush
    from sqlalchemy import select

    from hbdesk_plugins.trading.tables import OrderEventRow

    async with desk.kernel.db.session() as session:
        states = list(
            await session.scalars(
                select(OrderEventRow.status)
                .where(OrderEventRow.client_order_id == placed["order_id"])
                .order_by(OrderEventRow.id)
            )
        )
    assert states == ["PENDING_SUBMIT", "OPEN", "CANCELLED"]


async def test_cancel_all_cancels_every_active_order(api: Any, desk: Desk) -> None:
    for price in (1000, 1100, 1200):
        await place(
            api,
            connector_name="hbdesk_sim",
            trading_pair="BTC-USDT",
            trade_type="BUY",
            amount=0.01,
            order_type="LIMIT",
            price=price,
        )
    service = desk.kernel.service(TRADING)
    await wait_for(lambda: sum(r.status == "OPEN" for r in service.active_orders()) == 3)
    cancelled = await service.cancel_all(account=ACCOUNT)
    assert len(cancelled) == 3
    await wait_for(lambda: not service.active_orders())


async def test_funding_payments_are_recorded(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A short funding interval is set before the desk is built (see the fixture below).
    await place(
        api,
        connector_name="hbdesk_sim_perpetual",
        trading_pair="BTC-USDT",
        trade_type="BUY",
        amount=0.05,
        order_type="MARKET",
    )

    async def paid() -> bool:
        status, body = await post(api, "/trading/funding-payments", {"trading_pair": "BTC-USDT"})
        return status == 200 and bool(body["data"])

    await wait_for(paid, timeout=30, interval=0.2)
    _, body = await post(api, "/trading/funding-payments", {"account_names": [ACCOUNT]})
    payment = body["data"][0]
    assert payment["connector_name"] == "hbdesk_sim_perpetual" and payment["position_side"] == "LONG"
    assert payment["position_size"] == pytest.approx(0.05) and payment["fee_currency"] == "USDT"


@pytest.fixture
def _short_funding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HBDESK_SIM__FUNDING_INTERVAL", "2")


test_funding_payments_are_recorded = pytest.mark.usefixtures("_short_funding")(
    test_funding_payments_are_recorded
)


async def test_searches_refuse_what_they_cannot_read(api: Any) -> None:
    cases = [
        ({"status": "MAYBE"}, "Unknown status"),
        ({"cursor": "not-a-cursor"}, "Invalid cursor"),
        ({"start_time": 1_700_000_000_000, "end_time": 1_600_000_000_000}, "before start_time"),
    ]
    for body, words in cases:
        status, answer = await post(api, "/trading/orders/search", body)
        assert status == 400 and words in answer["detail"], (body, answer)
    status, answer = await post(api, "/trading/orders/search", {"limit": 0})
    assert status == 422


async def test_time_ranges_take_milliseconds_or_seconds(api: Any, desk: Desk) -> None:
    placed = await place(
        api,
        connector_name="hbdesk_sim",
        trading_pair="SOL-USDT",
        trade_type="BUY",
        amount=1,
        order_type="MARKET",
    )
    now = desk.kernel.clock()
    for start, end in ((int(now) - 60, int(now) + 60), (int(now * 1000) - 60_000, int(now * 1000) + 60_000)):
        _, body = await post(api, "/trading/orders/search", {"start_time": start, "end_time": end})
        assert placed["order_id"] in {o["order_id"] for o in body["data"]}
    _, body = await post(api, "/trading/orders/search", {"end_time": int(now) - 3600})
    assert placed["order_id"] not in {o["order_id"] for o in body["data"]}


async def test_a_perpetual_close_needs_the_position(api: Any) -> None:
    status, body = await post(
        api,
        "/trading/orders",
        {
            "account_name": ACCOUNT,
            "connector_name": "hbdesk_sim_perpetual",
            "trading_pair": "ETH-USDT",
            "trade_type": "SELL",
            "amount": 1,
            "order_type": "MARKET",
            "position_action": "CLOSE",
        },
    )
    assert status == 400 and "Cannot close" in body["detail"]
    status, body = await post(
        api,
        "/trading/orders",
        {
            "account_name": ACCOUNT,
            "connector_name": "hbdesk_sim_perpetual",
            "trading_pair": "ETH-USDT",
            "trade_type": "BUY",
            "amount": 1000,
            "order_type": "MARKET",
        },
    )
    assert status == 400 and "Insufficient margin" in body["detail"]


async def test_amounts_as_text_and_strict_types(api: Any) -> None:
    placed = await place(
        api,
        connector_name="hbdesk_sim",
        trading_pair="BTC-USDT",
        trade_type="BUY",
        amount="0.010",
        order_type="MARKET",
    )
    assert placed["amount"] == "0.01"
    status, _ = await post(
        api,
        "/trading/orders",
        {
            "account_name": ACCOUNT,
            "connector_name": "hbdesk_sim",
            "trading_pair": "BTC-USDT",
            "trade_type": "BUY",
            "amount": "lots",
        },
    )
    assert status == 422
    status, _ = await post(
        api,
        "/trading/orders",
        {
            "account_name": ACCOUNT,
            "connector_name": "hbdesk_sim",
            "trading_pair": "BTC-USDT",
            "trade_type": "HOLD",
            "amount": 1,
        },
    )
    assert status == 422


async def test_an_unknown_connector_is_a_400_and_an_unknown_account_a_404(api: Any) -> None:
    status, body = await post(
        api,
        "/trading/orders",
        {
            "account_name": ACCOUNT,
            "connector_name": "nowhere",
            "trading_pair": "BTC-USDT",
            "trade_type": "BUY",
            "amount": 1,
        },
    )
    assert status == 400, body
    status, body = await post(api, "/trading/positions", {"account_names": ["nobody"]})
    assert status == 404
    response = await api.get("/trading/nobody/hbdesk_sim_perpetual/position-mode", headers=AUTH)
    assert response.status == 404


@pytest.fixture
def _quick_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HBDESK_CONNECTORS__IDLE_TIMEOUT", "0.3")


@pytest.mark.usefixtures("_quick_idle")
async def test_an_idle_trading_connector_is_stopped_unless_an_order_rests_on_it(api: Any, desk: Desk) -> None:
    from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER

    manager = desk.kernel.service(CONNECTOR_MANAGER)
    service = desk.kernel.service(TRADING)
    resting = await place(
        api,
        connector_name="hbdesk_sim",
        trading_pair="BTC-USDT",
        trade_type="BUY",
        amount=0.01,
        order_type="LIMIT",
        price=1000,
    )
    await place(
        api,
        connector_name="hbdesk_sim_perpetual",
        trading_pair="BTC-USDT",
        trade_type="BUY",
        amount=0.01,
        order_type="MARKET",
    )
    await wait_for(lambda: any(r.status == "OPEN" for r in service.active_orders()))
    await wait_for(
        lambda: not any(r.connector_name == "hbdesk_sim_perpetual" for r in service.active_orders())
    )
    # The manager's own reaper (every second here) stops the idle one.
    await wait_for(lambda: (ACCOUNT, "hbdesk_sim_perpetual") not in manager.live, timeout=10)
    await asyncio.sleep(0.4)
    assert (ACCOUNT, "hbdesk_sim") not in await manager.reap()  # an order rests there
    assert (ACCOUNT, "hbdesk_sim") in manager.live
    # Used again, it starts again, and what it reports is still recorded.
    status, body = await post(api, "/trading/positions", {"connector_names": ["hbdesk_sim_perpetual"]})
    assert status == 200 and body["data"]
    status, _ = await post(api, f"/trading/{ACCOUNT}/hbdesk_sim/orders/{resting['order_id']}/cancel")
    assert status == 200


async def test_an_order_submitted_by_code_is_recorded_with_its_owner_before_it_is_sent(
    api: Any, desk: Desk
) -> None:
    from decimal import Decimal

    from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER
    from hbdesk_plugins.trading.checks import OrderIntent

    await post(api, "/trading/orders/active")  # the app (and the desk) are up
    service = desk.kernel.service(TRADING)
    connector = await desk.kernel.service(CONNECTOR_MANAGER).trading(ACCOUNT, "hbdesk_sim")
    intent = OrderIntent("SOL-USDT", "BUY", "MARKET", Decimal("0.1"), None, "NIL")
    order_id = service.submit(ACCOUNT, "hbdesk_sim", connector, intent, owner="executor-1")
    assert order_id in {r.client_order_id for r in service.active_orders()}  # known at once

    async def filled() -> bool:
        _, body = await post(api, "/trading/orders/search", {"status": "FILLED"})
        return any(o["order_id"] == order_id and o["owner"] == "executor-1" for o in body["data"])

    await wait_for(filled, timeout=10)

    # A failure before the send (the caller's own record, say) fails the order, never sends it,
    # and tells the connector's listeners as a refusal from the exchange would.
    from hummingbot.core.event.event_forwarder import SourceInfoEventForwarder
    from hummingbot.core.event.events import MarketEvent

    failures: list[Any] = []
    forwarder = SourceInfoEventForwarder(lambda _tag, _source, event: failures.append(event))
    connector.add_listener(MarketEvent.OrderFailure, forwarder)

    async def refuse() -> None:
        raise OSError("disk full")

    refused = service.submit(ACCOUNT, "hbdesk_sim", connector, intent, owner="executor-1", before_send=refuse)
    await wait_for(lambda: any(e.order_id == refused for e in failures))
    _, body = await post(api, "/trading/orders/search", {"status": "FAILED"})
    [failed] = [o for o in body["data"] if o["order_id"] == refused]
    assert "could not be recorded first" in failed["error_message"] and failed["exchange_order_id"] is None


async def test_an_account_never_funded_on_the_sim_trades_nothing_but_answers_at_once(api: Any) -> None:
    response = await api.post("/accounts/add-account", params={"account_name": "empty"}, headers=AUTH)
    assert response.status == 201
    status, body = await post(
        api,
        "/trading/orders",
        {
            "account_name": "empty",
            "connector_name": "hbdesk_sim",
            "trading_pair": "BTC-USDT",
            "trade_type": "BUY",
            "amount": 0.01,
            "order_type": "MARKET",
        },
    )
    assert status == 400 and "Insufficient balance" in body["detail"], body  # not a 503 after a timeout
    status, body = await post(api, "/trading/positions", {"account_names": ["empty"]})
    assert status == 200 and body["data"] == []


async def test_the_preview_estimates_the_fee_on_spot_and_perpetual(api: Any, desk: Desk) -> None:
    from decimal import Decimal

    from hbdesk_plugins.trading.checks import OrderIntent

    await post(api, "/trading/orders/active")
    service = desk.kernel.service(TRADING)
    for connector, action in (("hbdesk_sim", "NIL"), ("hbdesk_sim_perpetual", "OPEN")):
        intent = OrderIntent("BTC-USDT", "BUY", "MARKET", Decimal("0.01"), None, action)
        checked = await service.preview(ACCOUNT, connector, intent)
        assert checked.fee > 0 and checked.fee < checked.notional / 100, connector
