"""The REST front door's conventions: auth, errors, OpenAPI, docs, CORS, access log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hbdesk.runtime import create_desk
from hbdesk_plugins.rest_api.access_log import AccessLogger
from hbdesk_plugins.rest_api.app import create_app
from tests.helpers import AUTH, core_settings


async def test_public_routes_need_no_credentials(api: Any) -> None:
    root = await api.get("/")
    assert root.status == 200
    assert (await root.json())["status"] == "running"
    assert (await api.get("/openapi.json")).status == 200
    docs = await api.get("/docs")
    assert docs.status == 200
    assert "swagger-ui-bundle.js" in await docs.text()
    bundle = await api.get("/docs/static/swagger-ui-bundle.js")
    assert bundle.status == 200  # served from the package, not a CDN


@pytest.mark.parametrize(
    "header",
    [
        None,
        aiohttp.encode_basic_auth("admin", "wrong"),
        aiohttp.encode_basic_auth("root", "s3cret-pass"),
        "Bearer x",
        "Basic !!!",
    ],
)
async def test_bad_or_missing_credentials_get_401_with_a_challenge(api: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = await api.get("/accounts/", headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Basic"
    assert await response.json() == {"detail": "Incorrect username or password"}


async def test_debug_mode_turns_auth_off(tmp_path: Path, aiohttp_client: Any) -> None:
    desk = create_desk(core_settings(tmp_path, debug_mode=True))
    client = await aiohttp_client(create_app(desk))
    assert (await client.get("/accounts/")).status == 200


async def test_unknown_paths_and_methods_answer_json(api: Any) -> None:
    missing = await api.get("/no/such/route", headers=AUTH)
    assert missing.status == 404
    assert await missing.json() == {"detail": "Not Found"}
    wrong_method = await api.delete("/accounts/", headers=AUTH)
    assert wrong_method.status == 405
    assert "detail" in await wrong_method.json()
    # The reference does not redirect: the path without its trailing slash is not the route.
    assert (await api.get("/accounts", headers=AUTH)).status == 404


async def test_malformed_bodies_are_422_with_locations(api: Any) -> None:
    not_json = await api.post("/accounts/gateway/add-wallet", data=b"{not json", headers=AUTH)
    assert not_json.status == 422
    detail = (await not_json.json())["detail"]
    assert detail[0]["loc"][0] == "body" and detail[0]["type"] == "json_invalid"

    empty = await api.post("/accounts/gateway/add-wallet", headers=AUTH)
    assert empty.status == 422
    assert (await empty.json())["detail"] == [{"type": "missing", "loc": ["body"], "msg": "Field required"}]

    missing_query = await api.post("/accounts/add-account", headers=AUTH)
    assert missing_query.status == 422
    assert (await missing_query.json())["detail"][0]["loc"] == ["query", "account_name"]


async def test_validation_errors_never_echo_the_input(api: Any) -> None:
    response = await api.post(
        "/accounts/gateway/add-wallet", json={"chain": "solana", "private_key": 12345678}, headers=AUTH
    )
    assert response.status == 422
    assert "12345678" not in await response.text()


async def test_the_openapi_document_is_generated_from_the_models(api: Any) -> None:
    document = await (await api.get("/openapi.json")).json()
    assert document["openapi"] == "3.1.0"
    add_account = document["paths"]["/accounts/add-account"]["post"]
    assert add_account["parameters"] == [
        {
            "name": "account_name",
            "in": "query",
            "required": True,
            "schema": add_account["parameters"][0]["schema"],
        }
    ]
    assert add_account["security"] == [{"HTTPBasic": []}]
    assert set(add_account["responses"]) >= {"201", "400", "401", "422"}
    wallet = document["paths"]["/accounts/gateway/add-wallet"]["post"]["requestBody"]["content"]
    assert wallet["application/json"]["schema"] == {"$ref": "#/components/schemas/GatewayWalletCredential"}
    credential = document["components"]["schemas"]["GatewayWalletCredential"]
    assert set(credential["required"]) == {"chain", "private_key"}
    assert "security" not in document["paths"]["/"]["get"]
    assert document["components"]["securitySchemes"]["HTTPBasic"] == {"type": "http", "scheme": "basic"}


async def test_cors_is_off_unless_configured(
    api: Any, tmp_path: Path, aiohttp_client: Any, monkeypatch
) -> None:
    plain = await api.get("/", headers={"Origin": "https://dash.example"})
    assert "Access-Control-Allow-Origin" not in plain.headers

    monkeypatch.setenv("HBDESK_REST_API__CORS_ORIGINS", "https://dash.example")
    client = await aiohttp_client(create_app(create_desk(core_settings(tmp_path / "cors"))))
    preflight = await client.options(
        "/accounts/",
        headers={"Origin": "https://dash.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://dash.example"
    allowed = await client.get("/accounts/", headers={**AUTH, "Origin": "https://dash.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://dash.example"
    other = await client.get("/accounts/", headers={**AUTH, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_the_access_log_redacts_secrets_in_query_strings(caplog: pytest.LogCaptureFixture) -> None:
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    request = make_mocked_request("GET", "/ws/market-data?token=c2VjcmV0&password=hunter2&page=2")
    access_logger = AccessLogger(logging.getLogger("hbdesk.access"), "")
    with caplog.at_level(logging.INFO, logger="hbdesk.access"):
        access_logger.log(request, web.Response(status=200), 0.0012)
    [line] = [r.getMessage() for r in caplog.records if r.name == "hbdesk.access"]
    assert '"GET /ws/market-data?token=***&password=***&page=2" 200' in line
    assert "hunter2" not in line and "c2VjcmV0" not in line


async def test_a_bug_in_a_handler_is_a_json_500_and_logged(
    desk: Any, aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(desk)

    async def broken(_request: Any) -> Any:
        raise RuntimeError("a bug")

    app.router.add_get("/broken", broken)
    client = await aiohttp_client(app)
    with caplog.at_level(logging.ERROR):
        response = await client.get("/broken", headers=AUTH)
    assert response.status == 500
    assert await response.json() == {"detail": "Internal server error"}
    assert "a bug" not in await response.text()
    assert any("unhandled error on GET /broken" in r.getMessage() for r in caplog.records)


async def test_every_route_but_the_public_ones_needs_credentials(api: Any) -> None:
    from hbdesk_plugins.rest_api.app import ROUTES

    public = {"/", "/docs", "/openapi.json"}
    checked = 0
    for route in api.server.app[ROUTES]:
        path = route.path.replace("{", "").replace("}", "")  # any value fills a path parameter
        response = await api.request(route.method, path)
        if route.path in public:
            assert response.status != 401, route.path
        else:
            assert response.status == 401, f"{route.method} {route.path}"
            checked += 1
    assert checked >= 10
