"""Every scripts route through the Hummingbot API client, against a real `hbdesk serve`: sources,
their config templates, saved configs, and path traversal on every file route (400, nothing
outside read or written)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import status_of
from tests.plugins.controllers.traversal import CLIENT_NAMES, RAW_NAMES, SECRET, plant, raw, snapshot
from tests.server import Served

pytestmark = pytest.mark.slow

SCRIPT = """
from decimal import Decimal

from pydantic import Field

from hummingbot.client.config.config_data_types import BaseClientModel


class HelloConfig(BaseClientModel):
    script_file_name: str = "hello.py"
    exchange: str = Field(default="hbdesk_sim")
    order_amount: Decimal = Decimal("0.01")
    pairs: list[str] = ["BTC-USDT"]
    account: str


def greet() -> str:
    return "hello"
"""

PLAIN_SCRIPT = "def main() -> int:\n    return 1\n"


@pytest.fixture(scope="module")
def planted(served: Served) -> Iterator[Path]:
    data = served.data_dir
    outside = data / "outside"
    plant(
        outside,
        {
            data / "bots" / "scripts" / "link.py": outside / "secret.py",
            data / "bots" / "conf" / "scripts" / "link.yml": outside / "secret.yml",
        },
    )
    yield outside


async def test_a_script_from_upload_to_delete(client: HummingbotAPIClient, served: Served) -> None:
    assert await client.scripts.list_scripts() == []
    saved = await client.scripts.create_or_update_script("hello", {"content": SCRIPT})
    assert "saved" in saved["message"]
    assert (served.data_dir / "bots" / "scripts" / "hello.py").read_text() == SCRIPT
    await client.scripts.create_or_update_script("plain", {"content": PLAIN_SCRIPT})
    assert await client.scripts.list_scripts() == ["hello", "plain"]
    assert await client.scripts.get_script("hello") == {"name": "hello", "content": SCRIPT}

    template = await client.scripts.get_script_config_template("hello")
    assert template == {
        "script_file_name": "hello.py",
        "exchange": "hbdesk_sim",
        "order_amount": "0.01",
        "pairs": ["BTC-USDT"],
        "account": None,
    }
    await client.scripts.create_or_update_script("hello", {"content": SCRIPT.replace('"0.01"', '"0.5"')})
    assert (await client.scripts.get_script_config_template("hello"))["order_amount"] == "0.5"
    status, detail = await status_of(client.scripts.get_script_config_template("plain"))
    assert status == 404 and "configuration class" in detail

    for name in ("hello", "plain"):
        await client.scripts.delete_script(name)
    assert await client.scripts.list_scripts() == []
    for call in (
        client.scripts.get_script("hello"),
        client.scripts.delete_script("hello"),
        client.scripts.get_script_config_template("hello"),
    ):
        status, _ = await status_of(call)
        assert status == 404


async def test_a_script_that_does_not_compile_or_import_is_refused(
    client: HummingbotAPIClient, served: Served
) -> None:
    status, detail = await status_of(
        client.scripts.create_or_update_script("broken", {"content": "a = 1\nb = (\n"})
    )
    assert status == 400 and "line 2" in detail
    status, detail = await status_of(
        client.scripts.create_or_update_script(
            "broken", {"content": "import os\nimport no_such_module_here\n"}
        )
    )
    assert status == 400 and "line 2" in detail and "no_such_module_here" in detail
    assert not (served.data_dir / "bots" / "scripts" / "broken.py").exists()

    folder = served.data_dir / "bots" / "scripts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "handmade.py").write_text("x = 1\ny = 2\nz = 1 / 0\n")
    status, detail = await status_of(client.scripts.get_script_config_template("handmade"))
    assert status == 400 and "line 3" in detail and "ZeroDivisionError" in detail
    (folder / "handmade.py").unlink()


async def test_saved_configs(client: HummingbotAPIClient, served: Served) -> None:
    assert await client.scripts.list_script_configs() == []
    config = {
        "script_file_name": "v2_with_controllers.py",
        "controllers_config": ["grid_eth.yml"],
        "markets": {},
    }
    saved = await client.scripts.create_or_update_script_config("main", config)
    assert "saved" in saved["message"]
    assert await client.scripts.get_script_config("main") == config
    (served.data_dir / "bots" / "conf" / "scripts" / "garbled.yml").write_text("- just\n- a list\n")
    listed = await client.scripts.list_script_configs()
    assert listed[1] == {
        "config_name": "main",
        "script_file_name": "v2_with_controllers.py",
        "controllers_config": ["grid_eth.yml"],
        "candles_config": [],
        "markets": {},
    }
    assert listed[0]["config_name"] == "garbled" and listed[0]["script_file_name"] == "error"
    status, _ = await status_of(client.scripts.get_script_config("garbled"))
    assert status == 400
    for name in ("main", "garbled"):
        await client.scripts.delete_script_config(name)
    assert await client.scripts.list_script_configs() == []
    for call in (client.scripts.get_script_config("main"), client.scripts.delete_script_config("main")):
        status, _ = await status_of(call)
        assert status == 404


async def test_traversal_is_refused_on_every_file_route(
    client: HummingbotAPIClient, served: Served, planted: Path
) -> None:
    before = snapshot(served.data_dir / "bots"), snapshot(planted)
    source = {"content": PLAIN_SCRIPT}
    config = {"script_file_name": "x.py"}

    for name in CLIENT_NAMES:
        s = client.scripts
        for call in (
            s.get_script(name),
            s.create_or_update_script(name, source),
            s.delete_script(name),
            s.get_script_config_template(name),
            s.get_script_config(name),
            s.create_or_update_script_config(name, config),
            s.delete_script_config(name),
        ):
            status, detail = await status_of(call)
            assert status == 400, (name, status, detail)
            assert SECRET not in detail

    for name in RAW_NAMES:
        for method, path, body in (
            ("GET", f"/scripts/{name}", None),
            ("POST", f"/scripts/{name}", source),
            ("DELETE", f"/scripts/{name}", None),
            ("GET", f"/scripts/{name}/config/template", None),
            ("GET", f"/scripts/configs/{name}", None),
            ("POST", f"/scripts/configs/{name}", config),
            ("DELETE", f"/scripts/configs/{name}", None),
        ):
            status, text = raw(served, method, path, body)
            assert status == 400, (method, path, status, text)
            assert SECRET not in text

    assert "link" not in await client.scripts.list_scripts()
    assert all(c["config_name"] != "link" for c in await client.scripts.list_script_configs())
    assert (snapshot(served.data_dir / "bots"), snapshot(planted)) == before
    assert not [p for p in served.data_dir.rglob("pwned*") if planted not in p.parents]
