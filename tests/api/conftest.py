from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from hbdesk.runtime import Desk
from hbdesk_plugins.rest_api.app import create_app
from tests.helpers import PASSWORD

AUTH = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}


@pytest.fixture
async def api(desk: Desk, aiohttp_client: Any) -> Any:
    """A test client of the REST app; the app starts and stops the desk."""
    return await aiohttp_client(create_app(desk))


@pytest.fixture
def binance(monkeypatch: pytest.MonkeyPatch) -> Any:
    """hummingbot's binance rate source, answering what the test scripts instead of the internet."""
    from tests.api.rates_support import script_binance

    return script_binance(monkeypatch)
