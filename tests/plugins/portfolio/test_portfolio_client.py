"""Every portfolio route through the Hummingbot API client, against a real `hbdesk serve` that
takes a snapshot every second or so."""

from __future__ import annotations

import time
from collections.abc import Iterator

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import wait_for
from tests.plugins.portfolio.support import PERPETUAL, SPOT, SPOT_FUNDS
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """This module's server: a snapshot every 1.2 s, and connectors given 2 s to answer (the
    sim's connector of an account it never funded never becomes ready)."""
    env = {"ACCOUNT_UPDATE_INTERVAL": "0.02", "HBDESK_CONNECTORS__TIMEOUT": "2"}
    running = start_server(tmp_path_factory.mktemp("serve"), env=env)
    yield running
    stop_server(running)


async def test_the_state_and_its_totals(client: HummingbotAPIClient) -> None:
    portfolio = client.portfolio
    state = await portfolio.get_state(refresh=True)
    assert list(state) == ["master_account"]
    assert {SPOT, PERPETUAL} <= set(state["master_account"])
    spot = {entry["token"]: entry for entry in state["master_account"][SPOT]}
    assert {token: entry["units"] for token, entry in spot.items()} == SPOT_FUNDS
    assert all(entry["price"] > 0 and entry["value"] > 0 for entry in spot.values())
    assert spot["USDT"]["price"] == 1.0
    rates = await client.market_data.get_rates(["BTC-USDT"])
    assert spot["BTC"]["price"] == pytest.approx(rates["rates"]["BTC-USDT"], rel=0.05)  # a moving market

    only_spot = await portfolio.get_state(["master_account"], [SPOT], skip_gateway=True)
    assert list(only_spot["master_account"]) == [SPOT]
    total = await portfolio.get_total_value()
    assert total == pytest.approx(
        sum(e["value"] for c in state["master_account"].values() for e in c), rel=0.05
    )
    btc = await portfolio.get_token_holdings("BTC")
    assert btc["total_units"] == 1.0 and [place["connector"] for place in btc["locations"]] == [SPOT]


async def test_distributions(client: HummingbotAPIClient) -> None:
    portfolio = client.portfolio
    by_token = await portfolio.get_distribution()
    assert by_token["account_filter"] == "all_accounts"
    assert {share["token"] for share in by_token["distribution"]} == set(SPOT_FUNDS)
    assert sum(share["percentage"] for share in by_token["distribution"]) == pytest.approx(100, abs=1e-3)
    mine = await portfolio.get_distribution(["master_account"], [SPOT])
    assert mine["account_filter"] == "master_account" and mine["token_count"] == 4
    accounts = await portfolio.get_accounts_distribution()
    assert accounts["account_count"] == 1
    [master] = accounts["distribution"]
    assert master["account"] == "master_account" and master["percentage"] == 100.0
    assert set(master["connectors"]) == {SPOT, PERPETUAL}


async def test_the_history_fills_and_pages(client: HummingbotAPIClient) -> None:
    portfolio = client.portfolio

    async def recorded() -> bool:
        page = await portfolio.get_history(interval="5m")
        return bool(page["data"])

    await wait_for(recorded, timeout=60)
    page = await portfolio.get_history(limit=1)
    [item] = page["data"]
    assert set(item) == {"timestamp", "state"}
    assert SPOT in item["state"]["master_account"]
    assert page["pagination"]["filters"]["interval"] == "5m" and page["pagination"]["limit"] == 1
    week_ago = int(time.time()) - 7 * 24 * 3600  # seconds, as the client's docstring has it
    assert (await portfolio.get_history(start_time=week_ago, interval="1h"))["data"]
    assert (await portfolio.get_history(start_time=week_ago * 1000, interval="1d"))["data"]
    assert (await portfolio.get_history(end_time=week_ago))["data"] == []
    only = await portfolio.get_history(connector_names=[PERPETUAL])
    assert list(only["data"][0]["state"]["master_account"]) == [PERPETUAL]


async def test_an_unreachable_connector_and_an_empty_account_beside_the_others(
    client: HummingbotAPIClient,
) -> None:
    await client.accounts.add_account("trader")
    await client.accounts.add_credential(
        "master_account", "paper_exchange", {"paper_api_key": "k", "paper_api_secret": "s"}
    )
    state = await client.portfolio.get_state(refresh=True)
    assert state["master_account"]["paper_exchange"] == []  # it keeps no market: never read
    assert {entry["token"] for entry in state["master_account"][SPOT]} == set(SPOT_FUNDS)
    assert all(balances == [] for balances in state["trader"].values())
    accounts = await client.portfolio.get_accounts_distribution()
    assert [share["account"] for share in accounts["distribution"]] == ["master_account", "trader"]


@pytest.mark.parametrize(
    ("call", "status", "needle"),
    [
        (lambda p: p.get_state(["nobody"]), 404, "Account 'nobody' not found."),
        (lambda p: p.get_state(connector_names=["nowhere"]), 400, "Unknown connector 'nowhere'"),
        (lambda p: p.get_distribution(["nobody"]), 404, "Account 'nobody' not found."),
        (lambda p: p.get_history(interval="2m"), 400, "Unknown interval '2m'"),
        (lambda p: p.get_history(cursor="soon"), 400, "Invalid cursor 'soon'"),
        (lambda p: p.get_history(limit=5000), 422, "less than or equal to 1000"),
    ],
)
async def test_bad_input_through_the_client(
    client: HummingbotAPIClient, call, status: int, needle: str
) -> None:
    with pytest.raises(aiohttp.ClientResponseError) as error:
        await call(client.portfolio)
    assert error.value.status == status
    assert needle in str(error.value.message)


def test_nothing_above_was_a_server_error(served: Served) -> None:
    log = served.output()
    assert '"POST /portfolio/state' in log  # the access log did record the requests
    assert "Traceback" not in log
    assert '" 500' not in log
