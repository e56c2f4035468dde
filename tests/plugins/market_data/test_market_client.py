"""Connectors and market data through the Hummingbot API client, against a real `hbdesk serve`."""

from __future__ import annotations

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

pytestmark = pytest.mark.slow


async def test_market_data_routes_through_the_client(client: HummingbotAPIClient) -> None:
    market = client.market_data
    book = await market.get_order_book("hbdesk_sim", "BTC-USDT", depth=5)
    assert len(book["bids"]) == 5 and book["bids"][0]["price"] < book["asks"][0]["price"]
    prices = await market.get_prices("hbdesk_sim", ["BTC-USDT", "ETH-USDT"])
    assert set(prices["prices"]) == {"BTC-USDT", "ETH-USDT"}
    candles = await market.get_candles("hbdesk_sim", "ETH-USDT", interval="15m", max_records=20)
    assert len(candles) == 20
    history = await market.get_historical_candles(
        "hbdesk_sim", "ETH-USDT", "1h", 1_700_000_000, 1_700_036_000
    )
    assert len(history) == 10
    for call in (
        market.get_price_for_volume("hbdesk_sim", "BTC-USDT", 0.5, True),
        market.get_volume_for_price("hbdesk_sim", "BTC-USDT", 60000.0, False),
        market.get_price_for_quote_volume("hbdesk_sim", "BTC-USDT", 1000.0, True),
        market.get_quote_volume_for_price("hbdesk_sim", "BTC-USDT", 70000.0, True),
        market.get_vwap_for_volume("hbdesk_sim", "BTC-USDT", 0.5, False),
    ):
        answer = await call
        assert answer["trading_pair"] == "BTC-USDT"
    assert "hbdesk_sim" in await market.get_available_candle_connectors()
    assert any(key.startswith("hbdesk_sim_BTC-USDT") for key in await market.get_active_feeds())
    assert (await market.get_market_data_settings())["feed_timeout"] > 0
    added = await market.add_trading_pair("hbdesk_sim", "SOL-USDT")
    assert added["success"]
    assert (await market.remove_trading_pair("hbdesk_sim", "SOL-USDT"))["success"]
    diagnostics = await market.get_order_book_diagnostics("hbdesk_sim")
    assert diagnostics["running"]
    restarted = await market.restart_order_book_tracker("hbdesk_sim")
    assert restarted["success"]
    with pytest.raises(aiohttp.ClientResponseError) as bad:
        await market.get_order_book("hbdesk_sim", "DOGE-USDT")
    assert bad.value.status == 400


async def test_the_websocket_through_the_clients_helper(client: HummingbotAPIClient) -> None:
    async with client.ws.market_data() as ws:
        assert ws.connection_id
        assert (await ws.ping())["type"] == "pong"
        # The client takes the message after a subscribe for its acknowledgement: a push already on
        # its way when it subscribes again would be taken instead, so pushes here are a second apart.
        subscription = await ws.subscribe_order_book("hbdesk_sim", "ETH-USDT", depth=4, update_interval=1.0)
        push = await ws.receive()
        assert push["type"] == "order_book" and push["subscription_id"] == subscription
        assert len(push["data"]["asks"]) == 4
        candles = await ws.subscribe_candles("hbdesk_sim", "BTC-USDT", interval="1m", max_records=10)
        while (message := await ws.receive())["subscription_id"] != candles:
            pass
        assert message["type"] == "candles" and len(message["data"]) == 10
        with pytest.raises(RuntimeError, match="Unknown trading pair"):
            await ws.subscribe_trades("hbdesk_sim", "NOPE-USDT")


async def test_the_clients_one_socket_sequence_gets_its_own_acknowledgements(
    client: HummingbotAPIClient,
) -> None:
    """subscribe_* take the next message as their acknowledgement: pushes must not overtake."""
    async with client.ws.market_data() as ws:
        candles = await ws.subscribe_candles("hbdesk_sim", "BTC-USDT", interval="1s", update_interval=0.25)
        book = await ws.subscribe_order_book("hbdesk_sim", "ETH-USDT", depth=3, update_interval=0.25)
        trades = await ws.subscribe_trades("hbdesk_sim", "SOL-USDT", update_interval=0.25)
        perpetual = await ws.subscribe_order_book("hbdesk_sim_perpetual", "BTC-USDT", update_interval=0.25)
        assert candles.startswith("candles_hbdesk_sim_BTC-USDT")
        assert book.startswith("order_book_hbdesk_sim_ETH-USDT")
        assert trades.startswith("trades_hbdesk_sim_SOL-USDT")
        assert perpetual.startswith("order_book_hbdesk_sim_perpetual_BTC-USDT")
        with pytest.raises(RuntimeError, match="Unknown trading pair"):
            await ws.subscribe_candles("hbdesk_sim", "NOPE-USDT")
        seen = set()
        while len(seen) < 3:
            seen.add((await ws.receive())["subscription_id"])
        assert seen <= {candles, book, trades, perpetual}


async def test_perpetual_funding_through_the_client(client: HummingbotAPIClient) -> None:
    assert "hbdesk_sim_perpetual" in await client.connectors.list_connectors()
    info = await client.market_data.get_funding_info("hbdesk_sim_perpetual", "BTC-USDT")
    assert info["trading_pair"] == "BTC-USDT"
    assert -0.0075 <= info["funding_rate"] <= 0.0075
    assert info["next_funding_time"] % 3600 == 0 and info["mark_price"] > 0
    with pytest.raises(aiohttp.ClientResponseError) as spot:
        await client.market_data.get_funding_info("hbdesk_sim", "BTC-USDT")
    assert spot.value.status == 400
