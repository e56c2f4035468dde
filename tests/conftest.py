from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hummingbot_api_client import HummingbotAPIClient

from hbdesk.runtime import Desk, create_desk
from hbdesk.settings import CoreSettings
from tests.helpers import FROZEN, PASSWORD, ScriptedExchange, core_settings, fake_specs

if TYPE_CHECKING:
    from tests.server import Served

pytest_plugins = ["tests.postgres", "tests.plugin_install", "tests.server"]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own settings or data dir."""
    for name in (
        "USERNAME",
        "PASSWORD",
        "CONFIG_PASSWORD",
        "DEBUG_MODE",
        "DATABASE_URL",
        "GATEWAY_URL",
        "HBDESK_DISABLED_PLUGINS",
        "BANNED_TOKENS",
        "DOCKER_HOST",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HBDESK_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("HBDESK_DOCKER__HOST", f"unix://{tmp_path / 'no-docker.sock'}")


@pytest.fixture
def exchange() -> ScriptedExchange:
    return ScriptedExchange()


@pytest.fixture
def scripted_catalog(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, exchange: ScriptedExchange
) -> None:
    """The connector catalog answers with a few scripted connectors, unless a test asks for
    hummingbot's (``hummingbot_catalog``). A domain whose tests need it asks for it in its conftest."""
    if request.node.get_closest_marker("hummingbot_catalog"):
        return
    from hbdesk_plugins.connectors import hummingbot_specs

    monkeypatch.setattr(hummingbot_specs, "load_specs", lambda _data_dir: fake_specs(exchange))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def core(data_dir: Path) -> CoreSettings:
    return core_settings(data_dir)


@pytest.fixture
def desk(request: pytest.FixtureRequest, core: CoreSettings) -> Desk:
    """A desk on the test's settings; under @pytest.mark.frozen_clock its clock stands at FROZEN,
    so the simulated market shows one book, one set of prices, to every request."""
    if request.node.get_closest_marker("frozen_clock"):
        return create_desk(core, clock=lambda: FROZEN)
    return create_desk(core)


@pytest.fixture
async def running_desk(desk: Desk) -> AsyncIterator[Desk]:
    await desk.start()
    yield desk
    await desk.stop()


@pytest.fixture
async def api(desk: Desk, aiohttp_client: Any) -> Any:
    """A test client of the REST app; the app starts and stops the desk."""
    from hbdesk_plugins.rest_api.app import create_app

    return await aiohttp_client(create_app(desk))


@pytest.fixture
def binance(monkeypatch: pytest.MonkeyPatch) -> Any:
    """hummingbot's binance rate source, answering what the test scripts instead of the internet."""
    from tests.rates_support import script_binance

    return script_binance(monkeypatch)


@pytest.fixture
async def client(served: Served) -> AsyncIterator[HummingbotAPIClient]:
    """The Hummingbot API's own Python client, logged in to the module's real server."""
    async with HummingbotAPIClient(served.url, "admin", PASSWORD) as api:
        yield api


@pytest.fixture
def make_app(tmp_path: Path):
    from hbdesk.tui.app import DeskApp

    def make(theme: str | None = None, data_dir: Path | None = None) -> DeskApp:
        desk = create_desk(core_settings(data_dir or tmp_path / "desk"))
        if theme:
            desk.kernel.preferences.set("theme", theme)
        return DeskApp(desk)

    return make
