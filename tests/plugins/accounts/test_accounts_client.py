"""The accounts router, driven by the Hummingbot API's own Python client against a real server."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD
from tests.server import Served

pytestmark = pytest.mark.slow


async def test_accounts_lifecycle_through_the_client(client: HummingbotAPIClient) -> None:
    accounts = client.accounts
    assert "master_account" in await accounts.list_accounts()
    assert await accounts.add_account("conformance") == {"message": "Account added successfully."}
    assert "conformance" in await accounts.list_accounts()
    assert await accounts.list_account_credentials("conformance") == []

    keys = {"paper_api_key": "k-123", "paper_api_secret": "s-456"}
    added = await accounts.add_credential("conformance", "paper_exchange", keys)
    assert added == {"message": "Connector credentials added successfully."}
    assert await accounts.list_account_credentials("conformance") == ["paper_exchange"]

    deleted = await accounts.delete_credential("conformance", "paper_exchange")
    assert deleted == {"message": "Credential deleted successfully."}
    assert await accounts.list_account_credentials("conformance") == []
    assert await accounts.delete_account("conformance") == {"message": "Account deleted successfully."}
    assert "conformance" not in await accounts.list_accounts()


async def test_client_errors_carry_the_detail(client: HummingbotAPIClient) -> None:
    with pytest.raises(aiohttp.ClientResponseError) as duplicate:
        await client.accounts.add_account("master_account")
    assert duplicate.value.status == 400
    assert duplicate.value.message == "Account already exists."

    with pytest.raises(aiohttp.ClientResponseError) as unknown:
        await client.accounts.list_account_credentials("nobody")
    assert unknown.value.status == 404

    with pytest.raises(aiohttp.ClientResponseError) as fields:
        await client.accounts.add_credential("master_account", "paper_exchange", {"paper_api_key": "k"})
    assert fields.value.status == 400
    assert "Expected fields: paper_api_key, paper_api_secret." in fields.value.message

    with pytest.raises(aiohttp.ClientResponseError) as connector:
        await client.accounts.add_credential("master_account", "no_such_exchange", {})
    assert connector.value.status == 400
    assert "binance" in connector.value.message  # hummingbot's connectors are listed


async def test_credential_verification_runs_in_the_background(
    client: HummingbotAPIClient, served: Served
) -> None:
    accounts = client.accounts
    await accounts.add_account("verify")
    await accounts.add_credential(
        "verify", "paper_exchange", {"paper_api_key": "wrong", "paper_api_secret": "s"}
    )
    # The client has no method for this hbdesk route; aiohttp asks it directly.
    auth = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
    statuses = None
    async with aiohttp.ClientSession(headers=auth) as session:
        for _ in range(100):
            async with session.get(f"{served.url}/accounts/verify/credentials/status") as response:
                statuses = await response.json()
            if statuses and statuses[0]["status"] != "pending":
                break
            await asyncio.sleep(0.05)
    assert statuses is not None and statuses[0]["status"] == "rejected"
    assert "401" in statuses[0]["detail"]


async def credential_status(served: Served, account: str, until_settled: float = 60.0) -> list[dict]:
    """The account's credential states, once none is pending (or the time is up)."""
    auth = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + until_settled
    async with aiohttp.ClientSession(headers=auth) as session:
        while True:
            async with session.get(f"{served.url}/accounts/{account}/credentials/status") as response:
                states = await response.json()
            if all(state["status"] != "pending" for state in states) or loop.time() > deadline:
                return states
            await asyncio.sleep(0.1)


async def test_a_hummingbot_exchange_that_cannot_be_reached_ends_its_check(
    client: HummingbotAPIClient, served: Served
) -> None:
    """Offline, binance cannot be asked: the check ends unreachable within the connectors timeout
    (10 s), never pending; where it can be asked, these keys are rejected."""
    await client.accounts.add_account("offline")
    keys = {"binance_api_key": "key-AAAA-offline", "binance_api_secret": "secret-BBBB-offline"}
    await client.accounts.add_credential("offline", "binance", keys)
    [state] = await credential_status(served, "offline")
    assert state["status"] in ("unreachable", "rejected"), state
    assert "AAAA-offline" not in state["detail"] and "BBBB-offline" not in state["detail"]


async def test_gateway_wallets_are_503_without_gateway(client: HummingbotAPIClient) -> None:
    for call in (
        client.accounts.list_gateway_wallets(),
        client.accounts.add_gateway_wallet("solana", "pk"),
        client.accounts.set_default_gateway_wallet("solana", "addr"),
        client.accounts.remove_gateway_wallet("solana", "addr"),
    ):
        with pytest.raises(aiohttp.ClientResponseError) as caught:
            await call
        assert caught.value.status == 503
        assert "Gateway service is not available" in caught.value.message


async def test_connectors_router_through_the_client(client: HummingbotAPIClient) -> None:
    connectors = client.connectors
    names = await connectors.list_connectors()
    assert "hbdesk_sim" in names and "binance" in names
    assert (await connectors.get_config_map("binance"))["binance_api_key"]["required"] is True
    rules = await connectors.get_trading_rules("hbdesk_sim", ["ETH-USDT"])
    assert list(rules) == ["ETH-USDT"] and rules["ETH-USDT"]["min_notional_size"] == 5.0
    order_types = await connectors.get_supported_order_types("hbdesk_sim")
    assert order_types["supported_order_types"] == ["LIMIT", "LIMIT_MAKER", "MARKET"]
    with pytest.raises(aiohttp.ClientResponseError) as unknown:
        await connectors.get_trading_rules("hbdesk_sim", ["DOGE-USDT"])
    assert unknown.value.status == 400 and "BTC-USDT" in unknown.value.message
