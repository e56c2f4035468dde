"""What the rate-oracle and ticker tests share: a frozen clock and a scripted rate source."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers import AUTH, FROZEN

SIM_PAIRS = {"BTC-USDT", "ETH-USDT", "SOL-USDT"}


def mid(desk: Any, pair: str) -> float:
    return desk.kernel.service("sim").market.mid(pair, FROZEN)


async def get(api: Any, path: str, **params: Any) -> tuple[int, Any]:
    response = await api.get(path, params=params, headers=AUTH)
    return response.status, await response.json()


async def send(api: Any, method: str, path: str, body: Any) -> tuple[int, Any]:
    response = await api.request(method, path, json=body, headers=AUTH)
    return response.status, await response.json()


class ScriptedSource:
    """Stands in for one of hummingbot's rate sources; each test scripts its answer."""

    answer: Any = {}
    asked: list[str | None] = []

    @property
    def name(self) -> str:
        return "binance"

    async def get_prices(self, quote_token: str | None = None) -> dict[str, Decimal]:
        type(self).asked.append(quote_token)
        answer = type(self).answer
        if answer == "hang":
            await asyncio.sleep(3600)  # an exchange that never answers
        if isinstance(answer, Exception):
            raise answer
        return answer


def script_binance(monkeypatch: pytest.MonkeyPatch) -> type[ScriptedSource]:
    """hummingbot's binance rate source replaced by a scripted one: no test reaches a network."""
    from hummingbot.core.rate_oracle.rate_oracle import RATE_ORACLE_SOURCES

    source = type("Binance", (ScriptedSource,), {"answer": {}, "asked": []})
    monkeypatch.setitem(RATE_ORACLE_SOURCES, "binance", source)
    return source
