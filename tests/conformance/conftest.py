from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD
from tests.server import Served


@pytest.fixture
async def client(served: Served) -> AsyncIterator[HummingbotAPIClient]:
    """The Hummingbot API's own Python client, logged in to the module's real server."""
    async with HummingbotAPIClient(served.url, "admin", PASSWORD) as api:
        yield api
