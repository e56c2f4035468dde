"""hbdesk_sim_perpetual through the REST routes: listed, described, and its funding answered."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import AUTH, FROZEN

pytestmark = [pytest.mark.hummingbot_catalog, pytest.mark.frozen_clock]
PERP = "hbdesk_sim_perpetual"


async def test_the_perpetual_is_listed_with_rules_and_order_types(api: Any) -> None:
    names = await (await api.get("/connectors/", headers=AUTH)).json()
    assert {"hbdesk_sim", PERP} <= set(names)
    rules = await (await api.get(f"/connectors/{PERP}/trading-rules", headers=AUTH)).json()
    assert set(rules) == {"BTC-USDT", "ETH-USDT", "SOL-USDT"}
    assert rules["BTC-USDT"]["min_price_increment"] == 0.01
    types = await (await api.get(f"/connectors/{PERP}/order-types", headers=AUTH)).json()
    assert types["supported_order_types"] == ["LIMIT", "LIMIT_MAKER", "MARKET"]


async def test_funding_info_is_the_venues(api: Any, desk: Any) -> None:
    response = await api.post(
        "/market-data/funding-info",
        json={"connector_name": PERP, "trading_pair": "ETH-USDT"},
        headers=AUTH,
    )
    assert response.status == 200
    info = await response.json()
    funding = desk.kernel.service("sim").perpetual.funding("ETH-USDT", FROZEN)
    assert info == {
        "trading_pair": "ETH-USDT",
        "funding_rate": float(funding.rate),
        "next_funding_time": funding.next_funding_time,
        "mark_price": float(funding.mark_price),
        "index_price": float(funding.index_price),
    }
    assert info["next_funding_time"] > FROZEN


async def test_funding_info_for_an_unknown_pair_names_the_pairs(api: Any) -> None:
    response = await api.post(
        "/market-data/funding-info", json={"connector_name": PERP, "trading_pair": "DOGE-USDT"}, headers=AUTH
    )
    assert response.status == 400
    assert "BTC-USDT, ETH-USDT, SOL-USDT" in (await response.json())["detail"]


async def test_the_perpetual_book_and_candles_are_the_simulated_market(api: Any) -> None:
    body = {"connector_name": PERP, "trading_pair": "BTC-USDT", "interval": "1h", "max_records": 5}
    perp = await (await api.post("/market-data/candles", json=body, headers=AUTH)).json()
    spot = await (
        await api.post("/market-data/candles", json={**body, "connector_name": "hbdesk_sim"}, headers=AUTH)
    ).json()
    assert len(perp) == 5 and perp == spot
