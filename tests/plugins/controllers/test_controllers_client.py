"""Every controllers route through the Hummingbot API client, against a real `hbdesk serve`:
sources, configs, templates, validation, a bot's configs, the shipped controllers, and path
traversal on every file route (400, nothing outside read or written)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import AUTH, status_of, wait_for
from tests.plugins.controllers.traversal import CLIENT_NAMES, RAW_NAMES, SECRET, plant, raw, snapshot
from tests.server import Served

pytestmark = pytest.mark.slow

SHIPPED = {"market_making": "pure_market_making", "generic": "grid"}

GOOD_SOURCE = """
from decimal import Decimal

from hummingbot.strategy_v2.controllers.controller_base import ControllerBase, ControllerConfigBase


class EchoConfig(ControllerConfigBase):
    controller_type: str = "generic"
    controller_name: str = "echo"
    connector_name: str = "hbdesk_sim"
    trading_pair: str = "BTC-USDT"
    threshold: Decimal = Decimal("0.5")


class Echo(ControllerBase):
    def determine_executor_actions(self):
        return []
"""

BROKEN_SYNTAX = "x = 1\ndef broken(:\n    pass\n"
BROKEN_IMPORT = "import os\n\nfrom hummingbot.no_such_module import Nothing\n"


@pytest.fixture(scope="module")
def planted(served: Served) -> Iterator[Path]:
    """Files outside every folder a route may touch, and links in those folders that lead to them."""
    data = served.data_dir
    outside = data / "outside"
    plant(
        outside,
        {
            data / "bots" / "controllers" / "generic" / "link.py": outside / "secret.py",
            data / "bots" / "conf" / "controllers" / "link.yml": outside / "secret.yml",
            data / "bots" / "instances" / "link": outside,
        },
    )
    (outside / "conf" / "controllers").mkdir(parents=True, exist_ok=True)
    (outside / "conf" / "controllers" / "secret.yml").write_text(f"id: {SECRET}\n")
    # a real bot whose conf/ leads out of its folder
    sneaky = data / "bots" / "instances" / "sneakybot"
    sneaky.mkdir(parents=True)
    (sneaky / "conf").symlink_to(outside / "conf")
    yield outside


async def test_listing_has_the_shipped_controllers(client: HummingbotAPIClient) -> None:
    listing = await client.controllers.list_controllers()
    assert set(listing) == {"directional_trading", "market_making", "generic"}
    for kind, name in SHIPPED.items():
        assert name in listing[kind]
    assert "macd_bb" in listing["directional_trading"]  # any module of library/ is listed
    assert all(isinstance(names, list) for names in listing.values())


async def test_shipped_controllers_template_validate_and_stay(client: HummingbotAPIClient) -> None:
    for kind, name in SHIPPED.items():
        source = await client.controllers.get_controller(kind, name)
        assert source["name"] == name and source["type"] == kind and "class " in source["content"]
        template = await client.controllers.get_controller_config_template(kind, name)
        assert template["id"]["required"] is True
        assert template["controller_name"]["default"] == name
        assert template["controller_type"]["default"] == kind
        assert template["connector_name"]["default"] == "hbdesk_sim"
        assert all({"default", "type", "required"} <= set(field) for field in template.values())
        defaults = {field: spec["default"] for field, spec in template.items() if not spec["required"]}
        valid = await client.controllers.validate_controller_config(kind, name, {**defaults, "id": "t1"})
        assert valid["message"] == "Configuration is valid"
        assert valid["config"]["controller_name"] == name
        status, detail = await status_of(client.controllers.delete_controller(kind, name))
        assert status == 409 and "shipped" in detail
        status, detail = await status_of(
            client.controllers.create_or_update_controller(kind, name, {"content": GOOD_SOURCE})
        )
        assert status == 409 and "shipped" in detail
    assert "pure_market_making" in (await client.controllers.list_controllers())["market_making"]

    mm = await client.controllers.get_controller_config_template("market_making", "pure_market_making")
    assert mm["buy_spreads"]["default"] == [0.001, 0.002]
    assert mm["refresh_tolerance"]["is_updatable"] is True
    grid = await client.controllers.get_controller_config_template("generic", "grid")
    assert grid["side"]["default"] == "BUY"


async def test_validate_answers_400_naming_the_fields(client: HummingbotAPIClient) -> None:
    bad = {"id": "g", "leverage": 0, "range_pct": "2", "max_open_orders": "many"}
    status, detail = await status_of(client.controllers.validate_controller_config("generic", "grid", bad))
    assert status == 400
    for field in ("leverage", "range_pct", "max_open_orders"):
        assert field in detail
    status, detail = await status_of(
        client.controllers.validate_controller_config("generic", "grid", {"id": "g", "start_price": 10})
    )
    assert status == 400 and "end_price" in detail
    status, detail = await status_of(
        client.controllers.validate_controller_config(
            "market_making", "pure_market_making", {"buy_spreads": [0.01], "sell_spreads": [0.01]}
        )
    )
    assert status == 400 and "id: Field required" in detail
    status, _ = await status_of(client.controllers.validate_controller_config("generic", "nope", {"id": "x"}))
    assert status == 404
    status, _ = await status_of(client.controllers.get_controller_config_template("generic", "nope"))
    assert status == 404
    status, _ = await status_of(client.controllers.get_controller_config_template("sideways", "grid"))
    assert status == 400


async def test_a_users_controller_from_upload_to_delete(client: HummingbotAPIClient, served: Served) -> None:
    saved = await client.controllers.create_or_update_controller("generic", "echo", {"content": GOOD_SOURCE})
    assert "saved" in saved["message"]
    assert (served.data_dir / "bots" / "controllers" / "generic" / "echo.py").read_text() == GOOD_SOURCE
    assert "echo" in (await client.controllers.list_controllers())["generic"]
    assert (await client.controllers.get_controller("generic", "echo"))["content"] == GOOD_SOURCE
    template = await client.controllers.get_controller_config_template("generic", "echo")
    assert template["threshold"] == {"default": "0.5", "type": "Decimal", "required": False}
    valid = await client.controllers.validate_controller_config(
        "generic", "echo", {"id": "e", "threshold": "0.7"}
    )
    assert valid["config"]["threshold"] == "0.7"

    # a new version is imported again
    changed = GOOD_SOURCE.replace('Decimal("0.5")', 'Decimal("0.25")')
    await client.controllers.create_or_update_controller(
        "generic", "echo", {"content": changed, "type": "generic"}
    )
    template = await client.controllers.get_controller_config_template("generic", "echo")
    assert template["threshold"]["default"] == "0.25"

    status, detail = await status_of(
        client.controllers.create_or_update_controller(
            "generic", "echo", {"content": changed, "type": "market_making"}
        )
    )
    assert status == 400 and "mismatch" in detail
    await client.controllers.delete_controller("generic", "echo")
    assert "echo" not in (await client.controllers.list_controllers())["generic"]
    for call in (
        client.controllers.get_controller("generic", "echo"),
        client.controllers.delete_controller("generic", "echo"),
        client.controllers.get_controller("market_making", "grid"),  # shipped, but as another type
    ):
        status, _ = await status_of(call)
        assert status == 404


async def test_a_source_that_does_not_compile_or_import_is_refused(
    client: HummingbotAPIClient, served: Served
) -> None:
    folder = served.data_dir / "bots" / "controllers" / "generic"
    status, detail = await status_of(
        client.controllers.create_or_update_controller("generic", "broken", {"content": BROKEN_SYNTAX})
    )
    assert status == 400 and "line 2" in detail and "does not compile" in detail
    status, detail = await status_of(
        client.controllers.create_or_update_controller("generic", "broken", {"content": BROKEN_IMPORT})
    )
    assert status == 400 and "line 3" in detail and "ModuleNotFoundError" in detail
    status, detail = await status_of(
        client.controllers.create_or_update_controller("generic", "broken", {"content": "x = 1\n"})
    )
    assert status == 400 and "config class" in detail
    assert not (folder / "broken.py").exists()

    # a file that stopped importing after it was saved (edited by hand): 400 with its line
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "handmade.py").write_text("value = 1\nraise RuntimeError('edited by hand')\n")
    status, detail = await status_of(client.controllers.get_controller_config_template("generic", "handmade"))
    assert status == 400 and "line 2" in detail and "edited by hand" in detail
    status, detail = await status_of(
        client.controllers.validate_controller_config("generic", "handmade", {"id": "h"})
    )
    assert status == 400 and "line 2" in detail
    (folder / "handmade.py").unlink()


async def test_saved_configs(client: HummingbotAPIClient, served: Served) -> None:
    assert await client.controllers.list_controller_configs() == []
    config = {
        "controller_name": "grid",
        "controller_type": "generic",
        "trading_pair": "ETH-USDT",
        "leverage": 1,
    }
    saved = await client.controllers.create_or_update_controller_config("grid_eth", config)
    assert "saved" in saved["message"]
    assert await client.controllers.get_controller_config("grid_eth") == {"id": "grid_eth", **config}
    assert (served.data_dir / "bots" / "conf" / "controllers" / "grid_eth.yml").is_file()

    status, detail = await status_of(
        client.controllers.create_or_update_controller_config("grid_bad", {**config, "leverage": 0})
    )
    assert status == 400 and "leverage" in detail
    # a controller hbdesk does not have is saved as it is
    other = {"controller_name": "somebody_elses", "controller_type": "generic", "anything": [1, 2]}
    await client.controllers.create_or_update_controller_config("theirs", other)

    (served.data_dir / "bots" / "conf" / "controllers" / "garbled.yml").write_text("a: [unclosed\n")
    listed = await client.controllers.list_controller_configs()
    assert {c["id"] for c in listed} == {"grid_eth", "theirs", "garbled"}
    garbled = next(c for c in listed if c["id"] == "garbled")
    assert garbled["controller_name"] == "error" and garbled["error"]
    status, _ = await status_of(client.controllers.get_controller_config("garbled"))
    assert status == 400

    for name in ("grid_eth", "theirs", "garbled"):
        await client.controllers.delete_controller_config(name)
    assert await client.controllers.list_controller_configs() == []
    for call in (
        client.controllers.get_controller_config("grid_eth"),
        client.controllers.delete_controller_config("grid_eth"),
    ):
        status, _ = await status_of(call)
        assert status == 404


async def test_a_bots_controller_configs(client: HummingbotAPIClient, served: Served) -> None:
    folder = served.data_dir / "bots" / "instances" / "hummingbot-alpha" / "conf" / "controllers"
    folder.mkdir(parents=True)
    (folder / "mm_1.yml").write_text(
        "id: mm_1\ncontroller_name: pure_market_making\ncontroller_type: market_making\n"
        "trading_pair: BTC-USDT\nbuy_spreads:\n- 0.01\nsell_spreads:\n- 0.01\n"
    )
    configs = await client.controllers.get_bot_controller_configs("hummingbot-alpha")
    assert configs == [
        {
            "id": "mm_1",
            "controller_name": "pure_market_making",
            "controller_type": "market_making",
            "trading_pair": "BTC-USDT",
            "buy_spreads": [0.01],
            "sell_spreads": [0.01],
            "_config_name": "mm_1",
        }
    ]
    updated = await client.controllers.update_bot_controller_config(
        "hummingbot-alpha", "mm_1", {"total_amount_quote": "250"}
    )
    assert "updated" in updated["message"]
    configs = await client.controllers.get_bot_controller_configs("hummingbot-alpha")
    assert configs[0]["total_amount_quote"] == "250" and configs[0]["trading_pair"] == "BTC-USDT"
    status, detail = await status_of(
        client.controllers.update_bot_controller_config("hummingbot-alpha", "mm_1", {"leverage": -3})
    )
    assert status == 400 and "leverage" in detail
    status, _ = await status_of(
        client.controllers.update_bot_controller_config("hummingbot-alpha", "nope", {})
    )
    assert status == 404
    for call in (
        client.controllers.get_bot_controller_configs("nobody"),
        client.controllers.update_bot_controller_config("nobody", "mm_1", {}),
    ):
        status, _ = await status_of(call)
        assert status == 404


# -- path traversal -------------------------------------------------------------------------------


async def test_traversal_is_refused_on_every_file_route(
    client: HummingbotAPIClient, served: Served, planted: Path
) -> None:
    before = snapshot(served.data_dir / "bots"), snapshot(planted)
    config = {"controller_name": "grid", "controller_type": "generic", "id": "x"}
    source = {"content": GOOD_SOURCE}

    def client_calls(name: str) -> list[Any]:
        c = client.controllers
        return [
            c.get_controller("generic", name),
            c.create_or_update_controller("generic", name, source),
            c.delete_controller("generic", name),
            c.get_controller_config_template("generic", name),
            c.validate_controller_config("generic", name, config),
            c.get_controller(name, "grid"),  # the type is a path segment too
            c.get_controller_config(name),
            c.create_or_update_controller_config(name, config),
            c.delete_controller_config(name),
            c.get_bot_controller_configs(name),
            c.update_bot_controller_config(name, "mm_1", {}),
            c.update_bot_controller_config("sneakybot", name, {}),
        ]

    for name in CLIENT_NAMES:
        for call in client_calls(name):
            status, detail = await status_of(call)
            assert status == 400, (name, status, detail)
            assert SECRET not in detail

    for name in RAW_NAMES:
        for method, path, body in (
            ("GET", f"/controllers/generic/{name}", None),
            ("POST", f"/controllers/generic/{name}", source),
            ("DELETE", f"/controllers/generic/{name}", None),
            ("GET", f"/controllers/configs/{name}", None),
            ("POST", f"/controllers/configs/{name}", config),
            ("DELETE", f"/controllers/configs/{name}", None),
            ("GET", f"/controllers/generic/{name}/config/template", None),
            ("POST", f"/controllers/generic/{name}/config/validate", config),
            ("GET", f"/controllers/bots/{name}/configs", None),
            ("POST", f"/controllers/bots/{name}/mm_1/config", {}),
            ("POST", f"/controllers/bots/sneakybot/{name}/config", {}),
        ):
            status, text = raw(served, method, path, body)
            assert status == 400, (method, path, status, text)
            assert SECRET not in text

    # a bot whose own conf/ folder leads out of it
    for call in (
        client.controllers.get_bot_controller_configs("sneakybot"),
        client.controllers.update_bot_controller_config("sneakybot", "secret", {"id": "pwned"}),
    ):
        status, detail = await status_of(call)
        assert status == 400 and SECRET not in detail

    listing = await client.controllers.list_controllers()
    assert "link" not in listing["generic"]
    assert all(c.get("id") != SECRET for c in await client.controllers.list_controller_configs())
    assert (snapshot(served.data_dir / "bots"), snapshot(planted)) == before
    assert not [p for p in served.data_dir.rglob("pwned*") if planted not in p.parents]


async def test_the_live_routes_on_a_real_serve(client: HummingbotAPIClient, served: Served) -> None:
    # hbdesk's own /controllers/live routes are not in the client: raw HTTP to the same server.
    config = {
        "controller_type": "market_making",
        "controller_name": "pure_market_making",
        "connector_name": "hbdesk_sim",
        "trading_pair": "ETH-USDT",
        "total_amount_quote": "40",
        "buy_spreads": [0.01],
        "sell_spreads": [0.01],
        "buy_amounts_pct": ["1"],
        "sell_amounts_pct": ["1"],
        "executor_refresh_time": 600,
    }
    await client.controllers.create_or_update_controller_config("live_pmm", config)
    async with aiohttp.ClientSession(served.url, headers=AUTH) as http:

        async def answer(method: str, path: str, body: Any = None) -> tuple[int, Any]:
            async with http.request(method, path, json=body) as response:
                return response.status, await response.json()

        assert await answer("GET", "/controllers/live") == (200, [])
        status, refused = await answer(
            "POST", "/controllers/live", {"config": {**config, "trading_pair": "NOPE-USDT"}}
        )
        assert status == 400 and "NOPE-USDT" in refused["detail"]
        assert (await answer("POST", "/controllers/live/no_such_config/start"))[0] == 404
        assert (await answer("GET", "/controllers/live/nope"))[0] == 404

        status, started = await answer("POST", "/controllers/live/live_pmm/start")
        assert status == 201 and started["controller_id"] == "live_pmm"
        assert (await answer("POST", "/controllers/live/live_pmm/start"))[0] == 409

        async def ticking() -> bool:
            return bool((await answer("GET", "/controllers/live/live_pmm"))[1]["ticks"] >= 2)

        await wait_for(ticking, timeout=60, interval=0.3)
        status, listed = await answer("GET", "/controllers/live")
        assert status == 200 and [c["controller_id"] for c in listed] == ["live_pmm"]
        status, stopped = await answer("POST", "/controllers/live/live_pmm/stop")
        assert status == 200 and stopped["status"] == "STOPPED"
        assert (await answer("GET", "/controllers/live/live_pmm"))[1]["status"] == "STOPPED"
