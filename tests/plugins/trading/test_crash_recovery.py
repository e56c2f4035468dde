"""Nothing lost across a crash: a real `hbdesk serve`, SIGKILLed at the worst moments, then started
again on the same data dir."""

from __future__ import annotations

import json
import signal
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import AUTH, wait_for
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow

ACCOUNT = "master_account"


def call(served: Served, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(served.url + path, data=data, method=method, headers=dict(AUTH))
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def order(served: Served, **fields: Any) -> dict[str, Any]:
    status, body = call(served, "POST", "/trading/orders", {"account_name": ACCOUNT, **fields})
    assert status == 201, body
    return body  # type: ignore[no-any-return]


def find(served: Served, order_id: str) -> dict[str, Any] | None:
    _, found = call(served, "POST", "/trading/orders/search", {"limit": 1000})
    return next((o for o in found["data"] if o["order_id"] == order_id), None)


def kill(served: Served) -> None:
    served.process.send_signal(signal.SIGKILL)
    served.process.wait(30)


async def test_an_order_killed_between_recording_and_sending_is_failed_with_the_reason(
    tmp_path: Path,
) -> None:
    first = start_server(tmp_path, env={"HBDESK_TRADING__HOLD_BEFORE_SEND": "60"})
    try:
        placed = order(
            first,
            connector_name="hbdesk_sim",
            trading_pair="BTC-USDT",
            trade_type="BUY",
            amount=0.01,
            order_type="MARKET",
        )
        recorded = find(first, placed["order_id"])
        assert recorded is not None and recorded["status"] == "PENDING_SUBMIT"
    finally:
        kill(first)

    second = start_server(tmp_path)
    try:

        def settled() -> bool:
            found = find(second, placed["order_id"])
            return found is not None and found["status"] == "FAILED"

        await wait_for(settled, timeout=30, interval=0.2)
        failed = find(second, placed["order_id"])
        assert failed is not None and "never reached the exchange" in failed["error_message"]
        _, trades = call(second, "POST", "/trading/trades", {})
        assert not [t for t in trades["data"] if t["order_id"] == placed["order_id"]]
    finally:
        stop_server(second)


async def test_a_resting_order_and_a_position_survive_a_kill(tmp_path: Path) -> None:
    first = start_server(tmp_path)
    try:
        filled = order(
            first,
            connector_name="hbdesk_sim",
            trading_pair="ETH-USDT",
            trade_type="BUY",
            amount=0.5,
            order_type="MARKET",
        )
        resting = order(
            first,
            connector_name="hbdesk_sim",
            trading_pair="BTC-USDT",
            trade_type="BUY",
            amount=0.01,
            order_type="LIMIT",
            price=1000,
        )
        status, _ = call(
            first,
            "POST",
            "/trading/orders",
            {
                "account_name": ACCOUNT,
                "connector_name": "hbdesk_sim_perpetual",
                "trading_pair": "BTC-USDT",
                "trade_type": "BUY",
                "amount": 0.02,
                "order_type": "MARKET",
            },
        )
        assert status == 201

        def ready() -> bool:
            done = find(first, filled["order_id"])
            rest = find(first, resting["order_id"])
            _, positions = call(first, "POST", "/trading/positions", {})
            return (
                done is not None
                and done["status"] == "FILLED"
                and rest is not None
                and rest["status"] == "OPEN"
                and any(p["trading_pair"] == "BTC-USDT" for p in positions["data"])
            )

        await wait_for(ready, timeout=30, interval=0.2)
        _, before = call(first, "POST", "/trading/positions", {})
    finally:
        kill(first)

    second = start_server(tmp_path)
    try:
        # The filled order and its fill are kept; the resting order is found on its venue again.
        done = find(second, filled["order_id"])
        assert done is not None and done["status"] == "FILLED"
        _, trades = call(second, "POST", "/trading/trades", {"trading_pairs": ["ETH-USDT"]})
        assert sum(
            t["amount"] for t in trades["data"] if t["order_id"] == filled["order_id"]
        ) == pytest.approx(0.5)
        _, active = call(second, "POST", "/trading/orders/active", {})
        assert resting["order_id"] in {o["order_id"] for o in active["data"]}
        _, after = call(second, "POST", "/trading/positions", {})
        assert [(p["trading_pair"], p["side"], p["amount"], p["entry_price"]) for p in after["data"]] == [
            (p["trading_pair"], p["side"], p["amount"], p["entry_price"]) for p in before["data"]
        ]
        # The connector follows the order again: it can be cancelled.
        status, body = call(
            second, "POST", f"/trading/{ACCOUNT}/hbdesk_sim/orders/{resting['order_id']}/cancel"
        )
        assert status == 200, body

        def cancelled() -> bool:
            found = find(second, resting["order_id"])
            return found is not None and found["status"] == "CANCELLED"

        await wait_for(cancelled, timeout=30, interval=0.2)
    finally:
        stop_server(second)


async def test_a_kill_right_after_a_crossing_order_leaves_it_settled_either_way(tmp_path: Path) -> None:
    """Killed a moment after the 201: the venue may have filled the order before its fill was
    written. After the restart the record agrees with the venue: filled with its fill, or failed."""
    first = start_server(tmp_path)
    try:
        _, prices = call(
            first,
            "POST",
            "/market-data/prices",
            {"connector_name": "hbdesk_sim", "trading_pairs": ["SOL-USDT"]},
        )
        placed = order(
            first,
            connector_name="hbdesk_sim",
            trading_pair="SOL-USDT",
            trade_type="BUY",
            amount=1,
            order_type="LIMIT",
            price=round(prices["prices"]["SOL-USDT"] * 1.05, 2),  # crosses: fills at once as a taker
        )
    finally:
        kill(first)

    second = start_server(tmp_path)
    try:

        def settled() -> bool:
            found = find(second, placed["order_id"])
            return found is not None and found["status"] in ("FILLED", "FAILED")

        await wait_for(settled, timeout=30, interval=0.2)
        final = find(second, placed["order_id"])
        assert final is not None
        _, trades = call(second, "POST", "/trading/trades", {"trading_pairs": ["SOL-USDT"]})
        fills = [t for t in trades["data"] if t["order_id"] == placed["order_id"]]
        if final["status"] == "FILLED":
            assert sum(t["amount"] for t in fills) == pytest.approx(1)
            assert final["filled_amount"] == pytest.approx(1)
        else:
            assert not fills
    finally:
        stop_server(second)
