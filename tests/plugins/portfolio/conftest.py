from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """This domain's tests meet scripted exchanges (binance, kucoin, hyperliquid) unless a test
    asks for hummingbot's own catalog."""


@pytest.fixture(autouse=True)
def _no_snapshot_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own ACCOUNT_UPDATE_INTERVAL never reaches a test: each sets its own."""
    monkeypatch.delenv("ACCOUNT_UPDATE_INTERVAL", raising=False)
    monkeypatch.delenv("HBDESK_PORTFOLIO__ACCOUNT_UPDATE_INTERVAL", raising=False)
