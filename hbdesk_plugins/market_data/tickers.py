"""Tickers grouped by connector, and cross rates resolved from them.

The pool holds the tickers collected so far, connector by connector. A connector whose market its
provider computes (the simulated exchange, say) is always in it, computed at the moment asked (it
costs no request). A real exchange joins the pool the first time someone names it: its prices come
from hummingbot's rate source of the same name (through the rate oracle), without credentials, and
are kept for ``DEFAULT_MAX_AGE`` seconds unless the caller asks for fresher. One connector
failing is reported beside the others, not instead of them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hbdesk.sdk import HbdeskError, InvalidInput, Kernel, RateBook, Unavailable, split_pair
from hbdesk_plugins.connectors.public import CONNECTORS, MarketSource
from hbdesk_plugins.market_data.models import RatesResponse, TickerInfo, TickersResponse
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE

DEFAULT_MAX_AGE = 30.0  # hummingbot's rate sources cache their answers as long
DEFAULT_QUOTE = "USDT"
VOLUME_INTERVAL = "5m"  # 24 h of volume in 288 candles: within five minutes, and cheap to compute


@dataclass(frozen=True)
class Collected:
    tickers: dict[str, TickerInfo]
    updated_at: float


class TickerPool:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self._collected: dict[str, Collected] = {}

    @property
    def _markets(self) -> list[str]:
        """Connectors whose market a provider computes: always in the pool."""
        return self.kernel.service(CONNECTORS).market_connectors()

    # -- tickers --------------------------------------------------------------------------------

    async def tickers(self, names: list[str], refresh: bool, max_age: float | None) -> TickersResponse:
        if not names and not refresh:
            return _response(await self._pool(), {})  # a plain read: no exchange is asked anything
        for name in names:
            await self.kernel.service(CONNECTORS).spec(name)  # an unknown name is a 400 naming the known
        targets = names or self._pool_names()
        outcomes = await asyncio.gather(
            *(self._collect(name, refresh, max_age) for name in targets), return_exceptions=True
        )
        found: dict[str, Collected] = {}
        errors: dict[str, HbdeskError] = {}
        for name, outcome in zip(targets, outcomes, strict=True):
            if isinstance(outcome, HbdeskError):
                errors[name] = outcome
            elif isinstance(outcome, BaseException):
                raise outcome  # a bug, not an exchange's trouble
            else:
                found[name] = outcome
        if errors and not found:
            detail = "; ".join(f"{name}: {exc.detail}" for name, exc in sorted(errors.items()))
            # Only connectors that can never have tickers: asking again will not help.
            if all(isinstance(exc, InvalidInput) for exc in errors.values()):
                raise InvalidInput(detail)
            raise Unavailable(f"No tickers could be fetched. {detail}")
        return _response(found, {name: exc.detail for name, exc in errors.items()})

    def _pool_names(self) -> list[str]:
        markets = self._markets
        return markets + sorted(n for n in self._collected if n not in markets)

    async def _pool(self) -> dict[str, Collected]:
        catalog = self.kernel.service(CONNECTORS)
        computed: dict[str, Collected] = {}
        by_market: dict[int, Collected] = {}  # a spot and a perpetual venue on one market: once
        for name in self._markets:
            market = id(catalog.market_source(name))
            if market not in by_market:
                by_market[market] = await self._computed(name)
            computed[name] = by_market[market]
        return {**computed, **dict(sorted(self._collected.items()))}

    async def _collect(self, name: str, refresh: bool, max_age: float | None) -> Collected:
        if name in self._markets:
            return await self._computed(name)
        cached = self._collected.get(name)
        limit = DEFAULT_MAX_AGE if max_age is None else max_age
        if cached is not None and not refresh and self.kernel.clock() - cached.updated_at < limit:
            return cached
        collected = await self._remote(name)
        self._collected[name] = collected
        return collected

    async def _computed(self, name: str) -> Collected:
        market = self.kernel.service(CONNECTORS).market_source(name)
        if market is None:
            raise Unavailable(f"{name} is not running: its plugin is disabled or has not started")
        now = self.kernel.clock()
        tickers = await asyncio.to_thread(_computed_tickers, market, now)
        return Collected(tickers, now)

    async def _remote(self, name: str) -> Collected:
        oracle = self.kernel.optional_service(RATE_ORACLE)  # declared optional: it lends its sources
        if oracle is None:
            raise Unavailable(f"{name}'s tickers come from hummingbot's rate sources: the rate oracle is off")
        names = await oracle.source_names()
        if name not in names:
            connectors = set(await self.kernel.service(CONNECTORS).names())
            with_tickers = ", ".join(self._markets + sorted(n for n in names if n in connectors))
            raise InvalidInput(
                f"{name} has no public ticker source. Connectors with tickers: {with_tickers}."
            )
        prices = await oracle.source_prices(name)
        now = self.kernel.clock()
        return Collected(
            {pair: TickerInfo(price=price, timestamp=now) for pair, price in prices.items()}, now
        )

    # -- rates ----------------------------------------------------------------------------------

    async def rates(self, pairs: list[str], connector: str | None) -> RatesResponse:
        wanted = {pair: split_pair(pair) for pair in pairs}
        if connector is not None:
            await self.kernel.service(CONNECTORS).spec(connector)
            groups = [await self._collect(connector, False, None)]
        else:
            groups = list((await self._pool()).values())  # the merged pool, first connector first
        prices: dict[str, float] = {}
        for group in groups:
            for pair, ticker in group.tickers.items():
                prices.setdefault(pair, ticker.price)
        book = RateBook(prices)
        return RatesResponse(
            quote_token=self.quote_token(),
            connector=connector,
            rates={pair: book.rate(base, quote) for pair, (base, quote) in wanted.items()},
        )

    def quote_token(self) -> str:
        """The desk's global token, as the rate oracle is configured; USDT without it."""
        oracle = self.kernel.optional_service(RATE_ORACLE)
        return oracle.quote_token if oracle is not None else DEFAULT_QUOTE


def _computed_tickers(market: MarketSource, now: float) -> dict[str, TickerInfo]:
    tickers = {}
    for pair in sorted(market.trading_pairs()):
        candles = market.candles(pair, VOLUME_INTERVAL, now - 86_400, now)
        base = sum(candle.volume for candle in candles)
        quote = sum(candle.quote_asset_volume for candle in candles)
        tickers[pair] = TickerInfo(
            price=market.mid(pair, now), base_volume=base, quote_volume=quote, volume=quote, timestamp=now
        )
    return tickers


def _response(groups: dict[str, Collected], errors: dict[str, str]) -> TickersResponse:
    return TickersResponse(
        tickers={name: group.tickers for name, group in groups.items()},
        counts={name: len(group.tickers) for name, group in groups.items()},
        updated_at={name: group.updated_at for name, group in groups.items()},
        errors=errors,
    )
