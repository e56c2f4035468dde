"""Matching on the simulated venue: market, limit, partial fills, fees and balances."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.venue import SimVenue, VenueError

NOW = 1_763_700_000.0
D = Decimal


@pytest.fixture
def venue() -> SimVenue:
    venue = SimVenue(SimMarket(21))
    venue.fund("alice", "USDT", D("100000"))
    venue.fund("alice", "BTC", D("1"))
    return venue


def best(venue: SimVenue, side: str, at: float = NOW) -> Decimal:
    book = venue.market.book("BTC-USDT", at, 50)
    return D(str((book.asks if side == "ask" else book.bids)[0][0]))


def test_a_market_buy_fills_at_once_at_the_asks_and_pays_the_taker_fee(venue: SimVenue) -> None:
    events: list[str] = []
    venue.subscribe(lambda kind, payload: events.append(kind))
    order = venue.place("alice", "c1", "BTC-USDT", "BUY", "MARKET", D("0.1"), None, NOW)
    assert order.status == "FILLED" and order.filled == D("0.1")
    fills = venue.fills(order.exchange_order_id)
    assert fills[0].price == best(venue, "ask") and not fills[0].is_maker
    value = sum(f.price * f.amount for f in fills)
    assert sum(f.fee for f in fills) == value * D("0.001")
    balances = venue.balances("alice")
    assert balances["BTC"] == (D("1.1"), D("1.1"))
    assert balances["USDT"][0] == D("100000") - value * D("1.001")
    assert events[0] == "order" and "fill" in events


def test_a_resting_limit_order_locks_funds_and_fills_as_maker_when_crossed(venue: SimVenue) -> None:
    bid = best(venue, "bid")
    price = bid - D("150")  # well below the market: it rests
    order = venue.place("alice", "c2", "BTC-USDT", "BUY", "LIMIT", D("0.05"), price, NOW)
    assert order.status == "OPEN"
    total, available = venue.balances("alice")["USDT"]
    assert total == D("100000") and available == total - D("0.05") * price * D("1.0008")
    # Walk forward until the asks come down to the order's price.
    at = NOW
    while order.is_open and at < NOW + 14 * 86400:
        at += 60
        venue.step(at)
    assert order.status == "FILLED", "the market never came down to the order"
    fills = venue.fills(order.exchange_order_id)
    assert all(f.price == price and f.is_maker for f in fills)
    assert sum(f.fee for f in fills) == D("0.05") * price * D("0.0008")
    assert venue.balances("alice")["USDT"][1] == venue.balances("alice")["USDT"][0]  # nothing locked any more


def test_a_large_resting_order_fills_in_parts(venue: SimVenue) -> None:
    venue.fund("alice", "USDT", D("100000000"))
    price = best(venue, "ask") + D("5")  # crosses: takes what the book shows, the rest rests
    order = venue.place("alice", "big", "BTC-USDT", "BUY", "LIMIT", D("40"), price, NOW)
    assert order.status == "PARTIALLY_FILLED"
    first = order.filled
    assert D("0") < first < D("40")
    venue.step(NOW + 0.5)  # the book refreshes: more of the order is reached
    assert order.filled > first
    takers = [f for f in venue.fills(order.exchange_order_id) if not f.is_maker]
    makers = [f for f in venue.fills(order.exchange_order_id) if f.is_maker]
    assert takers and makers


def test_limit_maker_that_would_cross_is_refused(venue: SimVenue) -> None:
    with pytest.raises(VenueError, match="would take liquidity"):
        venue.place("alice", "c3", "BTC-USDT", "BUY", "LIMIT_MAKER", D("0.01"), best(venue, "ask"), NOW)


@pytest.mark.parametrize(
    ("side", "amount", "message"),
    [("BUY", D("5"), "insufficient USDT"), ("SELL", D("2"), "insufficient BTC"),
     ("BUY", D("0.000001"), "below the minimum size"), ("BUY", D("0.00002"), "notional")],
)  # fmt: skip
def test_orders_the_account_cannot_cover_are_refused(
    venue: SimVenue, side: str, amount: Decimal, message: str
) -> None:
    with pytest.raises(VenueError, match=message):
        venue.place("alice", "c4", "BTC-USDT", side, "MARKET", amount, None, NOW)
    assert venue.open_orders("alice") == []


def test_cancel_releases_the_lock(venue: SimVenue) -> None:
    order = venue.place(
        "alice", "c5", "BTC-USDT", "SELL", "LIMIT", D("0.5"), best(venue, "ask") + D("500"), NOW
    )
    assert venue.balances("alice")["BTC"] == (D("1"), D("0.5"))
    venue.cancel("alice", order.exchange_order_id, NOW + 1)
    assert order.status == "CANCELED"
    assert venue.balances("alice")["BTC"] == (D("1"), D("1"))


def test_a_sell_receives_the_value_less_the_fee(venue: SimVenue) -> None:
    order = venue.place("alice", "c6", "BTC-USDT", "SELL", "MARKET", D("0.2"), None, NOW)
    fills = venue.fills(order.exchange_order_id)
    value = sum(f.price * f.amount for f in fills)
    assert fills[0].price == best(venue, "bid")
    assert venue.balances("alice")["USDT"][0] == D("100000") + value * D("0.999")
    assert venue.balances("alice")["BTC"][0] == D("0.8")
