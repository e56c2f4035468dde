"""hbdesk_sim_perpetual as hummingbot sees it: positions, leverage, position modes and funding
reach a PerpetualDerivativePyBase through the methods and events a live perpetual uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.perpetual import SimPerpVenue
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
async def perp(tmp_path: Path) -> AsyncIterator[tuple]:
    from hummingbot.core.event.events import AccountEvent, MarketEvent

    install_host(tmp_path)
    from hbdesk_plugins.sim.perpetual_connector import HbdeskSimPerpetualDerivative

    clock = SteppedClock()
    venue = SimPerpVenue(SimMarket(31), funding_interval=3600)
    venue.fund("master_account", "USDT", D("100000"))
    venue.step(clock.now)
    connector = HbdeskSimPerpetualDerivative(venue, "master_account", ["BTC-USDT", "ETH-USDT"], clock=clock)
    async with on_hummingbot_clock(connector, (*MarketEvent, *AccountEvent)) as events:
        yield connector, venue, clock, events


async def test_funding_info_and_collateral_are_ready(perp: tuple) -> None:
    connector, venue, clock, _events = perp
    info = connector.get_funding_info("BTC-USDT")
    funding = venue.funding("BTC-USDT", clock())
    assert (info.rate, info.next_funding_utc_timestamp) == (funding.rate, int(funding.next_funding_time))
    assert info.mark_price == venue.mark_price("BTC-USDT", clock())
    assert connector.get_buy_collateral_token("BTC-USDT") == "USDT"
    assert connector.get_balance("USDT") == D("100000")


async def test_an_open_long_becomes_a_position_with_its_leverage(perp: tuple) -> None:
    connector, _venue, _clock, events = perp
    from hummingbot.core.data_type.common import OrderType, PositionAction, PositionSide

    connector.set_leverage("BTC-USDT", 5)
    await wait_for(lambda: connector.get_leverage("BTC-USDT") == 5)
    connector.buy("BTC-USDT", D("0.2"), OrderType.MARKET, position_action=PositionAction.OPEN)
    await wait_for(lambda: "BTC-USDT" in connector.account_positions)
    position = connector.account_positions["BTC-USDT"]
    assert (position.position_side, position.amount, position.leverage) == (PositionSide.LONG, D("0.2"), 5)
    fill = next(event for tag, event in events if getattr(event, "trade_fee", None) is not None)
    assert position.entry_price == fill.price
    assert fill.trade_fee.flat_fees[0].amount == fill.price * D("0.2") * D("0.0005")

    connector.sell("BTC-USDT", D("0.2"), OrderType.MARKET, position_action=PositionAction.CLOSE)
    await wait_for(lambda: not connector.account_positions)


async def test_hedge_mode_is_set_on_the_venue_and_keeps_both_sides(perp: tuple) -> None:
    connector, venue, _clock, _events = perp
    from hummingbot.core.data_type.common import OrderType, PositionAction, PositionMode

    connector.set_position_mode(PositionMode.HEDGE)
    await wait_for(lambda: connector.position_mode == PositionMode.HEDGE)
    assert venue.position_mode("master_account") == "HEDGE"
    connector.buy("ETH-USDT", D("1"), OrderType.MARKET, position_action=PositionAction.OPEN)
    connector.sell("ETH-USDT", D("2"), OrderType.MARKET, position_action=PositionAction.OPEN)
    await wait_for(lambda: len(connector.account_positions) == 2)
    amounts = {key: p.amount for key, p in connector.account_positions.items()}
    assert amounts == {"ETH-USDTLONG": D("1"), "ETH-USDTSHORT": D("-2")}


async def test_a_refused_mode_change_fires_the_failure_event(perp: tuple) -> None:
    connector, _venue, _clock, events = perp
    from hummingbot.core.data_type.common import OrderType, PositionAction, PositionMode
    from hummingbot.core.event.events import AccountEvent

    connector.buy("BTC-USDT", D("0.01"), OrderType.MARKET, position_action=PositionAction.OPEN)
    await wait_for(lambda: "BTC-USDT" in connector.account_positions)
    connector.set_position_mode(PositionMode.HEDGE)
    failed = AccountEvent.PositionModeChangeFailed.value
    await wait_for(lambda: any(tag == failed for tag, _ in events))
    assert connector.position_mode == PositionMode.ONEWAY
    message = next(event.message for tag, event in events if tag == failed)
    assert "positions are open" in message


async def test_funding_payments_reach_hummingbot_as_events(perp: tuple) -> None:
    connector, venue, clock, events = perp
    from hummingbot.core.data_type.common import OrderType, PositionAction
    from hummingbot.core.event.events import MarketEvent

    connector.sell("BTC-USDT", D("0.1"), OrderType.MARKET, position_action=PositionAction.OPEN)
    await wait_for(lambda: "BTC-USDT" in connector.account_positions)
    funding_time = connector.get_funding_info("BTC-USDT").next_funding_utc_timestamp
    clock.now = funding_time + 1
    venue.step(clock.now)
    completed = MarketEvent.FundingPaymentCompleted.value
    await wait_for(lambda: any(tag == completed for tag, _ in events), timeout=5)
    payment = next(event for tag, event in events if tag == completed)
    [paid] = venue.funding_payments("master_account")
    assert (payment.trading_pair, payment.amount, payment.funding_rate) == (
        "BTC-USDT",
        paid.amount,
        paid.rate,
    )
    await wait_for(lambda: connector.get_balance("USDT") == venue.balances("master_account")["USDT"][0])


def data_connector(venue: SimPerpVenue) -> Any:
    """The perpetual as the desk's market data asks for it: every pair, no account."""
    from hbdesk_plugins.sim.perpetual_connector import HbdeskSimPerpetualDerivative

    return HbdeskSimPerpetualDerivative(venue, "master_account", trading_required=False, clock=SteppedClock())


async def test_the_first_book_and_funding_come_without_pacing(tmp_path: Path) -> None:
    install_host(tmp_path)
    venue = SimPerpVenue(SimMarket(31), funding_interval=3600)
    connector = data_connector(venue)
    with paced_sleeps() as paced:
        async with added_to_running_clock(connector):
            assert await connector.add_trading_pair("SOL-USDT")
            assert paced == []
            assert set(connector.order_books) == set(venue.market.pairs)
            assert connector.get_funding_info("SOL-USDT").rate == venue.funding("SOL-USDT", FROZEN).rate


async def test_a_trading_perpetual_started_and_stopped_leaves_no_task_pending(tmp_path: Path) -> None:
    install_host(tmp_path)
    from hbdesk_plugins.sim.perpetual_connector import HbdeskSimPerpetualDerivative

    async with destroyed_tasks() as destroyed:
        venue = SimPerpVenue(SimMarket(31), funding_interval=3600)
        venue.fund("master_account", "USDT", D("100000"))
        connector = HbdeskSimPerpetualDerivative(venue, "master_account", clock=SteppedClock())
        async with on_hummingbot_clock(connector, ()):
            assert connector._funding_fee_polling_task is not None  # the loop this is about runs
        del connector
    assert destroyed == []


async def test_a_data_perpetual_asked_for_a_pair_at_once_leaves_no_task_pending(tmp_path: Path) -> None:
    install_host(tmp_path)
    async with destroyed_tasks() as destroyed:
        connector = data_connector(SimPerpVenue(SimMarket(31), funding_interval=3600))
        async with added_to_running_clock(connector):
            assert await connector.add_trading_pair("BTC-USDT")
        del connector
    assert destroyed == []
