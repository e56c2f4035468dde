"""GET /market-data/tickers and POST /market-data/rates: the ticker pool and its cross rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.helpers import FROZEN
from tests.rates_support import SIM_PAIRS, ScriptedSource, get, mid, send

pytestmark = pytest.mark.frozen_clock


async def tickers(api: Any, **params: Any) -> tuple[int, Any]:
    return await get(api, "/market-data/tickers", **params)


async def test_the_pool_holds_the_sim_with_prices_and_day_volumes(api: Any, desk: Any) -> None:
    status, answer = await tickers(api)
    assert status == 200
    assert set(answer) == {"tickers", "counts", "updated_at", "errors"}
    assert answer["counts"] == {"hbdesk_sim": 3, "hbdesk_sim_perpetual": 3}
    assert answer["updated_at"] == {"hbdesk_sim": FROZEN, "hbdesk_sim_perpetual": FROZEN}
    assert answer["errors"] == {}
    sim = answer["tickers"]["hbdesk_sim"]
    assert set(sim) == SIM_PAIRS
    for pair, ticker in sim.items():
        assert ticker["price"] == mid(desk, pair)
        assert ticker["timestamp"] == FROZEN
        assert ticker["base_volume"] > 0
        # A day's quote volume is its base volume at the day's prices, near the price now.
        assert 0.5 < ticker["quote_volume"] / ticker["base_volume"] / ticker["price"] < 2
        assert ticker["volume"] == ticker["quote_volume"]
    assert answer["tickers"]["hbdesk_sim_perpetual"] == sim  # one market, spot and perpetual
    _s, named = await tickers(api, connectors="hbdesk_sim")
    assert named["tickers"] == {"hbdesk_sim": sim}


async def test_an_exchange_joins_the_pool_and_its_tickers_are_kept(
    api: Any, desk: Any, binance: type[ScriptedSource]
) -> None:
    binance.answer = {"BTC-USDT": Decimal("100000"), "ETH-BTC": Decimal("0.04")}
    status, answer = await tickers(api, connectors="hbdesk_sim,binance")
    assert status == 200
    assert answer["counts"] == {"hbdesk_sim": 3, "binance": 2}
    assert answer["tickers"]["binance"]["ETH-BTC"] == {
        "price": 0.04,
        "base_volume": None,
        "quote_volume": None,
        "volume": None,
        "timestamp": FROZEN,
    }
    assert binance.asked == [None]  # every pair, whatever its quote
    _s, pool = await tickers(api)  # a plain read asks nobody
    assert pool["counts"] == {"hbdesk_sim": 3, "hbdesk_sim_perpetual": 3, "binance": 2}
    _s, again = await tickers(api, connectors=["binance", "binance"])  # repeated, and duplicated
    assert again["counts"] == {"binance": 2}
    assert len(binance.asked) == 1  # still young: answered from the pool
    await tickers(api, connectors="binance", refresh="true")
    await tickers(api, connectors="binance", max_age=0)
    assert len(binance.asked) == 3
    await tickers(api, refresh="true")  # refreshing the whole pool asks every exchange in it
    assert len(binance.asked) == 4


async def test_one_exchange_down_is_an_error_beside_the_others(
    api: Any, desk: Any, binance: type[ScriptedSource]
) -> None:
    binance.answer = "hang"
    desk.kernel.service("connector_manager").timeout = 0.3
    status, answer = await tickers(api, connectors="binance,hbdesk_sim")
    assert status == 200
    assert answer["counts"] == {"hbdesk_sim": 3}
    assert answer["errors"] == {"binance": "rate source binance did not answer within 0.3 s"}
    status, alone = await tickers(api, connectors="binance")
    assert status == 503
    assert (
        alone["detail"]
        == "No tickers could be fetched. binance: rate source binance did not answer within 0.3 s"
    )
    status, rates = await send(
        api, "POST", "/market-data/rates", {"trading_pairs": ["BTC-USDT"], "connector": "binance"}
    )
    assert status == 503 and "binance" in rates["detail"]


async def test_a_connector_without_tickers_or_unknown_is_a_400(api: Any, desk: Any) -> None:
    from hbdesk_plugins.connectors.public import ConnectorProvider, ConnectorSpec

    def build(*_args: Any) -> Any:
        raise AssertionError("tickers need no connector")

    desk.kernel.service("connectors").add(ConnectorProvider(ConnectorSpec("quiet_exchange", "spot"), build))
    status, answer = await tickers(api, connectors="quiet_exchange")
    assert status == 400
    assert answer["detail"] == (
        "quiet_exchange: quiet_exchange has no public ticker source. "
        "Connectors with tickers: hbdesk_sim, hbdesk_sim_perpetual, binance, hyperliquid, kucoin."
    )
    status, unknown = await tickers(api, connectors="hbdesk_sim,nowhere")
    assert status == 400 and "Unknown connector 'nowhere'" in unknown["detail"]
    assert "hbdesk_sim" in unknown["detail"]
    status, negative = await tickers(api, max_age=-1)
    assert status == 422 and negative["detail"][0]["loc"] == ["query", "max_age"]


async def test_rates_resolve_direct_inverse_and_bridged_pairs(api: Any, desk: Any) -> None:
    btc, eth, sol = mid(desk, "BTC-USDT"), mid(desk, "ETH-USDT"), mid(desk, "SOL-USDT")
    pairs = ["BTC-USDT", "ETH-BTC", "USDT-SOL", "DOGE-USDT"]
    status, answer = await send(api, "POST", "/market-data/rates", {"trading_pairs": pairs})
    assert status == 200
    assert answer["quote_token"] == "USDT" and answer["connector"] is None
    assert answer["rates"]["BTC-USDT"] == btc
    assert answer["rates"]["ETH-BTC"] == pytest.approx(eth / btc, rel=1e-12)
    assert answer["rates"]["USDT-SOL"] == pytest.approx(1 / sol, rel=1e-12)
    assert answer["rates"]["DOGE-USDT"] is None
    _s, scoped = await send(
        api, "POST", "/market-data/rates", {"trading_pairs": ["SOL-ETH"], "connector": "hbdesk_sim"}
    )
    assert scoped["connector"] == "hbdesk_sim"
    assert scoped["rates"]["SOL-ETH"] == pytest.approx(sol / eth, rel=1e-12)


async def test_rates_speak_the_rate_oracles_global_token(api: Any) -> None:
    status, _ = await send(api, "PUT", "/rate-oracle/config", {"global_token": {"global_token_name": "ETH"}})
    assert status == 200
    _s, answer = await send(api, "POST", "/market-data/rates", {"trading_pairs": ["BTC-USDT"]})
    assert answer["quote_token"] == "ETH"


async def test_rates_of_a_scoped_exchange_use_only_its_tickers(
    api: Any, desk: Any, binance: type[ScriptedSource]
) -> None:
    binance.answer = {"BTC-USDT": Decimal("100000"), "ETH-BTC": Decimal("0.04")}
    _s, answer = await send(
        api, "POST", "/market-data/rates", {"trading_pairs": ["ETH-USDT", "SOL-USDT"], "connector": "binance"}
    )
    assert answer["rates"] == {"ETH-USDT": pytest.approx(4000.0), "SOL-USDT": None}
    _s, pooled = await send(api, "POST", "/market-data/rates", {"trading_pairs": ["SOL-USDT"]})
    assert pooled["rates"]["SOL-USDT"] == mid(desk, "SOL-USDT")  # the merged pool has the sim too


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"trading_pairs": ["BTCUSDT"]}, 400, "'BTCUSDT' is not a trading pair"),
        ({"trading_pairs": ["BTC-USDT"], "connector": "nowhere"}, 400, "Unknown connector 'nowhere'"),
        ({"trading_pairs": []}, 422, "at least 1"),
        ({"connector": "hbdesk_sim"}, 422, "Field required"),
    ],
)
async def test_bad_rate_requests(api: Any, body: dict[str, Any], status: int, needle: str) -> None:
    got, answer = await send(api, "POST", "/market-data/rates", body)
    assert got == status
    assert needle in str(answer["detail"])


async def test_both_routes_are_documented(api: Any) -> None:
    document = await (await api.get("/openapi.json")).json()
    tickers_op = document["paths"]["/market-data/tickers"]["get"]
    assert {p["name"] for p in tickers_op["parameters"]} == {"connectors", "refresh", "max_age"}
    assert tickers_op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TickersResponse"
    }
    rates = document["paths"]["/market-data/rates"]["post"]
    assert rates["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TickerRatesRequest"
    }
