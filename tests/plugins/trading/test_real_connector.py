"""The trading plugin on a real hummingbot connector built from an account's stored credentials.

hummingbot's own ``binance`` spot connector (from hummingbot's catalog, not a scripted one) talks
to a fake Binance on loopback (``fake_binance``): the desk decrypts the account's keys, builds the
connector with them, and every order goes the way it would go to binance.com, signature and all.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hbdesk.runtime import Desk, create_desk
from tests.helpers import AUTH, core_settings, free_port, wait_for
from tests.plugins.trading.fake_binance import FakeBinance, Received, point_binance_at

# Should a conftest here ever opt in to the scripted catalog, these tests still need hummingbot's.
pytestmark = pytest.mark.hummingbot_catalog

ACCOUNT = "binance_trader"
API_KEY = "hbdesk-test-key-7Qm2"
# Distinctive, so that any leak of it into a log line or a response is found by a plain search.
API_SECRET = "hbdesk-test-SECRET-d41f9c3e8b"
TIMEOUT = 5.0  # the connectors' timeout: long enough to start on loopback, short enough to fail fast
HANG = 30.0  # a call still waiting after this long is hung


@pytest.fixture(autouse=True)
async def _hummingbot_session_per_test(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """hummingbot shares one aiohttp session among all its connectors, made on first use and bound
    to that event loop; each test runs in a loop of its own, so each gets (and closes) its own."""
    from hummingbot.core.web_assistant.connections.connections_factory import ConnectionsFactory

    monkeypatch.setattr(ConnectionsFactory, "_instance", None)
    yield
    await ConnectionsFactory().close()


@pytest.fixture(autouse=True)
def _connectors_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HBDESK_CONNECTORS__TIMEOUT", str(TIMEOUT))


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBinance]:
    """The exchange, started before the desk (so it outlives the desk's connectors)."""
    exchange = FakeBinance(API_KEY, API_SECRET, balances={"USDT": "10000", "BTC": "0.5", "ETH": "2"})
    await exchange.start()
    point_binance_at(monkeypatch, exchange.rest_url, exchange.ws_url, exchange.ws_api_url)
    yield exchange
    await exchange.stop()


@pytest.fixture(autouse=True)
def secret_watch(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Every log record of the test, at DEBUG, and every response body it read (the list it
    yields): none may hold the secret. Autouse, so it is set up before the desk and fake and
    checks last, the desk's shutdown included."""
    caplog.set_level(logging.DEBUG)
    bodies: list[str] = []
    yield bodies
    for when in ("setup", "call", "teardown"):
        for record in caplog.get_records(when):
            text = f"{record.getMessage()} {record.args!r} {record.exc_info} {record.exc_text}"
            assert API_SECRET not in text, f"the secret was logged by {record.name}"
    assert not [body for body in bodies if API_SECRET in body], "the secret was in a response"


async def call(api: Any, method: str, path: str, seen: list[str], body: Any = None) -> tuple[int, Any]:
    response = await api.request(method, path, json=body, headers=AUTH)
    text = await response.text()
    seen.append(text)
    return response.status, (await response.json()) if text else None


async def with_binance_account(api: Any, seen: list[str]) -> None:
    """An account holding binance keys, added through the API as a trader would."""
    status, listed = await call(api, "GET", "/connectors/", seen)
    assert status == 200 and "binance" in listed  # hummingbot's own catalog, not a scripted one
    status, _ = await call(api, "POST", f"/accounts/add-account?account_name={ACCOUNT}", seen)
    assert status == 201
    keys = {"binance_api_key": API_KEY, "binance_api_secret": API_SECRET}
    status, _ = await call(api, "POST", f"/accounts/add-credential/{ACCOUNT}/binance", seen, keys)
    assert status == 201


def order(
    amount: str, price: str | None, pair: str = "BTC-USDT", side: str = "BUY", kind: str = "LIMIT"
) -> dict[str, Any]:
    body = {
        "account_name": ACCOUNT,
        "connector_name": "binance",
        "trading_pair": pair,
        "trade_type": side,
        "amount": amount,
        "order_type": kind,
    }
    return body if price is None else {**body, "price": price}


async def recorded(api: Any, seen: list[str], order_id: str) -> dict[str, Any] | None:
    status, page = await call(api, "POST", "/trading/orders/search", seen, {"connector_names": ["binance"]})
    assert status == 200
    return next((row for row in page["data"] if row["order_id"] == order_id), None)


async def status_becomes(api: Any, seen: list[str], order_id: str, status: str) -> dict[str, Any]:
    async def reached() -> bool:
        row = await recorded(api, seen, order_id)
        return row is not None and row["status"] == status

    await wait_for(reached, timeout=TIMEOUT)
    row = await recorded(api, seen, order_id)
    assert row is not None
    return row


def signed_with_secret(request: Received) -> bool:
    """The HMAC-SHA256 of what was signed, under the secret the account was given: only a desk
    holding that secret (decrypted) could have sent the request."""
    if request.signed_payload is None or request.signature is None:
        return False
    expected = hmac.new(API_SECRET.encode(), request.signed_payload.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.signature)


async def test_a_limit_order_is_signed_with_the_stored_keys_filled_in_parts_and_recorded(
    fake: FakeBinance, api: Any, secret_watch: list[str]
) -> None:
    seen = secret_watch
    await with_binance_account(api, seen)
    # What the desk had recorded at the moment the exchange received each order.
    on_record: dict[str, dict[str, Any] | None] = {}

    async def look_up(params: dict[str, str]) -> None:
        on_record[params["newClientOrderId"]] = await recorded(api, seen, params["newClientOrderId"])

    fake.on_new_order = look_up

    status, placed = await call(api, "POST", "/trading/orders", seen, order("0.01", "59000"))
    assert status == 201, placed
    order_id = placed["order_id"]
    assert order_id.startswith("x-MG43PCSN")  # binance's own client id prefix: the connector chose it

    # The order reached the exchange under the id the API answered, signed with the stored secret:
    # the keys were decrypted and handed to the connector as they were typed in.
    await wait_for(lambda: order_id in on_record)
    [sent] = fake.received("POST", "/order")
    assert sent.params["newClientOrderId"] == order_id
    assert (sent.params["side"], sent.params["type"], sent.params["timeInForce"]) == ("BUY", "LIMIT", "GTC")
    assert Decimal(sent.params["quantity"]) == Decimal("0.01")
    assert Decimal(sent.params["price"]) == Decimal("59000")
    assert sent.api_key == API_KEY and signed_with_secret(sent)
    written = on_record[order_id]
    assert written is not None and written["status"] == "PENDING_SUBMIT"  # recorded before it was sent

    opened = await status_becomes(api, seen, order_id, "OPEN")
    assert opened["exchange_order_id"] == str(fake.orders[order_id].order_id)
    assert opened["amount"] == 0.01 and opened["price"] == 59000.0

    # A counterparty takes it in two parts (the second at a better price, so the average shows).
    await fake.fill(order_id, "0.004")
    partial = await status_becomes(api, seen, order_id, "PARTIALLY_FILLED")
    assert partial["filled_amount"] == pytest.approx(0.004)
    await fake.fill(order_id, "0.006", price="58990")
    done = await status_becomes(api, seen, order_id, "FILLED")

    assert done["filled_amount"] == pytest.approx(0.01)
    average = (Decimal("0.004") * 59000 + Decimal("0.006") * 58990) / Decimal("0.01")
    assert done["average_fill_price"] == pytest.approx(float(average))
    # Binance takes its commission in BTC on a buy; the desk counts it in the quote at the fill price.
    fees = [trade.commission * trade.price for trade in fake.trades]
    assert done["fee_paid"] == pytest.approx(float(sum(fees)))
    assert done["fee_currency"] == "USDT"

    status, trades = await call(api, "POST", "/trading/trades", seen, {"connector_names": ["binance"]})
    assert status == 200
    rows = sorted(trades["data"], key=lambda row: row["trade_id"])
    assert [(row["trade_id"], row["amount"], row["price"]) for row in rows] == [
        (str(trade.trade_id), float(trade.quantity), float(trade.price)) for trade in fake.trades
    ]
    assert {row["order_id"] for row in rows} == {order_id}
    assert [row["fee_paid"] for row in rows] == pytest.approx([float(fee) for fee in fees])

    # Every signed request the desk made (the credential check's, the connector's, its user-stream
    # subscription on the WebSocket API) used the stored keys.
    signed = [r for r in fake.requests if r.signature is not None]
    assert {("WS", "userDataStream.subscribe.signature"), ("GET", "/api/v3/account")} <= {
        (r.method, r.path) for r in signed
    }
    assert all(r.api_key == API_KEY and signed_with_secret(r) for r in signed)

    async def verified() -> bool:  # the credential check runs in the background
        status, states = await call(api, "GET", f"/accounts/{ACCOUNT}/credentials/status", seen)
        return status == 200 and [state["status"] for state in states] == ["verified"]

    await wait_for(verified, timeout=TIMEOUT)


async def test_a_resting_order_is_cancelled_on_the_exchange(
    fake: FakeBinance, api: Any, secret_watch: list[str]
) -> None:
    seen = secret_watch
    await with_binance_account(api, seen)
    status, placed = await call(api, "POST", "/trading/orders", seen, order("0.5", "2500", pair="ETH-USDT"))
    assert status == 201, placed
    order_id = placed["order_id"]
    await status_becomes(api, seen, order_id, "OPEN")
    assert fake.balances["USDT"].locked == Decimal(1250)

    status, answer = await call(api, "POST", f"/trading/{ACCOUNT}/binance/orders/{order_id}/cancel", seen)
    assert status == 200, answer

    [cancel] = fake.received("DELETE", "/order")
    assert cancel.params["origClientOrderId"] == order_id and cancel.params["symbol"] == "ETHUSDT"
    assert signed_with_secret(cancel)
    await status_becomes(api, seen, order_id, "CANCELLED")
    assert fake.orders[order_id].status == "CANCELED"
    assert fake.balances["USDT"].locked == 0

    status, answer = await call(api, "POST", f"/trading/{ACCOUNT}/binance/orders/{order_id}/cancel", seen)
    assert status == 409, answer  # nothing left to cancel, and the exchange is not asked again
    assert len(fake.received("DELETE", "/order")) == 1


# Each a 400 naming the rule, from the venue's own trading rules and balances as the connector read
# them; one desk for all (a connector takes a clock tick or so to start).
REFUSED = [
    (order("0.00005", "59000"), "minimum notional 5"),  # 2.95 USDT, under BTCUSDT's NOTIONAL
    (order("0.003", "3000", pair="ETH-USDT"), "minimum notional 10"),  # under ETH's MIN_NOTIONAL
    (order("0.000001", "59000"), "minimum order size 0.00001"),  # under LOT_SIZE's minQty
    (order("1", "59000"), "Insufficient balance: the order needs"),  # 59,000 of 10,000 USDT
    (order("1", "10000", side="SELL"), "needs 1 BTC, 0.5 BTC is available"),
    (order("1", "1", pair="DOGE-USDT"), "'DOGE-USDT' is not traded on binance"),
    (order("10", "0.5", pair="LUNA-USDT"), "'LUNA-USDT' is not traded on binance"),  # halted
]


async def test_orders_the_exchange_would_refuse_are_refused_before_they_are_sent(
    fake: FakeBinance, api: Any, secret_watch: list[str]
) -> None:
    seen = secret_watch
    await with_binance_account(api, seen)
    for body, rule in REFUSED:
        status, answer = await call(api, "POST", "/trading/orders", seen, body)
        assert (status, rule in answer["detail"]) == (400, True), (body, answer)
    assert not fake.received("POST", "/order")
    status, page = await call(api, "POST", "/trading/orders/search", seen, {})
    assert status == 200 and page["data"] == []


async def test_an_unreachable_exchange_is_a_503_naming_it_within_the_timeout(
    monkeypatch: pytest.MonkeyPatch, aiohttp_client: Any, tmp_path: Path, secret_watch: list[str]
) -> None:
    """Nothing listens where binance is said to be: the desk gives up after its timeout. (A desk of
    its own: the shared fixture's is built before this test could shorten the timeout.)"""
    from hbdesk_plugins.rest_api.app import create_app

    monkeypatch.setenv("HBDESK_CONNECTORS__TIMEOUT", "1.5")
    closed = free_port()  # bound and released: nothing answers there
    point_binance_at(
        monkeypatch,
        f"http://127.0.0.1:{closed}/api/",
        f"ws://127.0.0.1:{closed}/ws",
        f"ws://127.0.0.1:{closed}/ws-api/v3",
    )
    api = await aiohttp_client(create_app(create_desk(core_settings(tmp_path / "data"))))
    seen = secret_watch
    await with_binance_account(api, seen)

    # A guard against a hang, not a measure: the detail says which limit ended the wait.
    status, answer = await asyncio.wait_for(
        call(api, "POST", "/trading/orders", seen, order("0.01", "59000")), HANG
    )
    assert status == 503, answer
    assert answer["detail"] == "binance cannot be reached: not ready within 1.5 s"
    status, page = await call(api, "POST", "/trading/orders/search", seen, {})
    assert page["data"] == []  # nothing was recorded for an order that could not be sent


async def test_an_exchange_lost_after_start_fails_the_order_without_a_hang(
    fake: FakeBinance, api: Any, secret_watch: list[str]
) -> None:
    """The connector runs, then binance goes away: the order is recorded and sent, the send fails,
    and the record says so (an order is written before it is acted on, so it cannot be a 503)."""
    seen = secret_watch
    await with_binance_account(api, seen)
    status, placed = await call(api, "POST", "/trading/orders", seen, order("0.01", "59000"))
    assert status == 201
    await status_becomes(api, seen, placed["order_id"], "OPEN")
    await fake.stop()

    status, placed = await call(api, "POST", "/trading/orders", seen, order("0.02", "58000"))
    assert status == 201, placed
    failed = await status_becomes(api, seen, placed["order_id"], "FAILED")
    assert f"Cannot connect to host 127.0.0.1:{fake.port}" in failed["error_message"]


async def test_a_cancel_the_exchange_cannot_confirm_is_a_503_naming_it(
    fake: FakeBinance, api: Any, secret_watch: list[str]
) -> None:
    seen = secret_watch
    await with_binance_account(api, seen)
    status, placed = await call(api, "POST", "/trading/orders", seen, order("0.01", "59000"))
    assert status == 201
    await status_becomes(api, seen, placed["order_id"], "OPEN")
    await fake.stop()
    status, answer = await call(
        api, "POST", f"/trading/{ACCOUNT}/binance/orders/{placed['order_id']}/cancel", seen
    )
    assert status == 503 and "binance did not confirm the cancellation" in answer["detail"], answer
    found = await recorded(api, seen, placed["order_id"])
    assert found is not None and found["status"] == "OPEN"  # not claimed cancelled


async def test_a_market_order_fills_at_the_touch(
    fake: FakeBinance, api: Any, secret_watch: list[str]
) -> None:
    seen = secret_watch
    await with_binance_account(api, seen)
    status, placed = await call(api, "POST", "/trading/orders", seen, order("0.01", None, kind="MARKET"))
    assert status == 201, placed
    order_id = placed["order_id"]
    await status_becomes(api, seen, order_id, "FILLED")
    [sent] = fake.received("POST", "/order")
    assert sent.params["type"] == "MARKET" and "price" not in sent.params
    status, trades = await call(api, "POST", "/trading/trades", seen, {"connector_names": ["binance"]})
    assert [(row["order_id"], row["price"]) for row in trades["data"]] == [(order_id, 60010.0)]  # the ask


async def test_an_order_filled_before_its_acknowledgement_keeps_its_fill(
    fake: FakeBinance, desk: Desk, api: Any, secret_watch: list[str]
) -> None:
    """A LIMIT buy above the ask takes at once; Binance's user stream tells the fill before the
    REST answer acknowledges the order (the fake does it in that order, as the exchange often does)."""
    from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER
    from hbdesk_plugins.trading.public import OrderChanged

    seen = secret_watch
    await with_binance_account(api, seen)
    changes = desk.kernel.bus.subscribe(OrderChanged)
    status, placed = await call(api, "POST", "/trading/orders", seen, order("0.01", "60100"))
    assert status == 201, placed
    order_id = placed["order_id"]

    # hummingbot tracks the order from before it is sent until its last event has been told: once it
    # lets go, the desk has heard everything about it, and its last word on the order is final.
    connector = desk.kernel.service(CONNECTOR_MANAGER).live[(ACCOUNT, "binance")]
    await wait_for(lambda: fake.trades and order_id not in connector.in_flight_orders)
    told = []
    while not changes.queue.empty():
        told.append(changes.queue.get_nowait())
    final = [change.order for change in told if change.order_id == order_id][-1]

    assert final["status"] == "FILLED"
    assert final["exchange_order_id"] == str(fake.orders[order_id].order_id)
    assert final["filled_amount"] == pytest.approx(0.01)
    assert final["average_fill_price"] == pytest.approx(60010.0)  # the ask it took, not its limit
    assert final["fee_paid"] == pytest.approx(0.00001 * 60010)
    await wait_for(lambda: recorded_as(api, seen, order_id, final))


async def recorded_as(api: Any, seen: list[str], order_id: str, expected: dict[str, Any]) -> bool:
    row = await recorded(api, seen, order_id)
    fields = ("status", "filled_amount", "average_fill_price", "fee_paid", "exchange_order_id")
    return row is not None and all(row[name] == expected[name] for name in fields)
