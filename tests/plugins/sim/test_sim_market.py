"""The simulated market: deterministic from its seed, consistent across intervals, plausible."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest

from hbdesk_plugins.sim import market as market_module
from hbdesk_plugins.sim.market import INTERVALS, Candle, SimMarket, UnknownPair
from hbdesk_plugins.sim.noise import normal, stream_key
from hbdesk_plugins.sim.path import PricePath

NOW = 1_763_700_000.5  # a fixed clock
DAY = 86_400

# Candles of seed 42 as the market gave them before long ranges were made fast, recorded then:
# charts, backtests and users rely on "same seed, same market", so a change of values fails here.
# name → (request, candles it returns, {row: the ten fields}).
PINNED: dict[str, tuple[Callable[[SimMarket], list[Candle]], int, dict[int, tuple[float, ...]]]] = {
    "1m, the last 43,200": (
        lambda m: m.recent_candles("BTC-USDT", "1m", NOW, 43_200),
        43_200,
        {
            0: (1761108060.0, 60144.73728287271, 60216.2072221033, 60144.73728287271, 60216.2072221033,
                12.721712378096813, 765597.1826427018, 827, 10.583605106898442, 636925.1254253357),
            21_600: (1762404060.0, 66706.49959223601, 66712.02053741558, 66667.35321078982, 66672.613574563,
                     6.57300318297348, 438369.3983607601, 427, 2.054784332030391, 137038.5113651805),
            -1: (1763700000.0, 75160.25665891838, 75160.40931023694, 75160.25665891838, 75160.40931023694,
                 0.03736309410305694, 2808.2225941184206, 2, 0.01871190092310568, 1406.3927041543232),
        },
    ),
    "1d, 3,000 days": (
        lambda m: m.candles("ETH-USDT", "1d", NOW - 3000 * DAY, NOW),
        3000,
        {
            0: (1504569600.0, 3133.0318236001167, 3164.594996304216, 3012.2993953202426, 3012.2993953202426,
                213274.8356105843, 663932401.3046436, 1091967, 47108.897824581276, 146651730.22380304),
            1500: (1634169600.0, 3739.185741912806, 3827.0461782702064, 3715.5535704908325,
                   3827.0461782702064, 215618.6365687251, 812186824.9410272, 1103967, 148343.30683009783,
                   558775814.9893867),
            -1: (1763683200.0, 3423.3860673461045, 3497.833489877199, 3423.3860673461045, 3487.976796189644,
                 40934.85169446468, 141540730.60658562, 209586, 26834.85617448141, 92787074.86247836),
        },
    ),
    "1s, 10 minutes": (
        lambda m: m.candles("SOL-USDT", "1s", NOW - 600, NOW),
        600,
        {
            0: (1763699401.0, 133.31746253920903, 133.33007080493923, 133.31746253920903, 133.33007080493923,
                24.041734772512562, 3205.334634849887, 14, 16.139824726232497, 2151.8222243491223),
            299: (1763699700.0, 133.67629945735368, 133.67629945735368, 133.6623382784375, 133.6623382784375,
                  20.239825628676044, 2705.443703373447, 12, 6.342794484612128, 847.8370177198116),
            -1: (1763700000.0, 133.95471942665472, 133.96054705975237, 133.95471942665472, 133.96054705975237,
                 34.461092359477334, 4616.326370737, 21, 20.09151904515942, 2691.412339134011),
        },
    ),
    "1h, two years": (
        lambda m: m.candles("BTC-USDT", "1h", NOW - 730 * DAY, NOW - 7 * DAY),
        17_352,
        {
            0: (1700629200.0, 51541.69804154565, 51874.32460326421, 51303.112124485975, 51378.37664576136,
                768.5166733008978, 39651994.492194764, 49954, 264.90973500079343, 13668147.638310928),
            9000: (1733029200.0, 64485.23867089285, 64944.91279441765, 64399.97313634307, 64811.62527767826,
                   713.0286206752062, 46098724.79361614, 46347, 519.9021436076545, 33612712.22897735),
            -1: (1763092800.0, 68958.7648580153, 69089.51777577144, 68692.24323984105, 68692.24323984105,
                 379.39796203002334, 26142864.727510642, 24661, 119.57698321248967, 8239593.2754128715),
        },
    ),
    "15m, the last 5,000": (
        lambda m: m.recent_candles("SOL-USDT", "15m", NOW, 5000),
        5000,
        {
            0: (1759200300.0, 138.78657297876632, 139.24679711474752, 138.15879741682144, 138.16090889762847,
                56564.288039336236, 7843816.262187184, 33939, 14196.802018882125, 1968682.1916563134),
            -1: (1763699400.0, 133.30892345974624, 134.00375761451943, 133.20542369183707, 133.96054705975237,
                 25930.466273397207, 3465265.942783359, 15558, 19776.049002163127, 2642808.978730815),
        },
    ),
    # Long enough that the volumes' running sum rounds differently if it were restarted midway.
    "1m, 100,000 from a past start": (
        lambda m: m.candles("ETH-USDT", "1m", 1_700_000_000, 1_700_000_000 + 100_000 * 60),
        100_000,
        {
            0: (1700000040.0, 3203.6743010723326, 3205.2003725906375, 3203.3913793743254, 3204.8511523024845,
                199.20586866812914, 638281.0019163141, 1020, 123.25680823252901, 394930.5287924601),
            50_000: (1703000040.0, 3013.633495325245, 3014.1155672378163, 3011.773866566088,
                     3012.0276048967726, 251.02650716993958, 756280.731727347, 1285, 83.63158407006192,
                     251961.26221525035),
            -1: (1705999980.0, 3384.7296038740587, 3384.9468231161823, 3384.111065942376, 3384.225247722063,
                 58.04485830105841, 196451.10788162035, 297, 26.153870734345386, 88517.00273788336),
        },
    ),
}  # fmt: skip


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
    from hbdesk_plugins.sim.path import PricePath

    path = PricePath(9, "BTC-USDT", 65000.0)
    times = np.array([NOW + k * 0.37 for k in range(200)] + [NOW - 86400 * 30])
    assert [path.price(t) for t in times] == pytest.approx(path.prices(times).tolist(), rel=1e-12)


def test_a_levels_size_does_not_depend_on_the_depth_asked() -> None:
    market = SimMarket(3)
    shallow, deep = market.book("ETH-USDT", NOW, 5), market.book("ETH-USDT", NOW, 200)
    assert (shallow.bids, shallow.asks) == (deep.bids[:5], deep.asks[:5])
    # No float noise: a price reads 3187.52, never 3187.5200000000004.
    assert all(Decimal(repr(price)).as_tuple().exponent >= -2 for price, _ in deep.bids + deep.asks)


@pytest.mark.parametrize("name", list(PINNED))
def test_candles_keep_the_values_they_always_had(name: str) -> None:
    request, count, rows = PINNED[name]
    candles = request(SimMarket(42))
    assert len(candles) == count
    for row, values in rows.items():
        assert dataclasses.astuple(candles[row]) == pytest.approx(values, rel=1e-12, abs=0)


def reference_prices(seed: int, pair: str, times: np.ndarray) -> np.ndarray:
    """Prices as first computed, the choice between a dense and a sparse pass included."""
    spec = SimMarket(seed).spec(pair)
    total = np.zeros_like(times)
    for component in PricePath(seed, pair, spec.anchor).components:
        key = stream_key(seed, pair, "price", str(component.span))
        position = times / component.span
        base = np.floor(position).astype(np.int64)
        frac = position - base
        weights = component.phi ** np.arange(component.window, dtype=np.float64)
        first, last = int(base.min()), int(base.max()) + 1
        if last - first <= 4 * len(base):
            indices = np.arange(first - component.window + 1, last + 1, dtype=np.int64)
            lattice = np.convolve(normal(key, indices) * component.innovation_scale, weights, mode="valid")
            left, right = lattice[base - first], lattice[base - first + 1]
        else:
            needed, where = np.unique(np.concatenate([base, base + 1]), return_inverse=True)
            history = needed[:, None] - np.arange(component.window, dtype=np.int64)[None, :]
            values = (normal(key, history) * component.innovation_scale) @ weights
            left, right = values[where[: len(base)]], values[where[len(base) :]]
        total += left * (1.0 - frac) + right * frac
    return spec.anchor * np.exp(total * spec.volatility)


def reference_candles(seed: int, pair: str, span: int, opens: np.ndarray, closes: np.ndarray) -> list[tuple]:
    """Candles as first computed, in one pass over the whole range: the standard the fast path keeps."""
    spec = SimMarket(seed).spec(pair)
    fractions = np.linspace(0.0, 1.0, 61)
    prices = reference_prices(seed, pair, opens[:, None] + (closes - opens)[:, None] * fractions[None, :])
    first_minute, last_minute = math.floor(opens[0] / 60), math.ceil(closes[-1] / 60)
    minutes = np.arange(first_minute, last_minute, dtype=np.int64)
    key = stream_key(seed, pair, "volume")
    per_minute = spec.volume_per_minute * np.exp(0.6 * normal(key, minutes) - 0.18)
    cumulative = np.concatenate([[0.0], np.cumsum(per_minute)])

    def volume_until(times: np.ndarray) -> np.ndarray:
        position = times / 60 - first_minute
        whole = np.floor(position).astype(np.int64)
        partial = per_minute[np.minimum(whole, len(per_minute) - 1)] * (position - whole)
        return cumulative[whole] + np.where(whole < len(per_minute), partial, 0.0)

    volume = volume_until(closes) - volume_until(opens)
    average = prices.mean(axis=1)
    move = np.log(prices[:, -1] / prices[:, 0]) / (0.001 * spec.volatility * math.sqrt(span / 60))
    buy_share = 0.5 + 0.4 * np.tanh(move)
    trade_size = spec.top_depth_quote / spec.anchor / 40
    n_trades = np.where(volume > 0, np.maximum(1, np.round(volume / trade_size)), 0)
    columns = (
        opens, prices[:, 0], prices.max(axis=1), prices.min(axis=1), prices[:, -1], volume, volume * average,
        n_trades, volume * buy_share, volume * buy_share * average,
    )  # fmt: skip
    return list(zip(*(column.tolist() for column in columns), strict=True))


@pytest.mark.parametrize("interval", list(INTERVALS))
def test_candles_agree_with_the_plain_computation_in_any_chunking(
    interval: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    span = INTERVALS[interval]
    current = math.floor(NOW / span)
    opens = np.arange(current - 150, current + 1, dtype=np.float64) * span
    expected = reference_candles(7, "SOL-USDT", span, opens, np.minimum(opens + span, NOW))
    whole = SimMarket(7).recent_candles("SOL-USDT", interval, NOW, 151)
    monkeypatch.setattr(market_module, "CANDLES_PER_CHUNK", 7)  # 22 chunks, priced by several threads
    chunked = SimMarket(7).recent_candles("SOL-USDT", interval, NOW, 151)
    assert chunked == whole  # chunks are an implementation detail: not one bit differs
    for candle, values in zip(chunked, expected, strict=True):
        assert dataclasses.astuple(candle) == pytest.approx(values, rel=1e-12, abs=0)
        assert candle.volume == values[5]  # the running sum of the minutes carries over exactly


def test_one_request_may_ask_a_year_of_minutes_and_as_much_work_of_any_interval() -> None:
    limits = [market_module.max_candles(interval) for interval in INTERVALS]
    assert market_module.max_candles("1m") >= 525_600
    assert limits == sorted(limits, reverse=True)  # a longer candle spans more minutes and lattice points
    budget = market_module.CANDLE_BUDGET * market_module.candle_draws("1m")
    for interval, limit in zip(INTERVALS, limits, strict=True):
        assert 0.9 < limit * market_module.candle_draws(interval) / budget <= 1.0


def test_a_volatility_knob_scales_every_move_of_the_same_path() -> None:
    calm, lively = SimMarket(4), SimMarket(4, volatility=10.0)
    for pair, spec in calm.pairs.items():
        anchor = spec.anchor
        calm_offset = math.log(calm.mid(pair, NOW) / anchor)
        lively_offset = math.log(lively.mid(pair, NOW) / anchor)
        assert lively_offset == pytest.approx(10 * calm_offset, rel=1e-6)
