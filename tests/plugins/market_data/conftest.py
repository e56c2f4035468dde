from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """This domain's tests meet scripted exchanges (binance, kucoin, hyperliquid) unless a test
    asks for hummingbot's own catalog."""
