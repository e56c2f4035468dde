"""The simulated perpetual venue: positions, leverage, position modes, funding and liquidation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.perpetual import MAINTENANCE_MARGIN, SimPerpVenue
from hbdesk_plugins.sim.venue import VenueError

D = Decimal
T0 = 1_763_700_000.0
ME = "trader"


def venue(collateral: str = "100000", funding_interval: int = 3600) -> SimPerpVenue:
    perp = SimPerpVenue(SimMarket(31), funding_interval=funding_interval)
    perp.fund(ME, "USDT", D(collateral))
    return perp


def market(perp: SimPerpVenue, side: str, amount: str, at: float = T0, action: str = "NIL"):
    return perp.place(ME, f"c{side}{amount}{at}", "BTC-USDT", side, "MARKET", D(amount), None, at, action)


def test_a_market_buy_opens_a_long_paying_only_the_fee() -> None:
    perp = venue()
    order = market(perp, "BUY", "0.1")
    [fill] = perp.fills(order.exchange_order_id)
    [position] = perp.positions(ME)
    assert (position.side, position.amount, position.leverage) == ("LONG", D("0.1"), 1)
    assert position.entry_price == fill.price  # one level of the book fills 0.1 BTC
    wallet, _available = perp.balances(ME)["USDT"]
    assert wallet == D("100000") - fill.fee
    assert fill.fee == fill.price * D("0.1") * perp.taker_fee
    assert "BTC" not in perp.balances(ME)  # no base changes hands on a perpetual


def test_oneway_selling_more_than_the_long_closes_it_and_opens_a_short() -> None:
    perp = venue()
    buy = market(perp, "BUY", "0.1")
    later = T0 + 3600
    sell = market(perp, "SELL", "0.3", at=later)
    [bought], [sold] = perp.fills(buy.exchange_order_id), perp.fills(sell.exchange_order_id)
    [position] = perp.positions(ME)
    assert (position.side, position.amount, position.entry_price) == ("SHORT", D("0.2"), sold.price)
    realized = (sold.price - bought.price) * D("0.1")
    wallet, _ = perp.balances(ME)["USDT"]
    assert wallet == D("100000") - bought.fee - sold.fee + realized


def test_hedge_mode_keeps_a_long_and_a_short_and_closes_each_on_its_own() -> None:
    perp = venue()
    perp.set_position_mode(ME, "HEDGE")
    with pytest.raises(VenueError, match="OPENs or CLOSEs"):
        market(perp, "BUY", "0.1")
    market(perp, "BUY", "0.1", action="OPEN")
    market(perp, "SELL", "0.05", action="OPEN")
    assert [(p.side, p.amount) for p in perp.positions(ME)] == [("LONG", D("0.1")), ("SHORT", D("0.05"))]
    with pytest.raises(VenueError, match="more than"):
        market(perp, "SELL", "0.2", action="CLOSE")
    market(perp, "SELL", "0.1", action="CLOSE")  # closes the long, leaves the short alone
    assert [(p.side, p.amount) for p in perp.positions(ME)] == [("SHORT", D("0.05"))]
    with pytest.raises(VenueError, match="no LONG position"):
        market(perp, "SELL", "0.01", action="CLOSE")


def test_leverage_decides_how_large_a_position_the_collateral_opens() -> None:
    perp = venue(collateral="1000")
    with pytest.raises(VenueError, match="insufficient USDT margin"):
        market(perp, "BUY", "0.1")  # ~6,600 USDT of BTC on 1,000 USDT at 1x
    perp.set_leverage(ME, "BTC-USDT", 10)
    market(perp, "BUY", "0.1")
    [position] = perp.positions(ME)
    assert position.leverage == 10
    assert position.margin == position.amount * position.entry_price / 10
    _wallet, available = perp.balances(ME)["USDT"]
    assert available < D("1000") - position.margin + D("5")  # the margin is held back


def test_leverage_and_mode_do_not_change_under_an_open_position() -> None:
    perp = venue()
    market(perp, "BUY", "0.1")
    with pytest.raises(VenueError, match="cannot change"):
        perp.set_leverage(ME, "BTC-USDT", 5)
    with pytest.raises(VenueError, match="cannot change"):
        perp.set_position_mode(ME, "HEDGE")
    perp.set_leverage(ME, "ETH-USDT", 5)  # another pair is free
    with pytest.raises(VenueError, match="between 1 and 125"):
        perp.set_leverage(ME, "ETH-USDT", 0)
    assert perp.leverage(ME, "ETH-USDT") == 5


def test_a_resting_limit_order_holds_margin_and_closing_orders_hold_none() -> None:
    perp = venue()
    mid = D(str(perp.market.mid("BTC-USDT", T0)))
    price = (mid * D("0.9")).quantize(D("0.01"))
    perp.place(ME, "rest", "BTC-USDT", "BUY", "LIMIT", D("1"), price, T0)
    _wallet, available = perp.balances(ME)["USDT"]
    assert available == D("100000") - price * (1 + perp.maker_fee)


def test_funding_is_paid_at_each_funding_time_from_the_seeded_rate() -> None:
    perp = venue(funding_interval=3600)
    first_hour = (int(T0) // 3600 + 1) * 3600
    perp.step(T0)
    market(perp, "BUY", "0.1")
    [position] = perp.positions(ME)
    funding = perp.funding("BTC-USDT", T0)
    assert funding.next_funding_time == first_hour
    assert funding.rate == perp.funding_rate("BTC-USDT", int(T0) // 3600)
    wallet_before, _ = perp.balances(ME)["USDT"]
    perp.step(first_hour - 1)
    assert perp.funding_payments(ME) == []
    perp.step(first_hour + 3600 + 1)  # two funding times passed
    payments = perp.funding_payments(ME, "BTC-USDT")
    assert [p.timestamp for p in payments] == [first_hour, first_hour + 3600]
    first = payments[0]
    assert first.rate == funding.rate
    assert first.amount == -funding.rate * position.amount * perp.mark_price("BTC-USDT", first_hour)
    wallet_after, _ = perp.balances(ME)["USDT"]
    assert wallet_after == wallet_before + sum(p.amount for p in payments)


def test_funding_rates_are_the_seeds() -> None:
    one, other = SimPerpVenue(SimMarket(5)), SimPerpVenue(SimMarket(5))
    rates = [one.funding_rate("ETH-USDT", period) for period in range(50)]
    assert rates == [other.funding_rate("ETH-USDT", period) for period in range(50)]
    assert len(set(rates)) > 40  # they move from one period to the next
    assert all(abs(rate) <= D("0.0075") for rate in rates)


def test_a_position_is_liquidated_when_the_mark_reaches_its_liquidation_price() -> None:
    perp = venue(collateral="2000")
    perp.set_leverage(ME, "BTC-USDT", 100)
    order = market(perp, "SELL", "0.2")  # a short: BTC rises over the next hours of seed 31
    [position] = perp.positions(ME)
    fraction = D(1) / 100 - MAINTENANCE_MARGIN
    assert position.liquidation_price == position.entry_price * (1 + fraction)
    wallet_before, _ = perp.balances(ME)["USDT"]
    at = T0
    while perp.positions(ME):
        at += 60
        assert at < T0 + 86400, "the market never reached the liquidation price"
        perp.step(at)
    assert perp.mark_price("BTC-USDT", at) >= position.liquidation_price
    wallet_after, _ = perp.balances(ME)["USDT"]
    paid_in_funding = sum(p.amount for p in perp.funding_payments(ME))
    assert wallet_after == wallet_before - position.margin + paid_in_funding
    assert perp.fills(order.exchange_order_id)  # the opening fill stays on record


def test_in_oneway_a_close_is_reduce_only() -> None:
    perp = venue()
    with pytest.raises(VenueError, match="no LONG position"):
        market(perp, "SELL", "0.1", action="CLOSE")
    market(perp, "BUY", "0.1")
    with pytest.raises(VenueError, match="more than"):
        market(perp, "SELL", "0.3", action="CLOSE")  # without CLOSE this would flip to a short
    market(perp, "SELL", "0.1", action="CLOSE")
    assert perp.positions(ME) == []
