"""The market-data router over the simulated exchange."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.helpers import AUTH, FROZEN

pytestmark = [pytest.mark.hummingbot_catalog, pytest.mark.frozen_clock]
SIM = {"connector_name": "hbdesk_sim"}


async def post(api: Any, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = await api.post(path, json=body, headers=AUTH)
    return response.status, await response.json()


async def test_order_book_levels_are_sorted_around_the_mid(api: Any) -> None:
    status, book = await post(api, "/market-data/order-book", {**SIM, "trading_pair": "BTC-USDT", "depth": 5})
    assert status == 200
    bids = [level["price"] for level in book["bids"]]
    asks = [level["price"] for level in book["asks"]]
    assert len(bids) == len(asks) == 5
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
    assert bids[0] < asks[0]
    _status, prices = await post(api, "/market-data/prices", {**SIM, "trading_pairs": ["BTC-USDT"]})
    assert bids[0] < prices["prices"]["BTC-USDT"] < asks[0]


async def test_book_queries_agree_with_the_book(api: Any) -> None:
    pair = {**SIM, "trading_pair": "ETH-USDT"}
    _s, book = await post(api, "/market-data/order-book", {**pair, "depth": 50})
    best_ask, second_ask = book["asks"][0], book["asks"][1]
    _s, small = await post(
        api,
        "/market-data/order-book/price-for-volume",
        {**pair, "is_buy": True, "volume": best_ask["amount"] / 2},
    )
    assert small["result_price"] == best_ask["price"]
    volume = best_ask["amount"] + second_ask["amount"] / 2
    _s, vwap = await post(
        api, "/market-data/order-book/vwap-for-volume", {**pair, "is_buy": True, "volume": volume}
    )
    expected = (
        best_ask["price"] * best_ask["amount"] + second_ask["price"] * second_ask["amount"] / 2
    ) / volume
    assert vwap["average_price"] == pytest.approx(expected, rel=1e-9)
    _s, upto = await post(
        api,
        "/market-data/order-book/volume-for-price",
        {**pair, "is_buy": True, "price": second_ask["price"]},
    )
    assert upto["result_volume"] == pytest.approx(best_ask["amount"] + second_ask["amount"])
    _s, quote = await post(
        api,
        "/market-data/order-book/quote-volume-for-price",
        {**pair, "is_buy": True, "price": best_ask["price"]},
    )
    assert quote["result_quote_volume"] == pytest.approx(best_ask["price"] * best_ask["amount"])
    _s, for_quote = await post(
        api, "/market-data/order-book/price-for-quote-volume", {**pair, "is_buy": True, "quote_volume": 10.0}
    )
    assert for_quote["result_price"] == best_ask["price"]


async def test_candles_and_historical_candles(api: Any) -> None:
    status, candles = await post(
        api, "/market-data/candles", {**SIM, "trading_pair": "SOL-USDT", "interval": "5m", "max_records": 12}
    )
    assert status == 200 and len(candles) == 12
    assert [c["timestamp"] for c in candles] == sorted(c["timestamp"] for c in candles)
    assert all(c["timestamp"] % 300 == 0 for c in candles)
    assert set(candles[0]) == {
        "timestamp", "open", "high", "low", "close", "volume", "quote_asset_volume", "n_trades",
        "taker_buy_base_volume", "taker_buy_quote_volume",
    }  # fmt: skip
    start, end = 1_700_000_000, 1_700_000_000 + 6 * 3600
    status, history = await post(
        api, "/market-data/historical-candles",
        {**SIM, "trading_pair": "SOL-USDT", "interval": "1h", "start_time": start, "end_time": end},
    )  # fmt: skip
    assert status == 200
    assert [c["timestamp"] for c in history] == [1_700_002_800 + i * 3600 for i in range(6)]
    _s, again = await post(
        api, "/market-data/historical-candles",
        {**SIM, "trading_pair": "SOL-USDT", "interval": "1h", "start_time": start, "end_time": end},
    )  # fmt: skip
    assert again == history  # the same seed, the same past


async def test_long_candle_ranges_are_answered_as_the_market_gives_them(api: Any, desk: Any) -> None:
    # The Hummingbot MCP server's default (30 days of 1m) and the dashboard's (7 days of 1m).
    status, month = await post(
        api,
        "/market-data/candles",
        {**SIM, "trading_pair": "BTC-USDT", "interval": "1m", "max_records": 43_200},
    )
    assert status == 200 and len(month) == 43_200
    assert month[-1]["timestamp"] == FROZEN // 60 * 60  # the newest is the one still open
    end = int(FROZEN) // 60 * 60 - 3600
    start = end - 10_080 * 60
    status, week = await post(
        api, "/market-data/historical-candles",
        {**SIM, "trading_pair": "ETH-USDT", "interval": "1m", "start_time": start, "end_time": end},
    )  # fmt: skip
    assert status == 200 and len(week) == 10_080
    market = desk.kernel.service("sim").market
    expected = market.candles("ETH-USDT", "1m", start, end)
    assert week[::1000] == [dataclasses.asdict(candle) for candle in expected[::1000]]
    assert month[-5:] == [
        dataclasses.asdict(c) for c in market.recent_candles("BTC-USDT", "1m", FROZEN, 43_200)[-5:]
    ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/market-data/candles", {"interval": "1m", "max_records": 700_000}),
        ("/market-data/candles", {"interval": "1d", "max_records": 10**40}),
        ("/market-data/historical-candles", {"interval": "1m", "start_time": 0, "end_time": 1_700_000_000}),
        ("/market-data/historical-candles", {"interval": "1h", "start_time": 0, "end_time": 10**11}),
    ],
)
async def test_candle_requests_beyond_the_limit_are_told_the_limit(
    api: Any, path: str, body: dict[str, Any]
) -> None:
    from hbdesk_plugins.sim.market import max_candles

    status, answer = await post(api, path, {**SIM, "trading_pair": "BTC-USDT", **body})
    assert status == 400
    limit = f"at most {max_candles(body['interval']):,} of {body['interval']} a request"
    assert limit in answer["detail"] and "narrow the range" in answer["detail"]
    assert len(answer["detail"]) < 300  # a 41-digit count is not echoed whole


async def test_a_request_at_the_limit_is_answered(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from hbdesk_plugins.sim import market

    monkeypatch.setattr(market, "max_candles", lambda interval: 3000)
    body = {**SIM, "trading_pair": "SOL-USDT", "interval": "1h"}
    status, candles = await post(api, "/market-data/candles", {**body, "max_records": 3000})
    assert status == 200 and len(candles) == 3000
    status, answer = await post(api, "/market-data/candles", {**body, "max_records": 3001})
    assert status == 400 and "at most 3,000 of 1h a request (125 days)" in answer["detail"]


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        (
            "/market-data/order-book",
            {**SIM, "trading_pair": "DOGE-USDT"},
            400,
            "Pairs: BTC-USDT, ETH-USDT, SOL-USDT",
        ),
        (
            "/market-data/order-book",
            {"connector_name": "nowhere", "trading_pair": "BTC-USDT"},
            400,
            "Known connectors",
        ),
        (
            "/market-data/order-book",
            {**SIM, "trading_pair": "BTC-USDT", "depth": 0},
            422,
            "greater than or equal to 1",
        ),
        (
            "/market-data/order-book",
            {**SIM, "trading_pair": "BTC-USDT", "depth": 1001},
            422,
            "less than or equal to 1000",
        ),
        (
            "/market-data/candles",
            {**SIM, "trading_pair": "BTC-USDT", "interval": "7m"},
            422,
            "Input should be '1s'",
        ),
        ("/market-data/funding-info", {**SIM, "trading_pair": "BTC-USDT"}, 400, "spot connector"),
        (
            "/market-data/historical-candles",
            {**SIM, "trading_pair": "BTC-USDT", "interval": "1s", "start_time": 0, "end_time": 1_700_000_000},
            400,
            "at most",
        ),
        (
            "/market-data/candles",
            {"connector_name": "bitstamp", "trading_pair": "BTC-USD"},
            400,
            "no candles feed",
        ),
    ],
)
async def test_bad_requests(api: Any, path: str, body: dict[str, Any], status: int, needle: str) -> None:
    got, answer = await post(api, path, body)
    assert got == status
    assert needle in str(answer["detail"])


async def test_feeds_are_listed_and_stop_when_nobody_reads_them(api: Any, desk: Any) -> None:
    await post(api, "/market-data/order-book", {**SIM, "trading_pair": "BTC-USDT"})
    feeds = await (await api.get("/market-data/active-feeds", headers=AUTH)).json()
    assert feeds["hbdesk_sim_BTC-USDT_order_book"]["connector"] == "hbdesk_sim"
    diagnostics = await (await api.get("/market-data/order-book/diagnostics/hbdesk_sim", headers=AUTH)).json()
    assert diagnostics["running"] and "BTC-USDT" in diagnostics["trading_pairs"]

    service = desk.kernel.service("market_data")
    service.settings.feed_timeout = 0.0
    await service.sweep_once()
    assert await (await api.get("/market-data/active-feeds", headers=AUTH)).json() == {}
    assert (None, "hbdesk_sim") not in desk.kernel.service("connector_manager").live
    after = await (await api.get("/market-data/order-book/diagnostics/hbdesk_sim", headers=AUTH)).json()
    assert after["running"] is False


async def test_trading_pairs_can_be_followed_and_dropped(api: Any) -> None:
    status, added = await post(api, "/market-data/trading-pair/add", {**SIM, "trading_pair": "SOL-USDT"})
    assert status == 200 and added["success"]
    _s, removed = await post(api, "/market-data/trading-pair/remove", {**SIM, "trading_pair": "SOL-USDT"})
    assert removed["success"] and removed["message"] == "Stopped following SOL-USDT on hbdesk_sim"
    _s, again = await post(api, "/market-data/trading-pair/remove", {**SIM, "trading_pair": "SOL-USDT"})
    assert again["success"] is False


async def test_settings_and_candle_connectors(api: Any) -> None:
    settings = await (await api.get("/market-data/settings", headers=AUTH)).json()
    assert settings["feed_timeout"] == 600.0 and settings["cleanup_interval"] == 300.0
    connectors = await (await api.get("/market-data/available-candle-connectors", headers=AUTH)).json()
    assert "hbdesk_sim" in connectors and "binance" in connectors


async def test_a_candles_feed_that_never_fills_is_a_503_in_bounded_time(
    api: Any, desk: Any, monkeypatch
) -> None:
    from hummingbot.data_feed.candles_feed.candles_factory import CandlesFactory

    class SilentFeed:
        ready = False
        stopped = False

        def __init__(self, *_args: Any) -> None: ...

        def start(self) -> None: ...

        def stop(self) -> None:
            SilentFeed.stopped = True

    monkeypatch.setitem(CandlesFactory._candles_map, "binance", SilentFeed)
    desk.kernel.service("connector_manager").timeout = 0.3
    status, answer = await post(
        api, "/market-data/candles", {"connector_name": "binance", "trading_pair": "BTC-USDT"}
    )
    assert status == 503
    assert answer["detail"] == "binance did not answer within 0.3 s"
    assert SilentFeed.stopped
