"""The connectors router over the simulated exchange, and its bounded 503 for an exchange that hangs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hbdesk.kernel.errors import Unavailable
from tests.helpers import AUTH

pytestmark = pytest.mark.hummingbot_catalog  # the sim connector is a hummingbot connector


async def test_the_simulated_exchange_is_listed_with_hummingbots(api: Any) -> None:
    names = await (await api.get("/connectors/", headers=AUTH)).json()
    assert "hbdesk_sim" in names and "binance" in names and "kucoin" in names
    assert names == sorted(names)


async def test_config_maps_describe_the_credential_fields(api: Any) -> None:
    binance = await (await api.get("/connectors/binance/config-map", headers=AUTH)).json()
    assert binance == {
        "binance_api_key": {"type": "SecretStr", "required": True},
        "binance_api_secret": {"type": "SecretStr", "required": True},
    }
    hyperliquid = await (await api.get("/connectors/hyperliquid/config-map", headers=AUTH)).json()
    assert hyperliquid["hyperliquid_mode"] == {
        "type": "str", "required": False, "allowed_values": ["arb_wallet", "api_wallet"],
    }  # fmt: skip
    assert await (await api.get("/connectors/hbdesk_sim/config-map", headers=AUTH)).json() == {}


async def test_trading_rules_of_the_simulated_exchange(api: Any) -> None:
    response = await api.get(
        "/connectors/hbdesk_sim/trading-rules",
        params=[("trading_pairs", "BTC-USDT"), ("trading_pairs", "SOL-USDT")],
        headers=AUTH,
    )
    rules = await response.json()
    assert set(rules) == {"BTC-USDT", "SOL-USDT"}
    assert rules["BTC-USDT"]["min_price_increment"] == 0.01
    assert rules["BTC-USDT"]["min_notional_size"] == 5.0
    assert rules["SOL-USDT"]["min_order_size"] == 0.01
    every = await (await api.get("/connectors/hbdesk_sim/trading-rules", headers=AUTH)).json()
    assert set(every) == {"BTC-USDT", "ETH-USDT", "SOL-USDT"}


async def test_order_types(api: Any) -> None:
    body = await (await api.get("/connectors/hbdesk_sim/order-types", headers=AUTH)).json()
    assert body == {"connector": "hbdesk_sim", "supported_order_types": ["LIMIT", "LIMIT_MAKER", "MARKET"]}


async def test_unknown_connectors_and_pairs_are_400_naming_what_exists(api: Any) -> None:
    for path in (
        "/connectors/binanse/config-map",
        "/connectors/binanse/trading-rules",
        "/connectors/binanse/order-types",
    ):
        response = await api.get(path, headers=AUTH)
        assert response.status == 400
        assert "hbdesk_sim" in (await response.json())["detail"]
    pair = await api.get(
        "/connectors/hbdesk_sim/trading-rules", params={"trading_pairs": "DOGE-USDT"}, headers=AUTH
    )
    assert pair.status == 400
    assert (await pair.json())[
        "detail"
    ] == "Unknown trading pair DOGE-USDT on hbdesk_sim. Pairs: BTC-USDT, ETH-USDT, SOL-USDT."


async def test_an_exchange_that_does_not_answer_is_a_503_in_bounded_time(api: Any, desk: Any) -> None:
    from hbdesk_plugins.connectors.public import ConnectorProvider, ConnectorSpec

    kernel = desk.kernel
    manager = kernel.service("connector_manager")
    manager.timeout = 0.3

    def build(*_args: Any) -> Any:
        raise Unavailable("hanging_exchange cannot be reached: connection refused")

    kernel.service("connectors").add(ConnectorProvider(ConnectorSpec("hanging_exchange", "spot"), build))
    refused = await api.get("/connectors/hanging_exchange/order-types", headers=AUTH)
    assert refused.status == 503
    assert "hanging_exchange cannot be reached" in (await refused.json())["detail"]

    never = asyncio.sleep(3600)  # an exchange request that never gets an answer
    with pytest.raises(Unavailable, match=r"hanging_exchange did not answer within 0\.3 s"):
        await manager.ask("hanging_exchange", never)
