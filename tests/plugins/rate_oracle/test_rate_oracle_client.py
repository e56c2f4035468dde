"""Rates against a real `hbdesk serve`: tickers and rates through the Hummingbot API client, the
rate-oracle router (for which the client has no methods) over plain HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD
from tests.server import Served

pytestmark = pytest.mark.slow
SIM_PAIRS = {"BTC-USDT", "ETH-USDT", "SOL-USDT"}


@pytest.fixture
async def http(served: Served) -> AsyncIterator[Any]:
    headers = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
    async with aiohttp.ClientSession(served.url, headers=headers) as session:
        yield session


async def call(http: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with http.request(method, path, json=body) as response:
        return response.status, await response.json()


async def test_tickers_and_rates_through_the_client(client: HummingbotAPIClient) -> None:
    market = client.market_data
    pool = await market.get_tickers()
    assert pool["counts"] == {"hbdesk_sim": 3, "hbdesk_sim_perpetual": 3} and pool["errors"] == {}
    assert set(pool["tickers"]["hbdesk_sim"]) == SIM_PAIRS
    assert all(t["price"] > 0 and t["base_volume"] > 0 for t in pool["tickers"]["hbdesk_sim"].values())
    scoped = await market.get_tickers("hbdesk_sim", refresh=True, max_age=5)
    assert scoped["counts"] == {"hbdesk_sim": 3}

    rates = await market.get_rates(["BTC-USDT", "ETH-USDT", "ETH-BTC", "DOGE-USDT"])
    assert rates["quote_token"] == "USDT" and rates["connector"] is None
    found = rates["rates"]
    # One call reads one moment of the market: the cross rate is the ratio of the direct ones.
    assert found["ETH-BTC"] == pytest.approx(found["ETH-USDT"] / found["BTC-USDT"], rel=1e-12)
    assert found["DOGE-USDT"] is None
    single = await market.get_rates("SOL-USDT", connector="hbdesk_sim")
    assert single["connector"] == "hbdesk_sim" and single["rates"]["SOL-USDT"] > 0

    with pytest.raises(aiohttp.ClientResponseError) as malformed:
        await market.get_rates("BTCUSDT")
    assert malformed.value.status == 400 and "BASE-QUOTE" in malformed.value.message
    with pytest.raises(aiohttp.ClientResponseError) as unknown:
        await market.get_tickers(["hbdesk_sim", "nowhere"])
    assert unknown.value.status == 400 and "Unknown connector 'nowhere'" in unknown.value.message


async def test_the_rate_oracle_routes(http: Any) -> None:
    status, sources = await call(http, "GET", "/rate-oracle/sources")
    assert status == 200 and sources[0] == "hbdesk_sim" and "binance" in sources
    status, config = await call(http, "GET", "/rate-oracle/config")
    assert status == 200
    assert config["rate_oracle_source"] == {"name": "hbdesk_sim"}
    assert config["global_token"]["global_token_name"] == "USDT"
    assert config["available_sources"] == sources

    status, rate = await call(http, "GET", "/rate-oracle/rate/BTC-USDT")
    assert status == 200 and rate["rate"] > 0
    assert (rate["source"], rate["quote_token"]) == ("hbdesk_sim", "USDT")
    status, fresh = await call(http, "GET", "/rate-oracle/rate-async/ETH-BTC")
    assert status == 200 and 0 < fresh["rate"] < 1
    status, rates = await call(
        http, "POST", "/rate-oracle/rates", {"trading_pairs": ["SOL-USDT", "SOL-ETH", "ETH-USDT"]}
    )
    assert status == 200
    found = rates["rates"]
    assert found["SOL-ETH"] == pytest.approx(found["SOL-USDT"] / found["ETH-USDT"], rel=1e-12)
    status, prices = await call(http, "GET", "/rate-oracle/prices")
    assert status == 200 and prices["prices_count"] == 3 and set(prices["prices"]) == SIM_PAIRS


async def test_the_rate_oracle_config_is_changed_and_validated(http: Any) -> None:
    status, update = await call(
        http, "PUT", "/rate-oracle/config", {"global_token": {"global_token_name": "ETH"}}
    )
    assert status == 200 and update["message"] == "global_token_name updated to ETH"
    _s, prices = await call(http, "GET", "/rate-oracle/prices")
    assert prices["quote_token"] == "ETH" and set(prices["prices"]) == {"BTC-ETH", "SOL-ETH", "USDT-ETH"}
    # Choosing an exchange asks it nothing until a rate is wanted (nothing here reaches out).
    status, binance = await call(
        http, "PUT", "/rate-oracle/config", {"rate_oracle_source": {"name": "binance"}}
    )
    assert status == 200 and binance["config"]["rate_oracle_source"] == {"name": "binance"}
    status, back = await call(
        http,
        "PUT",
        "/rate-oracle/config",
        {"rate_oracle_source": {"name": "hbdesk_sim"}, "global_token": {"global_token_name": "USDT"}},
    )
    assert status == 200 and back["config"]["global_token"]["global_token_name"] == "USDT"

    for method, path, body, code, needle in [
        (
            "PUT",
            "/rate-oracle/config",
            {"rate_oracle_source": {"name": "nowhere"}},
            400,
            "Sources: hbdesk_sim",
        ),
        ("PUT", "/rate-oracle/config", {"global_token": {"global_token_name": "EUR"}}, 400, "BTC, ETH"),
        ("GET", "/rate-oracle/rate/DOGE-USDT", None, 404, "prices no DOGE"),
        ("GET", "/rate-oracle/rate-async/BTCUSDT", None, 400, "BASE-QUOTE"),
        ("POST", "/rate-oracle/rates", {"trading_pairs": []}, 422, "at least 1"),
    ]:
        status, answer = await call(http, method, path, body)
        assert status == code, (path, answer)
        assert needle in str(answer["detail"])


def test_nothing_above_was_a_server_error(served: Served) -> None:
    log = served.output()
    assert '"GET /rate-oracle/sources" 200' in log  # the access log did record the requests
    assert "Traceback" not in log
    assert '" 500' not in log
