"""What a hostile or careless client sends to the REST front door: bad bytes, odd methods,
oversized or loosely typed values. Each answer is a clear 4xx, never a 500 or a traceback."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from hbdesk.runtime import create_desk
from hbdesk_plugins.rest_api.app import create_app
from hbdesk_plugins.rest_api.serve import cors_notice
from tests.helpers import AUTH, core_settings


async def raw_request(api: Any, request: bytes) -> bytes:
    """Bytes straight onto the socket: an HTTP client would refuse to send some of these."""
    reader, writer = await asyncio.open_connection(api.server.host, api.server.port)
    writer.write(request)
    await writer.drain()
    answer = await reader.read(65536)
    writer.close()
    await writer.wait_closed()
    return answer


@pytest.mark.parametrize("header", [b"Basic \xff\xfe", b"\xff\xfe\xfd", b"Basic w6k=\xc3"])
async def test_an_authorization_header_that_is_not_utf8_is_a_quiet_401(
    api: Any, header: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        answer = await raw_request(
            api, b"GET /accounts/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + header + b"\r\n\r\n"
        )
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert b"Incorrect username or password" in answer
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in caplog.records if r.exc_info]


async def test_the_server_header_names_the_product_only(api: Any) -> None:
    for response in [
        await api.get("/", headers=AUTH),
        await api.get("/accounts/"),  # 401
        await api.get("/no/such/route", headers=AUTH),  # 404
    ]:
        assert response.headers["Server"] == "hbdesk"
    ws = await api.ws_connect("/ws/market-data", headers=AUTH)
    assert ws._response.headers["Server"] == "hbdesk"
    await ws.close()


async def test_head_on_a_get_route_answers_as_get_without_a_body(api: Any) -> None:
    head = await api.head("/accounts/", headers=AUTH)
    assert head.status == 200
    assert await head.read() == b""
    assert head.headers["Content-Type"].startswith("application/json")
    assert (await api.head("/accounts/")).status == 401  # still authenticated
    assert (await api.head("/market-data/active-feeds", headers=AUTH)).status == 200
    # HEAD is not offered where GET is not.
    assert (await api.head("/accounts/add-account", headers=AUTH)).status == 405


async def test_cors_any_origin_never_carries_credentials(
    tmp_path: Path, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HBDESK_REST_API__CORS_ORIGINS", "*")
    client = await aiohttp_client(create_app(create_desk(core_settings(tmp_path / "cors"))))
    evil = {"Origin": "https://evil.example"}
    preflight = await client.options("/accounts/", headers={**evil, "Access-Control-Request-Method": "GET"})
    assert preflight.headers.get("Access-Control-Allow-Credentials") != "true"
    answer = await client.get("/accounts/", headers={**AUTH, **evil})
    # A browser hands a page the answer to a request sent with credentials only when this is true.
    assert answer.headers.get("Access-Control-Allow-Credentials") != "true"
    assert "without credentials" in (cors_notice(["*"]) or "")
    assert cors_notice(["https://dash.example"]) is None


async def test_a_listed_origin_keeps_its_credentials_beside_any_origin(
    tmp_path: Path, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HBDESK_REST_API__CORS_ORIGINS", "https://dash.example,*")
    client = await aiohttp_client(create_app(create_desk(core_settings(tmp_path / "cors"))))
    answer = await client.get("/accounts/", headers={**AUTH, "Origin": "https://dash.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://dash.example"
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"


SIM_PAIR = {"connector_name": "hbdesk_sim", "trading_pair": "BTC-USDT"}


@pytest.mark.hummingbot_catalog
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/market-data/order-book", {**SIM_PAIR, "depth": True}, "depth"),
        ("/market-data/order-book", {**SIM_PAIR, "depth": "10"}, "depth"),
        ("/market-data/order-book/price-for-volume", {**SIM_PAIR, "is_buy": 1, "volume": 1}, "is_buy"),
        ("/market-data/order-book/price-for-volume", {**SIM_PAIR, "is_buy": True, "volume": "1"}, "volume"),
        ("/market-data/order-book", {"connector_name": "hbdesk_sim", "trading_pair": ""}, "trading_pair"),
        ("/market-data/prices", {"connector_name": "", "trading_pairs": ["BTC-USDT"]}, "connector_name"),
        ("/rate-oracle/rates", {"trading_pairs": [""]}, "trading_pairs"),
    ],
)
async def test_loose_values_are_refused_naming_the_field(
    api: Any, path: str, body: dict[str, Any], field: str
) -> None:
    response = await api.post(path, json=body, headers=AUTH)
    assert response.status == 422, await response.text()
    detail = (await response.json())["detail"]
    assert any(field in entry["loc"] for entry in detail), detail


@pytest.mark.hummingbot_catalog
@pytest.mark.parametrize("number", [b"Infinity", b"-Infinity", b"NaN", b"1e999"])
async def test_numbers_must_be_finite(api: Any, number: bytes) -> None:
    for path, field in [
        ("/market-data/order-book/price-for-volume", b"volume"),
        ("/market-data/order-book/volume-for-price", b"price"),
    ]:
        body = b'{"connector_name": "hbdesk_sim", "trading_pair": "BTC-USDT", "is_buy": true, "%s": %s}' % (
            field,
            number,
        )
        response = await api.post(path, data=body, headers={**AUTH, "Content-Type": "application/json"})
        assert response.status == 422, (path, number, await response.text())


@pytest.mark.hummingbot_catalog
async def test_a_huge_value_comes_back_as_a_short_error(api: Any) -> None:
    huge = "X" * 1_000_000
    response = await api.post(
        "/market-data/order-book", json={"connector_name": "hbdesk_sim", "trading_pair": huge}, headers=AUTH
    )
    assert response.status == 422
    assert len(await response.read()) < 2_000
    connector = await api.get(f"/connectors/{'Y' * 7_000}/config-map", headers=AUTH)
    assert connector.status == 400
    assert len(await connector.read()) < 4_000


async def test_credential_values_are_bounded(api: Any) -> None:
    await api.post("/accounts/add-account?account_name=big", headers=AUTH)
    response = await api.post(
        "/accounts/add-credential/big/binance",
        json={"binance_api_key": "k" * 1_000_000, "binance_api_secret": "s" * 64},
        headers=AUTH,
    )
    assert response.status == 400
    text = await response.text()
    assert len(text) < 1_000 and "binance_api_key" in text and "kkkk" not in text
    assert (await (await api.get("/accounts/big/credentials", headers=AUTH)).json()) == []


async def test_deeply_nested_json_is_a_422(api: Any) -> None:
    response = await api.post(
        "/accounts/gateway/add-wallet",
        data=b"[" * 100_000,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert response.status == 422


@pytest.mark.parametrize("length", [65, 7_000])
async def test_account_names_over_64_characters_are_refused(api: Any, length: int) -> None:
    name = "a" * length
    added = await api.post(f"/accounts/add-account?account_name={name}", headers=AUTH)
    assert added.status == 400
    assert "64" in (await added.json())["detail"]
    assert len(await added.read()) < 500
    assert name not in await (await api.get("/accounts/", headers=AUTH)).json()
    exactly = await api.post(f"/accounts/add-account?account_name={'b' * 64}", headers=AUTH)
    assert exactly.status == 201
