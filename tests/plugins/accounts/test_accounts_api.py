"""Every accounts route, its bad input, and the background credential check."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hbdesk_plugins.connectors.specs import Verdict
from hbdesk_plugins.rest_api.app import DESK
from tests.fakes import FakeGateway
from tests.helpers import AUTH, ScriptedExchange, wait_for

BINANCE = {"binance_api_key": "key-AAAA", "binance_api_secret": "secret-BBBB"}


async def statuses(api: Any, account: str) -> dict[str, str]:
    response = await api.get(f"/accounts/{account}/credentials/status", headers=AUTH)
    return {row["connector_name"]: row["status"] for row in await response.json()}


async def test_master_account_exists_on_first_start(api: Any) -> None:
    response = await api.get("/accounts/", headers=AUTH)
    assert response.status == 200
    assert await response.json() == ["master_account"]


async def test_add_list_and_delete_an_account(api: Any) -> None:
    added = await api.post("/accounts/add-account", params={"account_name": "alice"}, headers=AUTH)
    assert added.status == 201
    assert await added.json() == {"message": "Account added successfully."}
    assert await (await api.get("/accounts/", headers=AUTH)).json() == ["master_account", "alice"]
    deleted = await api.post("/accounts/delete-account", params={"account_name": "alice"}, headers=AUTH)
    assert deleted.status == 200
    assert await deleted.json() == {"message": "Account deleted successfully."}
    assert await (await api.get("/accounts/", headers=AUTH)).json() == ["master_account"]


@pytest.mark.parametrize("name", ["bad name", "semi;colon", "../etc", "ünïcode", ""])
async def test_account_names_outside_the_pattern_are_400(api: Any, name: str) -> None:
    response = await api.post("/accounts/add-account", params={"account_name": name}, headers=AUTH)
    assert response.status == 400
    assert "Only letters, numbers, underscores and hyphens" in (await response.json())["detail"]


async def test_duplicate_accounts_and_master_account_deletion_are_400(api: Any) -> None:
    assert (
        await api.post("/accounts/add-account", params={"account_name": "bob"}, headers=AUTH)
    ).status == 201
    again = await api.post("/accounts/add-account", params={"account_name": "bob"}, headers=AUTH)
    assert again.status == 400
    assert await again.json() == {"detail": "Account already exists."}
    master = await api.post(
        "/accounts/delete-account", params={"account_name": "master_account"}, headers=AUTH
    )
    assert master.status == 400
    assert await master.json() == {"detail": "Cannot delete master account."}


async def test_unknown_accounts_are_404(api: Any) -> None:
    for method, path, kwargs in [
        ("GET", "/accounts/ghost/credentials", {}),
        ("POST", "/accounts/delete-account", {"params": {"account_name": "ghost"}}),
        ("POST", "/accounts/add-credential/ghost/binance", {"json": BINANCE}),
        ("POST", "/accounts/delete-credential/ghost/binance", {}),
    ]:
        response = await api.request(method, path, headers=AUTH, **kwargs)
        assert response.status == 404, path
        assert "ghost" in (await response.json())["detail"]


async def test_credentials_are_stored_listed_and_never_returned(api: Any, exchange: ScriptedExchange) -> None:
    added = await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)
    assert added.status == 201
    assert await added.json() == {"message": "Connector credentials added successfully."}
    listed = await api.get("/accounts/master_account/credentials", headers=AUTH)
    assert await listed.json() == ["binance"]
    await wait_for(lambda: exchange.seen)
    assert exchange.seen == [BINANCE]  # the exchange was asked with exactly these keys
    for path in [
        "/accounts/",
        "/accounts/master_account/credentials",
        "/accounts/master_account/credentials/status",
    ]:
        body = await (await api.get(path, headers=AUTH)).text()
        assert "key-AAAA" not in body and "secret-BBBB" not in body


async def test_delete_a_credential(api: Any) -> None:
    await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)
    deleted = await api.post("/accounts/delete-credential/master_account/binance", headers=AUTH)
    assert deleted.status == 200
    assert await deleted.json() == {"message": "Credential deleted successfully."}
    assert await (await api.get("/accounts/master_account/credentials", headers=AUTH)).json() == []
    again = await api.post("/accounts/delete-credential/master_account/binance", headers=AUTH)
    assert again.status == 404


async def test_unknown_connectors_are_400_naming_what_exists(api: Any) -> None:
    response = await api.post("/accounts/add-credential/master_account/binanse", json=BINANCE, headers=AUTH)
    assert response.status == 400
    detail = (await response.json())["detail"]
    assert "Unknown connector 'binanse'" in detail
    assert "binance" in detail and "kucoin" in detail


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"binance_api_key": "k"}, "missing binance_api_secret"),
        ({**BINANCE, "binance_passphrase": "p"}, "unknown field binance_passphrase"),
        ({"api_key": "k", "secret": "s"}, "unknown fields api_key, secret"),
        ({"binance_api_key": "k", "binance_api_secret": "  "}, "missing binance_api_secret"),
        ({"binance_api_key": ["k"], "binance_api_secret": "s"}, "not text: binance_api_key"),
    ],
)
async def test_wrong_credential_fields_are_400_naming_the_expected_ones(
    api: Any, body: dict[str, Any], problem: str
) -> None:
    response = await api.post("/accounts/add-credential/master_account/binance", json=body, headers=AUTH)
    assert response.status == 400
    detail = (await response.json())["detail"]
    assert problem in detail
    assert "Expected fields: binance_api_key, binance_api_secret." in detail
    assert await (await api.get("/accounts/master_account/credentials", headers=AUTH)).json() == []


async def test_optional_fields_may_be_left_out(api: Any) -> None:
    body = {"hyperliquid_address": "0xabc", "hyperliquid_secret_key": "k"}
    response = await api.post("/accounts/add-credential/master_account/hyperliquid", json=body, headers=AUTH)
    assert response.status == 201


async def test_a_body_that_is_not_an_object_is_422(api: Any) -> None:
    response = await api.post("/accounts/add-credential/master_account/binance", json=["a"], headers=AUTH)
    assert response.status == 422


@pytest.mark.parametrize("verdict", [Verdict.VERIFIED, Verdict.REJECTED, Verdict.UNREACHABLE])
async def test_the_exchange_verdict_becomes_the_credential_status(
    api: Any, exchange: ScriptedExchange, verdict: Verdict
) -> None:
    exchange.verdict = verdict
    await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)
    await wait_for(lambda: statuses(api, "master_account"), timeout=5)

    async def settled() -> bool:
        return (await statuses(api, "master_account")) == {"binance": str(verdict)}

    await wait_for(settled)


async def test_a_slow_exchange_neither_blocks_the_request_nor_loses_the_keys(
    api: Any, exchange: ScriptedExchange, desk: Any
) -> None:
    exchange.delay = 3600  # an exchange that never answers
    response = await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)
    assert response.status == 201
    await asyncio.wait_for(exchange.started.wait(), 5)
    assert await statuses(api, "master_account") == {"binance": "pending"}
    stored = await desk.kernel.service("accounts").credentials("master_account", "binance")
    assert stored == BINANCE


async def test_an_exchange_that_times_out_is_unreachable(
    api: Any, exchange: ScriptedExchange, desk: Any
) -> None:
    exchange.delay = 3600
    desk.kernel.service("connectors").timeout = 0.2
    await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)

    async def unreachable() -> bool:
        return (await statuses(api, "master_account")) == {"binance": "unreachable"}

    await wait_for(unreachable)
    rows = await (await api.get("/accounts/master_account/credentials/status", headers=AUTH)).json()
    assert "did not answer within 0.2 s" in rows[0]["detail"]
    assert rows[0]["checked_at"].endswith(("Z", "+00:00"))  # RFC 3339: the zone is part of the time


async def test_a_check_whose_connector_adds_to_the_keys_still_ends(
    api: Any, exchange: ScriptedExchange
) -> None:
    """As hummingbot's init parameters did: non-text values added to the dict the check is given."""

    async def meddling(spec: Any, values: dict[str, Any]) -> Any:
        values.update(trading_required=True, trading_pairs=[], balance_asset_limit={})
        raise OSError(f"HTTP 401: key {values['binance_api_key']} refused")

    exchange_spec = await api.server.app[DESK].kernel.service("connectors").spec("binance")
    object.__setattr__(exchange_spec, "verifier", meddling)
    await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)

    async def settled() -> bool:
        return (await statuses(api, "master_account")) == {"binance": "rejected"}

    await wait_for(settled)
    rows = await (await api.get("/accounts/master_account/credentials/status", headers=AUTH)).json()
    assert "key-AAAA" not in rows[0]["detail"] and "***" in rows[0]["detail"]


async def test_a_check_cut_short_by_a_stop_runs_again_at_the_next_start(
    core: Any, exchange: ScriptedExchange
) -> None:
    from hbdesk.runtime import create_desk

    exchange.delay = 3600  # the desk stops before the exchange answers
    first = create_desk(core)
    await first.start()
    await first.kernel.service("accounts").add_credential("master_account", "binance", BINANCE)
    await asyncio.wait_for(exchange.started.wait(), 5)
    await first.stop()

    exchange.delay = 0
    second = create_desk(core)
    await second.start()
    try:
        accounts = second.kernel.service("accounts")

        async def verified() -> bool:
            states = await accounts.credential_states("master_account")
            return [(s.connector_name, s.status.value) for s in states] == [("binance", "verified")]

        await wait_for(verified)
        assert exchange.seen[-1] == BINANCE
    finally:
        await second.stop()


async def test_replacing_credentials_while_a_check_runs_keeps_the_new_ones(
    api: Any, exchange: ScriptedExchange, desk: Any
) -> None:
    exchange.delay = 0.3
    await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)
    newer = {"binance_api_key": "key-NEW", "binance_api_secret": "secret-NEW"}
    await api.post("/accounts/add-credential/master_account/binance", json=newer, headers=AUTH)
    await wait_for(lambda: len(exchange.seen) == 2)
    await asyncio.sleep(0.5)
    assert await desk.kernel.service("accounts").credentials("master_account", "binance") == newer


async def test_deleting_an_account_removes_its_credentials(api: Any, desk: Any) -> None:
    await api.post("/accounts/add-account", params={"account_name": "carol"}, headers=AUTH)
    await api.post("/accounts/add-credential/carol/binance", json=BINANCE, headers=AUTH)
    await api.post("/accounts/delete-account", params={"account_name": "carol"}, headers=AUTH)
    await api.post("/accounts/add-account", params={"account_name": "carol"}, headers=AUTH)
    assert await (await api.get("/accounts/carol/credentials", headers=AUTH)).json() == []


# -- Gateway wallets ------------------------------------------------------------------------------


async def test_gateway_routes_are_503_when_gateway_is_down(api: Any) -> None:
    for method, path, body in [
        ("GET", "/accounts/gateway/wallets", None),
        ("POST", "/accounts/gateway/add-wallet", {"chain": "solana", "private_key": "pk"}),
        ("POST", "/accounts/gateway/wallet/set-default", {"chain": "solana", "address": "abc"}),
        ("DELETE", "/accounts/gateway/solana/abc", None),
    ]:
        response = await api.request(method, path, json=body, headers=AUTH)
        assert response.status == 503, path
        assert "Gateway service is not available" in (await response.json())["detail"]


@pytest.fixture
async def gateway_api(
    tmp_path: Any, aiohttp_client: Any, aiohttp_server: Any, monkeypatch: Any
) -> tuple[Any, FakeGateway]:
    from hbdesk.runtime import create_desk
    from hbdesk_plugins.rest_api.app import create_app
    from tests.helpers import core_settings

    fake = FakeGateway()
    server = await aiohttp_server(fake.app)
    monkeypatch.setenv("GATEWAY_URL", str(server.make_url("/")))
    desk = create_desk(core_settings(tmp_path / "gw"))
    return await aiohttp_client(create_app(desk)), fake


async def test_gateway_wallets_round_trip(gateway_api: tuple[Any, FakeGateway]) -> None:
    api, fake = gateway_api
    wallets = await (await api.get("/accounts/gateway/wallets", headers=AUTH)).json()
    assert wallets == [
        {"chain": "solana", "walletAddresses": ["So1ana"], "default_address": "So1ana"},
        {"chain": "ethereum", "walletAddresses": ["0xE7h"], "default_address": ""},
    ]
    added = await api.post(
        "/accounts/gateway/add-wallet", json={"chain": "ethereum", "private_key": "0xkey"}, headers=AUTH
    )
    assert added.status == 201
    assert await added.json() == {"address": "addr-1"}
    assert fake.received == [{"chain": "ethereum", "privateKey": "0xkey", "setDefault": True}]
    default = await api.post(
        "/accounts/gateway/wallet/set-default", json={"chain": "ethereum", "address": "addr-1"}, headers=AUTH
    )
    assert await default.json() == {
        "success": True,
        "message": "Set addr-1 as default wallet for ethereum",
        "chain": "ethereum",
        "address": "addr-1",
    }
    assert fake.defaults["ethereum"] == "addr-1"
    removed = await api.delete("/accounts/gateway/ethereum/0xE7h", headers=AUTH)
    assert await removed.json() == {"success": True, "message": "Successfully removed ethereum wallet"}
    assert fake.wallets["ethereum"] == ["addr-1"]


async def test_gateway_refusals_are_400_with_its_reason(gateway_api: tuple[Any, FakeGateway]) -> None:
    api, _fake = gateway_api
    bad = await api.post(
        "/accounts/gateway/add-wallet", json={"chain": "solana", "private_key": "bad"}, headers=AUTH
    )
    assert bad.status == 400
    assert await bad.json() == {"detail": "Gateway error: Invalid private key"}
    odd = await api.post(
        "/accounts/gateway/add-wallet", json={"chain": "solana", "private_key": "odd"}, headers=AUTH
    )
    assert odd.status == 503
    assert "not a JSON object" in (await odd.json())["detail"]
    missing = await api.delete("/accounts/gateway/solana/nope", headers=AUTH)
    assert missing.status == 400
    assert "Wallet not found" in (await missing.json())["detail"]


async def test_an_exchange_error_quoting_a_key_is_scrubbed(api: Any, exchange: ScriptedExchange) -> None:
    exchange.verdict = Verdict.REJECTED
    exchange.detail = "HTTP 401 for GET /account?apiKey={binance_api_key}"
    await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)

    async def rejected() -> bool:
        return (await statuses(api, "master_account")) == {"binance": "rejected"}

    await wait_for(rejected)
    rows = await (await api.get("/accounts/master_account/credentials/status", headers=AUTH)).json()
    assert rows[0]["detail"] == "HTTP 401 for GET /account?apiKey=***"


@pytest.mark.hummingbot_catalog
async def test_credential_fields_come_from_hummingbots_config_map(api: Any, desk: Any) -> None:
    response = await api.post(
        "/accounts/add-credential/master_account/kucoin", json={"kucoin_api_key": "k"}, headers=AUTH
    )
    assert response.status == 400
    detail = (await response.json())["detail"]
    assert "Expected fields: kucoin_api_key, kucoin_secret_key, kucoin_passphrase." in detail


async def test_secrets_are_never_logged(
    api: Any, exchange: ScriptedExchange, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    with caplog.at_level(logging.DEBUG):
        await api.post("/accounts/add-credential/master_account/binance", json=BINANCE, headers=AUTH)
        await wait_for(lambda: exchange.seen)
        await asyncio.sleep(0.1)
        await api.post(
            "/accounts/gateway/add-wallet",
            json={"chain": "solana", "private_key": "PK-SECRET-9"},
            headers=AUTH,
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "key-AAAA" not in logged and "secret-BBBB" not in logged and "PK-SECRET-9" not in logged
    assert "binance" in logged  # the flow itself was logged
