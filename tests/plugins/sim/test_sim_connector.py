"""hbdesk_sim as hummingbot sees it: a ConnectorBase whose orders, events and balances behave
like a live exchange's. The market's clock is the test's, so crossing a resting order is a step
forward in time, not a wait."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.venue import SimVenue
from tests.helpers import FROZEN, SteppedClock, wait_for
from tests.sim_support import (
    added_to_running_clock,
    destroyed_tasks,
    install_host,
    on_hummingbot_clock,
    paced_sleeps,
)

pytestmark = pytest.mark.hummingbot_catalog
D = Decimal


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[tuple]:
    from hummingbot.core.event.events import MarketEvent

    install_host(tmp_path)
    from hbdesk_plugins.sim.connector import HbdeskSimExchange

    clock = SteppedClock()
    venue = SimVenue(SimMarket(31))
    venue.fund("master_account", "USDT", D("100000"))
    venue.fund("master_account", "BTC", D("1"))
    connector = HbdeskSimExchange(venue, "master_account", clock=clock)
    async with on_hummingbot_clock(connector, MarketEvent) as events:
        yield connector, venue, clock, events


def names(events: list) -> list[str]:
    from hummingbot.core.event.events import MarketEvent

    return [MarketEvent(tag).name for tag, _ in events]


async def test_the_connector_is_ready_with_rules_books_and_balances(sim: tuple) -> None:
    connector, venue, clock, _events = sim
    rule = connector.trading_rules["BTC-USDT"]
    spec = venue.market.spec("BTC-USDT")
    assert (rule.min_order_size, rule.min_price_increment, rule.min_notional_size) == (
        spec.min_size,
        spec.tick,
        spec.min_notional,
    )
    book = connector.get_order_book("ETH-USDT")
    assert (
        next(book.bid_entries()).price
        < venue.market.mid("ETH-USDT", clock())
        < next(book.ask_entries()).price
    )
    assert connector.get_balance("USDT") == D("100000")


async def test_a_market_buy_fills_within_a_tick_with_events_in_order(sim: tuple) -> None:
    connector, _venue, _clock, events = sim
    from hummingbot.core.data_type.common import OrderType

    order_id = connector.buy("BTC-USDT", D("0.01"), OrderType.MARKET)
    await wait_for(lambda: "BuyOrderCompleted" in names(events), timeout=2)
    assert names(events) == ["BuyOrderCreated", "OrderFilled", "BuyOrderCompleted"]
    filled = events[1][1]
    assert filled.order_id == order_id and filled.amount == D("0.01")
    assert filled.trade_fee.flat_fees[0].amount == filled.price * D("0.01") * D("0.001")
    await wait_for(lambda: connector.get_balance("BTC") == D("1.01"))
    assert connector.get_balance("USDT") == D("100000") - filled.price * D("0.01") * D("1.001")


async def test_a_limit_order_rests_then_fills_in_parts_as_the_market_crosses_it(sim: tuple) -> None:
    connector, venue, clock, events = sim
    from hummingbot.core.data_type.common import OrderType

    venue.fund("master_account", "USDT", D("10000000"))
    price = connector.get_price("BTC-USDT", False) - D("50")
    order_id = connector.buy("BTC-USDT", D("30"), OrderType.LIMIT, price)
    await wait_for(lambda: "BuyOrderCreated" in names(events))
    tracked = connector.in_flight_orders[order_id]
    assert not tracked.is_done and tracked.executed_amount_base == 0
    while not tracked.is_done and clock.now < FROZEN + 30 * 86400:
        clock.now += 30
        venue.step(clock.now)
        await asyncio.sleep(0.005)
    await wait_for(lambda: "BuyOrderCompleted" in names(events))
    fills = [event for name, (_, event) in zip(names(events), events, strict=True) if name == "OrderFilled"]
    assert len(fills) > 1  # thirty BTC do not fill at one level
    assert sum(f.amount for f in fills) == D("30")
    assert {f.price for f in fills} == {price}


async def test_a_resting_order_can_be_cancelled_and_releases_its_funds(sim: tuple) -> None:
    connector, _venue, _clock, events = sim
    from hummingbot.core.data_type.common import OrderType

    price = connector.get_price("BTC-USDT", True) + D("800")
    order_id = connector.sell("BTC-USDT", D("0.5"), OrderType.LIMIT, price)
    await wait_for(lambda: connector.get_available_balance("BTC") == D("0.5"))
    connector.cancel("BTC-USDT", order_id)
    await wait_for(lambda: "OrderCancelled" in names(events))
    await wait_for(lambda: connector.get_available_balance("BTC") == D("1"))
    assert order_id not in connector.in_flight_orders


async def test_orders_the_venue_refuses_fail_with_its_reason(sim: tuple) -> None:
    connector, _venue, _clock, events = sim
    from hummingbot.core.data_type.common import OrderType

    connector.buy("BTC-USDT", D("50"), OrderType.MARKET)  # far more than 100,000 USDT buys
    await wait_for(lambda: "OrderFailure" in names(events))
    failure = events[-1][1]
    assert "insufficient USDT" in failure.error_message


async def test_the_first_book_asked_of_a_data_connector_comes_without_pacing(tmp_path: Path) -> None:
    install_host(tmp_path)
    from hbdesk_plugins.sim.connector import HbdeskSimExchange

    venue = SimVenue(SimMarket(31))
    connector = HbdeskSimExchange(venue, "master_account", trading_required=False, clock=SteppedClock())
    with paced_sleeps() as paced:
        async with added_to_running_clock(connector):
            assert await connector.add_trading_pair("ETH-USDT")
            assert paced == []  # hummingbot waits a second a pair; no exchange's rate limit asks it here
            assert set(connector.order_books) == set(venue.market.pairs)
            assert all(next(book.bid_entries(), None) for book in connector.order_books.values())


async def test_a_pair_asked_while_the_first_books_are_made_is_tracked_once(tmp_path: Path) -> None:
    install_host(tmp_path)
    from hbdesk_plugins.sim.connector import HbdeskSimExchange

    async with destroyed_tasks() as destroyed:
        venue = SimVenue(SimMarket(31))
        connector = HbdeskSimExchange(venue, "master_account", trading_required=False, clock=SteppedClock())
        async with added_to_running_clock(connector):
            assert await connector.add_trading_pair("BTC-USDT")
            assert set(connector.order_books) == set(venue.market.pairs)
        del connector
    assert destroyed == []


@pytest.mark.frozen_clock
@pytest.mark.parametrize("name", ["hbdesk_sim", "hbdesk_sim_perpetual"])
async def test_the_desks_first_call_finds_every_book_made(running_desk: Any, name: str) -> None:
    manager = running_desk.kernel.service("connector_manager")
    with paced_sleeps() as paced:
        connector = await manager.public(name, ["BTC-USDT"])
    assert paced == []
    assert set(connector.order_books) == set(running_desk.kernel.service("sim").market.pairs)
