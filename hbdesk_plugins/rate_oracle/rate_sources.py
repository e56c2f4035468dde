"""Hummingbot's rate sources (binance, kucoin, coin_gecko, ...): their names and their prices.

The rate oracle reads prices through them, and lends them to market data for the tickers of a
real exchange (``RateOracleService.source_prices``). hummingbot is
imported in a worker thread the first time (it takes a second or so), and every fetch is bounded
by the connectors' timeout, so an exchange that cannot be reached is a 503 naming it, never a hang.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from hbdesk.sdk import InvalidInput, Kernel, Unavailable
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # the connectors' own default, for a desk running without that plugin


def _source_classes() -> dict[str, Any]:
    from hummingbot.core.rate_oracle.rate_oracle import RATE_ORACLE_SOURCES

    return cast(dict[str, Any], RATE_ORACLE_SOURCES)  # hummingbot has no type hints


async def source_classes() -> dict[str, Any]:
    """Name → hummingbot rate source class; empty (and logged) if hummingbot cannot load them."""
    try:
        return await asyncio.to_thread(_source_classes)
    except Exception:
        log.exception("hummingbot's rate sources could not be loaded")
        return {}


def exchange_timeout(kernel: Kernel) -> float:
    """The seconds any exchange gets to answer: the connector manager's (declared optional), so
    one setting rules all."""
    manager = kernel.optional_service(CONNECTOR_MANAGER)
    return float(manager.timeout) if manager is not None else DEFAULT_TIMEOUT


class RateSources:
    """One instance per hummingbot source, kept: the sources cache their own answers."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self._instances: dict[str, Any] = {}
        self._classes: dict[str, Any] = {}

    async def classes(self) -> dict[str, Any]:
        """hummingbot's sources, loaded once (a failed load is tried again next time)."""
        if not self._classes:
            self._classes = await source_classes()
        return self._classes

    async def names(self) -> list[str]:
        return list(await self.classes())

    async def _instance(self, name: str) -> Any:
        if name not in self._instances:
            classes = await self.classes()
            if name not in classes:
                raise InvalidInput(f"Unknown rate source '{name}'. Rate sources: {', '.join(classes)}.")
            try:
                self._instances[name] = classes[name]()
            except Exception as exc:
                raise Unavailable(f"rate source {name} could not be started: {type(exc).__name__}") from exc
        return self._instances[name]

    async def prices(self, name: str, quote_token: str | None = None) -> dict[str, float]:
        """Pair → price as the source lists it, in ``quote_token`` when given; 503 when unreachable."""
        source = await self._instance(name)
        timeout = exchange_timeout(self.kernel)
        try:
            listed = await asyncio.wait_for(source.get_prices(quote_token=quote_token), timeout)
        except TimeoutError:
            raise Unavailable(f"rate source {name} did not answer within {timeout:g} s") from None
        except Exception as exc:
            raise Unavailable(f"rate source {name} cannot be reached: {type(exc).__name__}: {exc}") from exc
        prices = {pair: float(price) for pair, price in (listed or {}).items() if price and price > 0}
        if not prices:
            # hummingbot's sources log their own failures and answer nothing: that is unreachable too.
            wanted = f" in {quote_token}" if quote_token else ""
            raise Unavailable(f"rate source {name} answered no prices{wanted}: it cannot be reached")
        return prices
