"""The portfolio routes on a frozen market: balances, their value, distributions, bad input."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers import AUTH, FROZEN, wait_for
from tests.plugins.portfolio.support import (
    PERPETUAL,
    PERPETUAL_FUNDS,
    SPOT,
    SPOT_FUNDS,
    get,
    post,
    units,
    unreachable_exchange,
)

pytestmark = pytest.mark.frozen_clock


async def test_the_state_is_every_connector_an_account_can_reach_valued_by_the_rate_oracle(
    api: Any,
) -> None:
    status, state = await post(api, "/portfolio/state", {})
    assert status == 200
    assert list(state) == ["master_account"]
    assert list(state["master_account"]) == [SPOT, PERPETUAL]  # the sim needs no keys
    assert units(state, "master_account", SPOT) == SPOT_FUNDS
    assert units(state, "master_account", PERPETUAL) == PERPETUAL_FUNDS
    _s, oracle = await get(api, "/rate-oracle/prices")
    assert oracle["quote_token"] == "USDT"
    for entry in state["master_account"][SPOT]:
        assert set(entry) == {"token", "units", "price", "value", "available_units"}
        expected = 1.0 if entry["token"] == "USDT" else oracle["prices"][f"{entry['token']}-USDT"]
        assert entry["price"] == expected
        assert entry["value"] == entry["units"] * expected
        assert entry["available_units"] == entry["units"]
    [collateral] = state["master_account"][PERPETUAL]
    assert collateral == {
        "token": "USDT",
        "units": 100_000.0,
        "price": 1.0,
        "value": 100_000.0,
        "available_units": 100_000.0,
        "unrealized_pnl": 0.0,  # no position open
        "position_margin": 0.0,
    }


async def test_an_account_holding_nothing_is_listed_and_filters_choose(api: Any, desk: Any) -> None:
    await post(api, "/portfolio/state", {})  # master_account's connectors run
    # The sim's connector of an account it never funded does not become ready (hummingbot waits
    # for a balance): a short timeout keeps this test quick whichever way the sim answers.
    desk.kernel.service("connector_manager").timeout = 0.5
    assert (
        await api.post("/accounts/add-account", params={"account_name": "bob"}, headers=AUTH)
    ).status == 201
    _s, state = await post(api, "/portfolio/state", {})
    assert list(state) == ["master_account", "bob"]
    assert all(balances == [] for balances in state["bob"].values())  # nothing held, or not read
    _s, only = await post(api, "/portfolio/state", {"account_names": ["bob", "master_account"]})
    assert list(only) == ["bob", "master_account"]  # in the order asked
    _s, spot = await post(api, "/portfolio/state", {"connector_names": [SPOT]})
    assert spot["master_account"] == {SPOT: state["master_account"][SPOT]}
    assert set(spot["bob"]) <= {SPOT}
    _s, everything = await post(api, "/portfolio/state", {"account_names": [], "connector_names": []})
    assert everything == state  # an empty filter is no filter, as the reference reads it


async def test_cached_balances_until_a_refresh_reads_the_exchange_again(api: Any, desk: Any) -> None:
    _s, before = await post(api, "/portfolio/state", {})
    desk.kernel.service("sim").venue.fund("master_account", "DOGE", Decimal("1000"))
    _s, kept = await post(api, "/portfolio/state", {})
    assert kept == before
    status, fresh = await post(api, "/portfolio/state", {"refresh": True, "skip_gateway": True})
    assert status == 200
    doge = next(entry for entry in fresh["master_account"][SPOT] if entry["token"] == "DOGE")
    # The rate oracle prices no DOGE: worth 0, still listed.
    assert doge == {"token": "DOGE", "units": 1000.0, "price": 0.0, "value": 0.0, "available_units": 1000.0}


async def test_an_open_perpetual_position_shows_its_unrealised_pnl_and_margin(api: Any, desk: Any) -> None:
    await post(api, "/portfolio/state", {})  # the perpetual connector runs
    perpetual = desk.kernel.service("sim").perpetual
    perpetual.place(
        "master_account", "p-1", "BTC-USDT", "BUY", "MARKET", Decimal("0.5"), None, FROZEN, "OPEN"
    )
    [position] = perpetual.positions("master_account")
    mark = perpetual.mark_price("BTC-USDT", FROZEN)
    _s, state = await post(api, "/portfolio/state", {"refresh": True, "connector_names": [PERPETUAL]})
    [collateral] = state["master_account"][PERPETUAL]
    assert collateral["token"] == "USDT"
    assert collateral["unrealized_pnl"] == pytest.approx(
        float((mark - position.entry_price) * Decimal("0.5"))
    )
    assert collateral["unrealized_pnl"] < 0  # bought at the ask, marked at the mid
    assert collateral["position_margin"] == pytest.approx(float(position.entry_price) * 0.5)  # 1x
    assert collateral["available_units"] < collateral["units"]  # the margin is held


async def test_a_connector_that_cannot_be_reached_is_an_empty_list_beside_the_others(
    api: Any, desk: Any
) -> None:
    unreachable_exchange(desk.kernel)
    accounts = desk.kernel.service("accounts")
    await accounts.add_credential("master_account", "down_exchange", {"down_exchange_api_key": "k"})
    await wait_for(lambda: _verified(accounts))  # no check to wait for: its keys are taken as they are
    status, state = await post(api, "/portfolio/state", {"refresh": True})
    assert status == 200
    assert state["master_account"]["down_exchange"] == []
    assert units(state, "master_account", SPOT) == SPOT_FUNDS
    errors = desk.kernel.service("portfolio").errors()
    assert "connection refused" in errors[("master_account", "down_exchange")]
    _s, distribution = await post(api, "/portfolio/distribution", {})
    assert distribution["token_count"] == 4


async def test_a_connector_that_never_answers_is_given_up_after_the_connectors_timeout(
    api: Any, desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post(api, "/portfolio/state", {"connector_names": [SPOT]})  # the spot connector runs
    manager = desk.kernel.service("connector_manager")
    manager.timeout = 0.3
    started = manager.trading

    async def hanging(account: str, name: str, *args: Any) -> Any:
        if name == PERPETUAL:
            await asyncio.sleep(3600)  # an exchange that never answers
        return await started(account, name, *args)

    monkeypatch.setattr(manager, "trading", hanging)
    loop = asyncio.get_running_loop()
    began = loop.time()
    status, state = await post(api, "/portfolio/state", {})
    assert status == 200 and loop.time() - began < 5
    assert state["master_account"][PERPETUAL] == []
    assert units(state, "master_account", SPOT) == SPOT_FUNDS
    assert (
        "did not answer within 0.3 s"
        in desk.kernel.service("portfolio").errors()[("master_account", PERPETUAL)]
    )


async def test_a_rate_oracle_that_cannot_answer_values_at_its_last_prices(
    api: Any, desk: Any, binance: Any
) -> None:
    _s, before = await post(api, "/portfolio/state", {})
    desk.kernel.service("connector_manager").timeout = 0.3
    binance.answer = ConnectionError("Cannot connect to host api.binance.com")
    response = await api.put(
        "/rate-oracle/config", json={"rate_oracle_source": {"name": "binance"}}, headers=AUTH
    )
    assert response.status == 200
    status, state = await post(api, "/portfolio/state", {})
    assert status == 200 and state == before
    asked = len(binance.asked)
    assert (await post(api, "/portfolio/state", {}))[0] == 200
    assert len(binance.asked) == asked  # a source that just failed is not asked again at once


async def test_the_distribution_by_token_sums_to_the_state(api: Any) -> None:
    _s, state = await post(api, "/portfolio/state", {})
    status, distribution = await post(api, "/portfolio/distribution", {})
    assert status == 200
    assert distribution["account_filter"] == "all_accounts"
    total = sum(e["value"] for connectors in state.values() for c in connectors.values() for e in c)
    assert distribution["total_portfolio_value"] == pytest.approx(total)
    assert distribution["token_count"] == 4
    assert [share["token"] for share in distribution["distribution"]] == ["USDT", "BTC", "ETH", "SOL"]
    assert sum(share["percentage"] for share in distribution["distribution"]) == pytest.approx(100, abs=1e-3)
    usdt = distribution["distribution"][0]
    assert usdt["total_units"] == 200_000.0 and usdt["total_value"] == 200_000.0
    assert usdt["accounts"]["master_account"]["connectors"] == {
        SPOT: {"value": 100_000.0, "units": 100_000.0},
        PERPETUAL: {"value": 100_000.0, "units": 100_000.0},
    }
    assert usdt["percentage"] == pytest.approx(200_000 / total * 100, abs=1e-4)
    _s, spot = await post(
        api, "/portfolio/distribution", {"connector_names": [SPOT], "account_names": ["master_account"]}
    )
    assert spot["account_filter"] == "master_account"
    assert next(s for s in spot["distribution"] if s["token"] == "USDT")["total_units"] == 100_000.0
    assert sum(share["percentage"] for share in spot["distribution"]) == pytest.approx(100, abs=1e-3)


async def test_the_distribution_by_account(api: Any, desk: Any) -> None:
    await post(api, "/portfolio/state", {})  # master_account's connectors run
    desk.kernel.service("connector_manager").timeout = 0.5  # bob's sim connector: see above
    await api.post("/accounts/add-account", params={"account_name": "bob"}, headers=AUTH)
    status, accounts = await get(api, "/portfolio/accounts-distribution")
    assert status == 200
    assert accounts["account_count"] == 2
    master, bob = accounts["distribution"]
    assert (master["account"], master["percentage"]) == ("master_account", 100.0)
    assert (bob["account"], bob["total_value"], bob["percentage"]) == ("bob", 0.0, 0.0)
    assert master["connectors"][PERPETUAL]["value"] == 100_000.0
    assert sum(c["percentage"] for c in master["connectors"].values()) == pytest.approx(100, abs=1e-3)
    assert accounts["total_portfolio_value"] == master["total_value"]


@pytest.mark.parametrize(
    ("path", "body", "status", "needles"),
    [
        ("/portfolio/state", {"account_names": ["nobody"]}, 404, ["Account 'nobody' not found."]),
        ("/portfolio/state", {"account_names": ["master_account", "x", "y"]}, 404, ["not found: x, y"]),
        ("/portfolio/state", {"connector_names": ["nowhere"]}, 400, ["Unknown connector 'nowhere'"]),
        ("/portfolio/distribution", {"account_names": ["nobody"]}, 404, ["'nobody' not found"]),
        ("/portfolio/distribution", {"connector_names": ["nowhere"]}, 400, ["Unknown connector"]),
        ("/portfolio/history", {"account_names": ["nobody"]}, 404, ["'nobody' not found"]),
        ("/portfolio/history", {"connector_names": ["nowhere"]}, 400, ["Unknown connector"]),
        ("/portfolio/history", {"interval": "2m"}, 400,
         ["Unknown interval '2m'", "5m, 15m, 30m, 1h, 4h, 12h, 1d"]),
        ("/portfolio/history", {"cursor": "yesterday"}, 400, ["Invalid cursor 'yesterday'"]),
        ("/portfolio/history", {"limit": 0}, 422, ["greater than or equal to 1"]),
        ("/portfolio/history", {"limit": 1001}, 422, ["less than or equal to 1000"]),
        ("/portfolio/history", {"start_time": "1700000000"}, 422, ["valid integer"]),
        ("/portfolio/history", {"start_time": -1}, 422, ["greater than or equal to 0"]),
        ("/portfolio/history", {"end_time": 10**400}, 422, ["less than or equal to"]),
        ("/portfolio/history", {"cursor": "0001-01-01T00:00:00-14:00"}, 200, []),
        ("/portfolio/state", {"refresh": "yes"}, 422, ["valid boolean"]),
        ("/portfolio/state", {"account_names": "master_account"}, 422, ["should be a valid array"]),
        ("/portfolio/state", {"connector_names": ["with space"]}, 422, ["should match pattern"]),
        ("/portfolio/state", [], 422, ["should be an object"]),
    ],
)  # fmt: skip
async def test_bad_input_is_told_never_a_500(
    api: Any, path: str, body: Any, status: int, needles: list[str]
) -> None:
    got, answer = await post(api, path, body)
    assert got == status, answer
    for needle in needles:
        assert needle in str(answer["detail"])


async def test_every_route_is_in_the_openapi_document(api: Any) -> None:
    document = await (await api.get("/openapi.json")).json()
    paths = document["paths"]
    for path in ("/portfolio/state", "/portfolio/history", "/portfolio/distribution"):
        assert paths[path]["post"]["tags"] == ["Portfolio"]
    assert paths["/portfolio/accounts-distribution"]["get"]["operationId"] == (
        "get_accounts_distribution_portfolio_accounts_distribution_get"
    )
    assert paths["/portfolio/state"]["post"]["operationId"] == "get_portfolio_state_portfolio_state_post"
    request = document["components"]["schemas"]["PortfolioHistoryFilterRequest"]
    assert request["properties"]["limit"]["maximum"] == 1000
    assert request["properties"]["interval"]["default"] == "5m"


async def _verified(accounts: Any) -> bool:
    return all(
        str(state.status) == "verified" for state in await accounts.credential_states("master_account")
    )
