"""hummingbot's global RateOracle follows the desk's rate oracle: same source, token and prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.helpers import wait_for
from tests.rates_support import ScriptedSource, get, send

pytestmark = pytest.mark.frozen_clock


def global_oracle() -> Any:
    from hummingbot.core.rate_oracle.rate_oracle import RateOracle

    return RateOracle.get_instance()


async def test_after_start_hummingbots_oracle_prices_as_the_api(api: Any, desk: Any) -> None:
    oracle = await desk.kernel.service("rate_oracle").hummingbot_oracle()
    assert oracle is global_oracle()
    assert (oracle.source.name, oracle.quote_token) == ("hbdesk_sim", "USDT")
    for pair in ("BTC-USDT", "ETH-USDT", "SOL-USDT"):
        status, answer = await get(api, f"/rate-oracle/rate/{pair}")
        assert status == 200
        assert float(oracle.get_pair_rate(pair)) == answer["rate"]  # what executors read
        assert float(await oracle.rate_async(pair)) == answer["rate"]  # asked of the source itself
    _s, cross = await get(api, "/rate-oracle/rate/ETH-BTC")
    assert float(oracle.get_pair_rate("ETH-BTC")) == pytest.approx(cross["rate"], rel=1e-12)


async def test_a_new_global_token_is_followed_at_once(api: Any, desk: Any) -> None:
    oracle = await desk.kernel.service("rate_oracle").hummingbot_oracle()
    status, _answer = await send(
        api, "PUT", "/rate-oracle/config", {"global_token": {"global_token_name": "BTC"}}
    )
    assert status == 200
    assert oracle.quote_token == "BTC"  # before the response was sent
    await wait_for(lambda: oracle.get_pair_rate("ETH-BTC") is not None)
    assert set(oracle.prices) == {"ETH-BTC", "SOL-BTC", "USDT-BTC"}  # nothing left in USDT
    _s, answer = await get(api, "/rate-oracle/rate/ETH-BTC")
    assert float(oracle.get_pair_rate("ETH-BTC")) == answer["rate"]
    assert float(await oracle.get_rate("SOL")) == (await get(api, "/rate-oracle/rate/SOL-BTC"))[1]["rate"]


async def test_a_new_source_is_followed_and_the_old_ones_prices_forgotten(
    api: Any, desk: Any, binance: type[ScriptedSource]
) -> None:
    oracle = await desk.kernel.service("rate_oracle").hummingbot_oracle()
    assert "SOL-USDT" in oracle.prices
    binance.answer = {"BTC-USDT": Decimal("100000"), "ETH-USDT": Decimal("4000")}
    status, _answer = await send(
        api, "PUT", "/rate-oracle/config", {"rate_oracle_source": {"name": "binance"}}
    )
    assert status == 200
    assert oracle.source.name == "binance"
    await wait_for(lambda: oracle.get_pair_rate("ETH-USDT") == Decimal("4000"))
    assert set(oracle.prices) == {"BTC-USDT", "ETH-USDT"}  # the sim's SOL is not binance's
    assert oracle.get_pair_rate("SOL-USDT") is None


async def test_a_source_that_is_down_answers_hummingbot_no_prices_and_no_error(
    api: Any, desk: Any, binance: type[ScriptedSource]
) -> None:
    oracle = await desk.kernel.service("rate_oracle").hummingbot_oracle()
    desk.kernel.service("connector_manager").timeout = 0.3
    binance.answer = ConnectionError("Cannot connect to host api.binance.com")
    status, _answer = await send(
        api, "PUT", "/rate-oracle/config", {"rate_oracle_source": {"name": "binance"}}
    )
    assert status == 200
    assert await oracle.source.get_prices("USDT") == {}
    assert await oracle.rate_async("BTC-USDT") is None
