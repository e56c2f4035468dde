"""The simulated market: deterministic from its seed, consistent across intervals, plausible."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

import numpy as np
import pytest

from hbdesk.sim.market import INTERVALS, SimMarket, UnknownPair
from hbdesk.sim.path import PricePath

NOW = 1_763_700_000.5  # a fixed clock


def test_the_same_seed_gives_the_same_market_and_another_seed_another() -> None:
    one, again, other = SimMarket(1), SimMarket(1), SimMarket(2)
    assert one.recent_candles("BTC-USDT", "1m", NOW, 50) == again.recent_candles("BTC-USDT", "1m", NOW, 50)
    assert one.book("ETH-USDT", NOW, 25) == again.book("ETH-USDT", NOW, 25)
    assert one.trades("SOL-USDT", NOW - 30, NOW) == again.trades("SOL-USDT", NOW - 30, NOW)
    assert one.mid("BTC-USDT", NOW) != other.mid("BTC-USDT", NOW)


def test_any_time_is_computed_directly_and_agrees_with_a_dense_evaluation() -> None:
    path = PricePath(5, "BTC-USDT", 65000.0)
    scattered = np.array([NOW - 400 * 86400.3, NOW - 3600.7, NOW])
    dense_range = np.arange(NOW - 3700, NOW + 1, 1.0)
    dense = path.prices(np.concatenate([scattered[1:], dense_range]))[:2]
    assert np.allclose(path.prices(scattered)[1:], dense)


@pytest.mark.parametrize("interval", list(INTERVALS))
def test_candles_at_every_interval_are_well_formed_and_continuous(interval: str) -> None:
    market = SimMarket(3)
    span = INTERVALS[interval]
    candles = market.recent_candles("ETH-USDT", interval, NOW, 60)
    assert len(candles) == 60
    assert [c.timestamp for c in candles] == [
        math.floor(NOW / span) * span - (59 - i) * span for i in range(60)
    ]
    for candle in candles:
        assert candle.low <= min(candle.open, candle.close) <= max(candle.open, candle.close) <= candle.high
        assert candle.volume > 0 and candle.n_trades >= 1
        assert 0 < candle.taker_buy_base_volume < candle.volume
    for previous, following in itertools.pairwise(candles):
        assert following.open == pytest.approx(previous.close, rel=1e-12)
    assert candles[-1].close == pytest.approx(
        market.mid("ETH-USDT", NOW), rel=1e-12
    )  # the open candle is live


def test_historical_candles_for_a_past_range_match_the_live_ones() -> None:
    market = SimMarket(9)
    live = market.recent_candles("BTC-USDT", "5m", NOW, 20)[:-1]  # the closed ones
    past = market.candles("BTC-USDT", "5m", live[0].timestamp, live[-1].timestamp + 300)
    assert past == live


def test_volume_adds_up_across_intervals() -> None:
    market = SimMarket(4)
    hour_start = math.floor(NOW / 3600) * 3600 - 3600
    [hour] = market.candles("SOL-USDT", "1h", hour_start, hour_start + 3600)
    minutes = market.candles("SOL-USDT", "1m", hour_start, hour_start + 3600)
    assert len(minutes) == 60
    assert sum(c.volume for c in minutes) == pytest.approx(hour.volume, rel=1e-9)


def test_prices_move_realistically_and_return_to_their_anchor() -> None:
    market = SimMarket(11)
    minutes = market.candles("BTC-USDT", "1m", NOW - 86400, NOW)
    returns = np.diff(np.log([c.close for c in minutes]))
    assert 0.0002 < returns.std() < 0.005  # a minute's move: a few hundredths of a percent
    days = market.candles("BTC-USDT", "1d", NOW - 1000 * 86400, NOW)
    closes = np.array([c.close for c in days])
    assert 0.3 * 65000 < closes.min() and closes.max() < 3 * 65000  # mean-reverting, not drifting away
    assert abs(np.log(closes).mean() - np.log(65000)) < 0.5


def test_books_are_ordered_with_a_realistic_spread() -> None:
    market = SimMarket(6)
    for pair, spec in market.pairs.items():
        book = market.book(pair, NOW, depth=50)
        mid = market.mid(pair, NOW)
        assert len(book.bids) == len(book.asks) == 50
        bids, asks = [p for p, _ in book.bids], [p for p, _ in book.asks]
        assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
        assert len(set(bids)) == 50 and len(set(asks)) == 50
        assert bids[0] < mid < asks[0]
        spread_bps = (asks[0] - bids[0]) / mid * 10_000
        assert spread_bps < 4 * spec.spread_bps + 2 * float(spec.tick) / mid * 10_000
        assert all(amount >= float(spec.size_step) for _, amount in book.bids + book.asks)


def test_books_move_with_time() -> None:
    market = SimMarket(6)
    assert market.book("BTC-USDT", NOW, 5) != market.book("BTC-USDT", NOW + 1, 5)


def test_trades_print_at_the_touch_within_the_range() -> None:
    market = SimMarket(8)
    trades = market.trades("BTC-USDT", NOW - 60, NOW)
    assert 30 < len(trades) < 240
    assert all(NOW - 60 <= t.timestamp < NOW for t in trades)
    assert {t.side for t in trades} == {"buy", "sell"}
    for trade in trades[:20]:
        assert trade.price == pytest.approx(market.mid("BTC-USDT", trade.timestamp), rel=0.001)


def test_unknown_pairs_are_refused() -> None:
    with pytest.raises(UnknownPair):
        SimMarket(1).book("DOGE-USDT", NOW)


def test_one_price_and_many_prices_agree() -> None:
    from hbdesk.sim.path import PricePath

    path = PricePath(9, "BTC-USDT", 65000.0)
    times = np.array([NOW + k * 0.37 for k in range(200)] + [NOW - 86400 * 30])
    assert [path.price(t) for t in times] == pytest.approx(path.prices(times).tolist(), rel=1e-12)


def test_a_levels_size_does_not_depend_on_the_depth_asked() -> None:
    market = SimMarket(3)
    shallow, deep = market.book("ETH-USDT", NOW, 5), market.book("ETH-USDT", NOW, 200)
    assert (shallow.bids, shallow.asks) == (deep.bids[:5], deep.asks[:5])
    # No float noise: a price reads 3187.52, never 3187.5200000000004.
    assert all(Decimal(repr(price)).as_tuple().exponent >= -2 for price, _ in deep.bids + deep.asks)
