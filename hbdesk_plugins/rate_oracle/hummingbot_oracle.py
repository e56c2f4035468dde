"""hummingbot's global ``RateOracle``, kept in step with the desk's rate oracle.

hummingbot code running inside the desk (strategy_v2 executors, its market data provider) asks
``RateOracle.get_instance()`` for rates. That one instance is configured from the desk's own
config (source and global token) whenever the config is loaded or changed, and is fed the very
prices the rate-oracle routes answer with, so an executor and ``/rate-oracle/rate`` agree.

This module imports hummingbot at its top: the service imports it in a worker thread, once it
runs, never while the desk draws its first frame.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hummingbot.core.rate_oracle.rate_oracle import RateOracle
from hummingbot.core.rate_oracle.sources.rate_source_base import RateSourceBase

from hbdesk.sdk import HbdeskError

if TYPE_CHECKING:
    from hbdesk_plugins.rate_oracle.service import RateOracleService, Snapshot

log = logging.getLogger(__name__)


def as_decimals(prices: dict[str, float]) -> dict[str, Decimal]:
    # Through the float's shortest repr, so float(Decimal) gives the very float the API sends.
    return {pair: Decimal(repr(price)) for pair, price in prices.items()}


class DeskRateSource(RateSourceBase):  # type: ignore[misc]  # hummingbot has no type hints
    """A hummingbot rate source answered by the desk's rate oracle: the source the desk prices
    with (its own market or one of hummingbot's), with the desk's timeouts and cache."""

    def __init__(self, service: RateOracleService, name: str) -> None:
        super().__init__()
        self.service = service
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    async def get_prices(self, quote_token: str | None = None) -> dict[str, Decimal]:
        quote = quote_token or self.service.quote_token
        try:
            if (self._name, quote) == (self.service.source, self.service.quote_token):
                prices = (await self.service.prices()).prices  # the API's own, young, prices
            else:
                prices = await self.service.prices_of(self._name, quote)
        except HbdeskError as exc:
            # hummingbot's callers take an empty answer as "no price"; an exception would be
            # logged by its fetch loop as a network failure every second.
            log.debug("no prices from %s in %s for hummingbot: %s", self._name, quote, exc.detail)
            return {}
        return as_decimals(prices)


class GlobalOracle:
    """Configures hummingbot's global rate oracle and feeds it the desk's prices."""

    def __init__(self, service: RateOracleService) -> None:
        self.service = service
        self.oracle: Any = RateOracle.get_instance()
        self._source: DeskRateSource | None = None

    def configure(self) -> None:
        """Source and quote token as the desk's config has them now."""
        name = self.service.source
        if self._source is None or self._source.name != name or self.oracle.source is not self._source:
            self._source = DeskRateSource(self.service, name)
            self.oracle.source = self._source
            self._forget_prices()
        # hummingbot's setter drops the prices it holds when the token changes.
        self.oracle.quote_token = self.service.quote_token

    def _forget_prices(self) -> None:
        # hummingbot merges each fetch into what it holds and forgets only on a new quote token:
        # a new source must not answer with the last one's pairs. Two token changes clear them
        # through its public setter.
        quote = self.oracle.quote_token
        self.oracle.quote_token = "" if quote else "-"
        self.oracle.quote_token = quote

    def take(self, snapshot: Snapshot) -> None:
        """Hand hummingbot's oracle the desk's prices (those of the config in force only)."""
        if (snapshot.source, snapshot.quote_token) != (self.service.source, self.service.quote_token):
            return  # fetched for a config since changed: the next feed brings the new prices
        self.configure()
        for pair, price in as_decimals(snapshot.prices).items():
            self.oracle.set_price(pair, price)
