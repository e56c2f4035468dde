"""The rate-oracle router: the simulated exchange by default, hummingbot's sources by choice."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from hbdesk.runtime import create_desk
from hbdesk_plugins.rest_api.app import create_app
from tests.helpers import FROZEN
from tests.rates_support import SIM_PAIRS, ScriptedSource, get, mid, send

pytestmark = pytest.mark.frozen_clock


async def use(api: Any, desk: Any, source: str) -> None:
    desk.kernel.service("connector_manager").timeout = 0.3
    status, answer = await send(api, "PUT", "/rate-oracle/config", {"rate_oracle_source": {"name": source}})
    assert status == 200, answer


async def test_sources_are_the_sim_first_then_hummingbots(api: Any) -> None:
    from hummingbot.core.rate_oracle.rate_oracle import RATE_ORACLE_SOURCES

    status, sources = await get(api, "/rate-oracle/sources")
    assert status == 200
    assert sources == ["hbdesk_sim", *RATE_ORACLE_SOURCES]
    assert "binance" in sources and "coin_gecko" in sources


async def test_the_default_config_is_the_sim_in_usdt(api: Any) -> None:
    status, config = await get(api, "/rate-oracle/config")
    assert status == 200
    assert config["rate_oracle_source"] == {"name": "hbdesk_sim"}
    assert config["global_token"] == {"global_token_name": "USDT", "global_token_symbol": "$"}
    assert config["available_sources"][0] == "hbdesk_sim" and "kucoin" in config["available_sources"]


async def test_a_listed_pair_is_the_sim_mid_and_others_go_through_a_common_token(api: Any, desk: Any) -> None:
    btc, eth, sol = mid(desk, "BTC-USDT"), mid(desk, "ETH-USDT"), mid(desk, "SOL-USDT")
    status, rate = await get(api, "/rate-oracle/rate/BTC-USDT")
    assert status == 200
    assert rate == {"trading_pair": "BTC-USDT", "rate": btc, "source": "hbdesk_sim", "quote_token": "USDT"}
    assert (await get(api, "/rate-oracle/rate/ETH-BTC"))[1]["rate"] == pytest.approx(eth / btc, rel=1e-12)
    assert (await get(api, "/rate-oracle/rate/BTC-ETH"))[1]["rate"] == pytest.approx(btc / eth, rel=1e-12)
    assert (await get(api, "/rate-oracle/rate/USDT-SOL"))[1]["rate"] == pytest.approx(1 / sol, rel=1e-12)
    assert (await get(api, "/rate-oracle/rate/SOL-SOL"))[1]["rate"] == 1.0
    status, fresh = await get(api, "/rate-oracle/rate-async/SOL-ETH")
    assert status == 200 and fresh["rate"] == pytest.approx(sol / eth, rel=1e-12)
    assert fresh["trading_pair"] == "SOL-ETH" and fresh["source"] == "hbdesk_sim"


async def test_rates_of_many_pairs_leave_unknown_ones_null(api: Any, desk: Any) -> None:
    pairs = ["BTC-USDT", "ETH-BTC", "DOGE-USDT"]
    status, answer = await send(api, "POST", "/rate-oracle/rates", {"trading_pairs": pairs})
    assert status == 200
    assert answer["source"] == "hbdesk_sim" and answer["quote_token"] == "USDT"
    assert answer["rates"]["BTC-USDT"] == mid(desk, "BTC-USDT")
    assert answer["rates"]["ETH-BTC"] == pytest.approx(mid(desk, "ETH-USDT") / mid(desk, "BTC-USDT"))
    assert answer["rates"]["DOGE-USDT"] is None


async def test_prices_are_every_sim_token_in_the_global_token(api: Any, desk: Any) -> None:
    status, prices = await get(api, "/rate-oracle/prices")
    assert status == 200
    assert prices["source"] == "hbdesk_sim" and prices["quote_token"] == "USDT"
    assert prices["prices_count"] == 3 and set(prices["prices"]) == SIM_PAIRS
    assert prices["prices"]["SOL-USDT"] == mid(desk, "SOL-USDT")
    assert prices["updated_at"] == FROZEN


async def test_the_global_token_changes_the_quote_and_is_kept(
    api: Any, desk: Any, core: Any, aiohttp_client
) -> None:
    status, answer = await send(
        api,
        "PUT",
        "/rate-oracle/config",
        {"global_token": {"global_token_name": "btc", "global_token_symbol": "₿"}},
    )
    assert status == 200
    assert answer == {
        "success": True,
        "message": "global_token_name updated to BTC; global_token_symbol updated to ₿",
        "config": {
            "rate_oracle_source": {"name": "hbdesk_sim"},
            "global_token": {"global_token_name": "BTC", "global_token_symbol": "₿"},
        },
    }
    _s, prices = await get(api, "/rate-oracle/prices")
    assert prices["quote_token"] == "BTC"
    assert set(prices["prices"]) == {"ETH-BTC", "SOL-BTC", "USDT-BTC"}
    assert prices["prices"]["USDT-BTC"] == pytest.approx(1 / mid(desk, "BTC-USDT"), rel=1e-12)
    _s, rate = await get(api, "/rate-oracle/rate/BTC-USDT")
    assert rate["quote_token"] == "BTC" and rate["rate"] == pytest.approx(mid(desk, "BTC-USDT"), rel=1e-12)

    # Only what is given changes: the symbol alone keeps the name.
    _s, symbol = await send(api, "PUT", "/rate-oracle/config", {"global_token": {"global_token_symbol": "B"}})
    assert symbol["config"]["global_token"] == {"global_token_name": "BTC", "global_token_symbol": "B"}
    _s, same = await send(api, "PUT", "/rate-oracle/config", {"rate_oracle_source": {"name": "hbdesk_sim"}})
    assert same["message"] == "No changes made"

    stored = json.loads((core.data_dir / "preferences.json").read_text())["rate_oracle"]
    assert stored["global_token"]["global_token_name"] == "BTC"
    # A desk started again on the same data dir has the same config.
    again = await aiohttp_client(create_app(create_desk(core, clock=lambda: FROZEN)))
    _s, config = await get(again, "/rate-oracle/config")
    assert config["global_token"] == {"global_token_name": "BTC", "global_token_symbol": "B"}


async def test_an_unreadable_stored_config_falls_back_to_the_defaults(core: Any, aiohttp_client) -> None:
    core.data_dir.mkdir(parents=True, exist_ok=True)
    (core.data_dir / "preferences.json").write_text(json.dumps({"rate_oracle": {"global_token": 7}}))
    api = await aiohttp_client(create_app(create_desk(core, clock=lambda: FROZEN)))
    status, config = await get(api, "/rate-oracle/config")
    assert status == 200 and config["rate_oracle_source"]["name"] == "hbdesk_sim"
    assert config["global_token"]["global_token_name"] == "USDT"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "needles"),
    [
        ("PUT", "/rate-oracle/config", {"rate_oracle_source": {"name": "nowhere"}}, 400,
         ["Unknown rate oracle source 'nowhere'", "hbdesk_sim", "binance", "coin_gecko"]),
        ("PUT", "/rate-oracle/config", {"global_token": {"global_token_name": "EUR"}}, 400,
         ["hbdesk_sim prices no EUR", "BTC, ETH, SOL, USDT"]),
        ("PUT", "/rate-oracle/config", {"global_token": {"global_token_name": "US-D"}}, 422,
         ["should match pattern"]),
        ("PUT", "/rate-oracle/config", {"global_token": {"global_token_name": ""}}, 422, ["at least 1"]),
        ("PUT", "/rate-oracle/config", ["binance"], 422, ["should be an object"]),
        ("POST", "/rate-oracle/rates", {"trading_pairs": []}, 422, ["at least 1"]),
        ("POST", "/rate-oracle/rates", {"pairs": ["BTC-USDT"]}, 422, ["Field required"]),
        ("POST", "/rate-oracle/rates", {"trading_pairs": ["BTC-USDT", "BTCUSDT"]}, 400,
         ["'BTCUSDT' is not a trading pair", "BASE-QUOTE"]),
        ("GET", "/rate-oracle/rate/BTCUSDT", None, 400, ["BASE-QUOTE"]),
        ("GET", "/rate-oracle/rate/BTC-USDT-X", None, 400, ["BASE-QUOTE"]),
        ("GET", "/rate-oracle/rate/DOGE-USDT", None, 404,
         ["No rate for DOGE-USDT: hbdesk_sim prices no DOGE", "BTC, ETH, SOL, USDT"]),
        ("GET", "/rate-oracle/rate-async/DOGE-PEPE", None, 404, ["prices no DOGE or PEPE"]),
    ],
)  # fmt: skip
async def test_bad_input_is_told_never_a_500(
    api: Any, method: str, path: str, body: Any, status: int, needles: list[str]
) -> None:
    got, answer = await send(api, method, path, body) if body is not None else await get(api, path)
    assert got == status, answer
    for needle in needles:
        assert needle in str(answer["detail"])


async def test_a_bad_update_changes_nothing(api: Any, core: Any) -> None:
    status, _answer = await send(
        api,
        "PUT",
        "/rate-oracle/config",
        {"global_token": {"global_token_name": "ETH"}, "rate_oracle_source": {"name": "nowhere"}},
    )
    assert status == 400
    _s, config = await get(api, "/rate-oracle/config")
    assert config["rate_oracle_source"]["name"] == "hbdesk_sim"
    assert config["global_token"]["global_token_name"] == "USDT"
    assert not (core.data_dir / "preferences.json").exists()


async def test_a_hummingbot_source_prices_through_common_tokens(
    api: Any, desk: Any, binance: type[ScriptedSource]
) -> None:
    binance.answer = {"BTC-USDT": Decimal("100000"), "ETH-USDT": Decimal("4000"), "BAD-USDT": Decimal("0")}
    await use(api, desk, "binance")
    status, rate = await get(api, "/rate-oracle/rate/ETH-BTC")
    assert status == 200
    assert rate == {"trading_pair": "ETH-BTC", "rate": 0.04, "source": "binance", "quote_token": "USDT"}
    assert binance.asked == ["USDT"]  # the source is asked in the global token
    _s, prices = await get(api, "/rate-oracle/prices")
    assert prices["prices"] == {"BTC-USDT": 100000.0, "ETH-USDT": 4000.0}  # a zero price is no price
    assert len(binance.asked) == 1  # young prices answer again without asking
    _s, fresh = await get(api, "/rate-oracle/rate-async/USDT-ETH")
    assert fresh["rate"] == 1 / 4000
    assert len(binance.asked) == 2  # rate-async always asks the source
    status, missing = await get(api, "/rate-oracle/rate/SOL-USDT")
    assert status == 404 and "binance prices no SOL" in missing["detail"]


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        ("hang", "rate source binance did not answer within 0.3 s"),
        (ConnectionError("Cannot connect to host api.binance.com"), "rate source binance cannot be reached"),
        ({}, "rate source binance answered no prices in USDT"),
    ],
)
async def test_a_source_that_cannot_be_reached_is_a_503_naming_it(
    api: Any, desk: Any, binance: type[ScriptedSource], answer: Any, detail: str
) -> None:
    binance.answer = answer
    await use(api, desk, "binance")
    for method, path, body in [
        ("GET", "/rate-oracle/rate/BTC-USDT", None),
        ("GET", "/rate-oracle/rate-async/BTC-USDT", None),
        ("GET", "/rate-oracle/prices", None),
        ("POST", "/rate-oracle/rates", {"trading_pairs": ["BTC-USDT"]}),
    ]:
        status, answered = await send(api, method, path, body) if body else await get(api, path)
        assert status == 503, (path, answered)
        assert detail in answered["detail"]
    # Back to the simulated exchange, everything prices again.
    await use(api, desk, "hbdesk_sim")
    assert (await get(api, "/rate-oracle/rate/BTC-USDT"))[0] == 200


async def test_every_route_is_in_the_openapi_document(api: Any) -> None:
    document = await (await api.get("/openapi.json")).json()
    paths = document["paths"]
    assert set(paths["/rate-oracle/config"]) == {"get", "put"}
    for path in ("/rate-oracle/sources", "/rate-oracle/prices", "/rate-oracle/rate/{trading_pair}",
                 "/rate-oracle/rate-async/{trading_pair}"):  # fmt: skip
        assert paths[path]["get"]["tags"] == ["Rate Oracle"]
    assert paths["/rate-oracle/rates"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RateRequest"
    }
    single = document["components"]["schemas"]["SingleRateResponse"]
    assert set(single["required"]) == {"trading_pair", "rate", "source", "quote_token"}
