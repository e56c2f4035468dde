"""Grid, DCA, arbitrage and cross-exchange market making run on the sim to their end, through the
Hummingbot API client against a real `hbdesk serve`; the sim's prices move 20 times as far as
usual, so levels fill and barriers are reached in seconds. And a perpetual executor's leverage
is set on the exchange before its first order.

The executors are created together when the module starts (each on markets of its own), so their
waits overlap; each test then follows its own executor to its end."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD, wait_for
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow

SPOT = "hbdesk_sim"
PERP = "hbdesk_sim_perpetual"
FAST = {"HBDESK_SIM__VOLATILITY": "20"}


async def mid(client: HummingbotAPIClient, pair: str, connector: str = SPOT) -> Decimal:
    prices = await client.market_data.get_prices(connector, [pair])
    return Decimal(str(prices["prices"][pair]))


async def owned_orders(client: HummingbotAPIClient, executor_id: str) -> list[dict[str, Any]]:
    orders = await client.trading.search_orders(account_names=["master_account"], limit=1000)
    return [o for o in orders["data"] if o.get("owner") == executor_id]


async def closed(client: HummingbotAPIClient, executor_id: str, timeout: float = 60) -> dict[str, Any]:
    async def done() -> bool:
        return (await client.executors.get_executor(executor_id))["status"] == "TERMINATED"

    await wait_for(done, timeout=timeout, interval=0.3)
    found: dict[str, Any] = await client.executors.get_executor(executor_id)
    return found


def grid(price: Decimal, pair: str = "BTC-USDT", side: str = "BUY", **extra: Any) -> dict[str, Any]:
    """A grid of small levels 8% either side of ``price``, each taking a 0.05% profit (the sim's
    tick-to-tick moves are larger at this volatility). At this volatility the price leaves a 3%
    range within a minute about once in twenty starts, and an 8% one never in 2,000 sampled (the
    sim's path over a minute from random start times)."""
    buying = side == "BUY"
    return {
        "type": "grid_executor",
        "connector_name": SPOT,
        "trading_pair": pair,
        "side": side,
        "start_price": str(round(price * Decimal("0.92"), 2)),
        "end_price": str(round(price * Decimal("1.08"), 2)),
        # Where the grid gives up: under the range for a buy grid, over it for a sell grid.
        "limit_price": str(round(price * Decimal("0.8" if buying else "1.2"), 2)),
        "total_amount_quote": "1200",
        # Levels of 10 quote: an amount rounded down stays over the pair's minimum notional (5).
        "min_order_amount_quote": "10",
        "min_spread_between_orders": "0.001",
        "max_open_orders": 4,
        "triple_barrier_config": {
            "open_order_type": "LIMIT",
            "take_profit": "0.0005",
            "take_profit_order_type": "LIMIT",
        },
        **extra,
    }


def dca(price: Decimal, levels: tuple[str, ...] = ("1.02", "1.015", "0.97"), **extra: Any) -> dict[str, Any]:
    """A buy DCA on ETH with a level at each of ``levels`` times ``price``. By default two levels
    well over the market, so they fill as soon as they are placed (one a step) even if the price
    rises meanwhile (at this volatility it rises 0.2% within two seconds from about one start in
    seven), and the last one under it, left resting; barriers wide enough that the first fill
    cannot close the position before the second level is placed: the time limit ends it."""
    return {
        "type": "dca_executor",
        "connector_name": SPOT,
        "trading_pair": "ETH-USDT",
        "side": "BUY",
        "amounts_quote": ["20"] * len(levels),
        "prices": [str(round(price * Decimal(k), 2)) for k in levels],
        "take_profit": "0.03",
        "stop_loss": "0.03",
        "time_limit": 8,
        "mode": "MAKER",
        **extra,
    }


def arbitrage(min_profitability: str) -> dict[str, Any]:
    """Buy BTC on the perpetual sim (its collateral is USDT), sell it on the spot sim (which
    holds BTC)."""
    return {
        "type": "arbitrage_executor",
        "buying_market": {"connector_name": PERP, "trading_pair": "BTC-USDT"},
        "selling_market": {"connector_name": SPOT, "trading_pair": "BTC-USDT"},
        "order_amount": "0.001",
        "min_profitability": min_profitability,
    }


XEMM = {
    "type": "xemm_executor",
    "buying_market": {"connector_name": SPOT, "trading_pair": "ETH-USDT"},
    "selling_market": {"connector_name": PERP, "trading_pair": "ETH-USDT"},
    "maker_side": "BUY",
    "order_amount": "0.01",
    # A bid a hair under the taker's price (the fees given back), so a small dip fills it.
    "min_profitability": "-0.01",
    "target_profitability": "-0.0015",
    "max_profitability": "0.01",
}

LEVERAGED = {
    "type": "position_executor",
    "connector_name": PERP,
    "trading_pair": "SOL-USDT",
    "side": "BUY",
    "amount": "1",
    "leverage": 5,
    "triple_barrier_config": {"open_order_type": "MARKET", "stop_loss": "0.3", "time_limit": 600},
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    running = start_server(tmp_path_factory.mktemp("serve"), env=FAST)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def started(served: Served) -> dict[str, str]:
    """The module's executors, created at once: their ids by name."""

    async def create() -> dict[str, str]:
        async with HummingbotAPIClient(served.url, "admin", PASSWORD) as client:
            price = await mid(client, "BTC-USDT")
            configs = {
                "grid": grid(price),
                "sell_grid": grid(price, side="SELL"),
                "dca": dca(await mid(client, "ETH-USDT")),
                "waiting_arbitrage": arbitrage("0.001"),
                "arbitrage": arbitrage("-0.01"),
                "xemm": XEMM,
                "leveraged": LEVERAGED,
            }
            ids = {}
            for name, config in configs.items():
                ids[name] = (await client.executors.create_executor(config))["executor_id"]
            return ids

    return asyncio.run(create())


async def test_a_grid_fills_its_levels_takes_profit_and_stops_cleanly(
    client: HummingbotAPIClient, started: dict[str, str]
) -> None:
    # A buy grid takes its profits while the price falls through its levels and bounces, a sell
    # grid while it rises; one that the price leaves behind (its resting orders all on the other
    # side) waits. Of a buy and a sell grid started together, one takes profit.
    ids = [started["grid"], started["sell_grid"]]
    for executor_id in ids:
        levels = (await client.executors.get_executor(executor_id))["custom_info"]["grid_level_prices"]
        assert len(levels) > 5 and levels == sorted(levels)

    async def profitable() -> list[str]:  # a level opened, then closed at its take-profit
        found = [await client.executors.get_executor(i) for i in ids]
        return [f["executor_id"] for f in found if f["custom_info"].get("realized_sell_size_quote")]

    await wait_for(profitable, timeout=45, interval=0.5)
    for executor_id in await profitable():
        running = await client.executors.get_executor(executor_id)
        assert running["custom_info"]["realized_pnl_quote"] != 0
        orders = await owned_orders(client, executor_id)
        assert any(o["trade_type"] == "BUY" and o["status"] == "FILLED" for o in orders)
        assert any(o["trade_type"] == "SELL" and o["status"] == "FILLED" for o in orders)

    for executor_id in ids:
        if (await client.executors.get_executor(executor_id))["status"] == "RUNNING":
            await client.executors.stop_executor(executor_id)
    for executor_id in ids:
        final = await closed(client, executor_id, timeout=60)
        # Stopped, unless the price left the grid's range first (its own take-profit or stop).
        assert final["close_type"] in ("EARLY_STOP", "TAKE_PROFIT", "STOP_LOSS")
        orders = await owned_orders(client, executor_id)
        assert not [o for o in orders if o["status"] in ("OPEN", "PARTIALLY_FILLED", "PENDING")]
        assert any(o["status"] == "CANCELLED" for o in orders)  # the levels' resting orders
        active = await client.trading.get_active_orders(connector_names=[SPOT])
        assert not [o for o in active["data"] if o.get("owner") == executor_id]
        # Whatever the grid still held was closed: as much bought as sold.
        bought = sum(o["filled_amount"] for o in orders if o["trade_type"] == "BUY")
        sold = sum(o["filled_amount"] for o in orders if o["trade_type"] == "SELL")
        assert bought == pytest.approx(sold, abs=1e-5)


async def test_a_dca_fills_two_levels_and_closes_on_a_barrier(
    client: HummingbotAPIClient, started: dict[str, str]
) -> None:
    executor_id = started["dca"]
    final = await closed(client, executor_id, timeout=30)
    assert final["close_type"] in ("TAKE_PROFIT", "STOP_LOSS", "TIME_LIMIT")
    orders = await owned_orders(client, executor_id)
    entries = [o for o in orders if o["trade_type"] == "BUY" and o["filled_amount"] > 0]
    assert len(entries) >= 2, orders
    exits = [o for o in orders if o["trade_type"] == "SELL"]
    assert len(exits) == 1 and exits[0]["status"] == "FILLED"
    assert exits[0]["filled_amount"] == pytest.approx(sum(o["filled_amount"] for o in entries), rel=1e-3)
    assert not [o for o in orders if o["status"] == "OPEN"]  # the level left resting was cancelled


async def test_an_arbitrage_between_the_sims_waits_for_a_spread_that_never_comes(
    client: HummingbotAPIClient, started: dict[str, str]
) -> None:
    # Both sims quote one market: buying at one's ask and selling at the other's bid loses the
    # spread and two fees, always. The executor waits for its spread (hummingbot's behaviour:
    # not a refusal), says how far it is, and places nothing.
    executor_id = started["waiting_arbitrage"]

    async def priced() -> bool:
        found = await client.executors.get_executor(executor_id)
        return bool(found["custom_info"].get("profit_pct"))

    await wait_for(priced, timeout=15, interval=0.3)
    found = await client.executors.get_executor(executor_id)
    info = found["custom_info"]
    assert found["status"] == "RUNNING" and info["profit_pct"] < 0 < info["tx_cost_pct"]
    assert (info["buy_connector"], info["sell_connector"]) == (PERP, SPOT)
    assert await owned_orders(client, executor_id) == []
    await client.executors.stop_executor(executor_id)
    final = await closed(client, executor_id, timeout=15)
    assert final["close_type"] == "EARLY_STOP" and await owned_orders(client, executor_id) == []


async def test_an_arbitrage_that_accepts_the_cost_trades_both_legs(
    client: HummingbotAPIClient, started: dict[str, str]
) -> None:
    executor_id = started["arbitrage"]
    final = await closed(client, executor_id, timeout=30)
    assert final["close_type"] == "COMPLETED"
    orders = await owned_orders(client, executor_id)
    legs = {(o["connector_name"], o["trade_type"]): o for o in orders}
    assert set(legs) == {(PERP, "BUY"), (SPOT, "SELL")}
    assert all(o["status"] == "FILLED" and o["filled_amount"] == pytest.approx(0.001) for o in orders)
    assert legs[(PERP, "BUY")]["position_action"] == "OPEN"
    assert final["net_pnl_quote"] < 0  # the spread and the fees
    positions = await client.trading.get_positions(connector_names=[PERP])
    assert any(p["trading_pair"] == "BTC-USDT" and p["side"] == "LONG" for p in positions["data"])


async def test_a_cross_exchange_market_maker_quotes_then_hedges_its_fill(
    client: HummingbotAPIClient, started: dict[str, str]
) -> None:
    executor_id = started["xemm"]

    async def quoting() -> bool:
        return any(o["status"] in ("OPEN", "FILLED") for o in await owned_orders(client, executor_id))

    await wait_for(quoting, timeout=15, interval=0.3)
    maker = next(o for o in await owned_orders(client, executor_id) if o["connector_name"] == SPOT)
    assert (maker["connector_name"], maker["trade_type"], maker["order_type"]) == (SPOT, "BUY", "LIMIT")
    final = await closed(client, executor_id, timeout=60)
    orders = await owned_orders(client, executor_id)
    filled = [(o["connector_name"], o["trade_type"]) for o in orders if o["status"] == "FILLED"]
    assert sorted(filled) == [(SPOT, "BUY"), (PERP, "SELL")]
    assert not [o for o in orders if o["status"] == "OPEN"]
    hedge = next(o for o in orders if o["connector_name"] == PERP)
    assert hedge["order_type"] == "MARKET" and hedge["filled_amount"] == pytest.approx(0.01)
    # Both legs priced into its result (hummingbot's XEMM ends without a close type).
    assert final["close_type"] is None and final["net_pnl_quote"] != 0


async def test_a_perpetual_executor_sets_its_leverage_before_its_first_order(
    client: HummingbotAPIClient, started: dict[str, str]
) -> None:
    executor_id = started["leveraged"]

    async def holding() -> bool:
        positions = await client.trading.get_positions(connector_names=[PERP])
        return any(p["trading_pair"] == "SOL-USDT" for p in positions["data"])

    await wait_for(holding, timeout=15, interval=0.3)
    positions = await client.trading.get_positions(connector_names=[PERP])
    held = next(p for p in positions["data"] if p["trading_pair"] == "SOL-USDT")
    assert held["leverage"] == 5 and held["side"] == "LONG"
    logs = await client.executors.get_executor_logs(executor_id)
    assert any("leverage 5x on hbdesk_sim_perpetual SOL-USDT" in e["message"] for e in logs["logs"])

    # Another leverage on a pair with a position open: the exchange refuses, nothing starts.
    before = (await client.executors.search_executors(limit=1000))["pagination"]["total_count"]
    with pytest.raises(aiohttp.ClientResponseError) as refused:
        await client.executors.create_executor({**LEVERAGED, "leverage": 3})
    assert refused.value.status == 400
    after = (await client.executors.search_executors(limit=1000))["pagination"]["total_count"]
    assert after == before
    stopped = await client.executors.stop_executor(executor_id)
    assert stopped["status"] == "stopping"
