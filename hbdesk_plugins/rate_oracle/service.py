"""The rate oracle: what each token is worth in the desk's global token.

Prices come from one source at a time: a connector whose market its provider computes (the desk's
default market is the default source, so a desk without a network prices everything) or one of
hummingbot's rate sources. The chosen source and global
token live in the desk's preferences, so a restart keeps them. Prices are kept for ``PRICE_TTL``
seconds; a pair the source does not list is resolved through a common token (ETH-BTC from
ETH-USDT and BTC-USDT).

hummingbot's global ``RateOracle`` follows the same config and is fed the same prices (see
``hummingbot_oracle``), so hummingbot code running in the desk prices as the API does.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from hbdesk.sdk import (
    HbdeskError,
    InvalidInput,
    Kernel,
    NotFound,
    RateBook,
    Unavailable,
    split_pair,
    token_list,
)
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.rate_oracle.models import RateOracleConfig, RateOracleConfigUpdateRequest
from hbdesk_plugins.rate_oracle.rate_sources import RateSources

if TYPE_CHECKING:
    from hbdesk_plugins.rate_oracle.hummingbot_oracle import GlobalOracle

log = logging.getLogger(__name__)

PREFERENCE = "rate_oracle"  # the key of the config in the desk's preferences
PRICE_TTL = 5.0  # seconds a fetched set of prices answers rates before it is fetched again
FEED_INTERVAL = 1.0  # seconds between two feeds of hummingbot's oracle, as its own loop has it
FEED_BACKOFF = 60.0  # the longest wait between two feeds while the source cannot be reached


def _load_global_oracle() -> type[GlobalOracle]:
    from hbdesk_plugins.rate_oracle.hummingbot_oracle import GlobalOracle

    return GlobalOracle


@dataclass(frozen=True)
class Snapshot:
    """Prices as one source gave them, in one quote token, at one time."""

    source: str
    quote_token: str
    prices: dict[str, float]
    updated_at: float


class RateOracleService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.sources = RateSources(kernel)
        self._stored = self._load()
        self._snapshot: Snapshot | None = None
        self._updating = asyncio.Lock()
        self._hummingbot: GlobalOracle | None = None
        self._hummingbot_fed = asyncio.Event()
        # Fed from a network source only once hummingbot code asked for the oracle: until then a
        # desk without network would ask binance (say) every second for nothing.
        self._hummingbot_wanted = False
        self._config_changed = asyncio.Event()

    async def start(self) -> None:
        self.kernel.spawn(self._follow_hummingbot(), name="hummingbot rate oracle")

    def _load(self) -> RateOracleConfig:
        stored = self.kernel.preferences.get(PREFERENCE) or {}
        try:
            return RateOracleConfig.model_validate(stored)
        except ValidationError:
            log.warning("the stored rate oracle config is unreadable; using the defaults")
            return RateOracleConfig()

    @property
    def config(self) -> RateOracleConfig:
        """The config in force: an unset source is the desk's default market."""
        if self._stored.rate_oracle_source.name:
            return self._stored
        source = self._stored.rate_oracle_source.model_copy(update={"name": self._default_source()})
        return self._stored.model_copy(update={"rate_oracle_source": source})

    def _default_source(self) -> str:
        catalog = self.kernel.optional_service(CONNECTORS)
        default = catalog.default_market() if catalog is not None else None
        return default or "binance"  # without a market of the desk's own: hummingbot's default

    @property
    def source(self) -> str:
        return self.config.rate_oracle_source.name

    def _markets(self) -> list[str]:
        """Connectors whose market a provider computes: each market prices as a source, offline,
        named by its first connector (a spot and a perpetual venue on one market are one source)."""
        catalog = self.kernel.optional_service(CONNECTORS)
        if catalog is None:
            return []
        names: dict[int, str] = {}
        for name in catalog.market_connectors():
            names.setdefault(id(catalog.market_source(name)), name)
        return list(names.values())

    @property
    def quote_token(self) -> str:
        return self.config.global_token.global_token_name

    async def available_sources(self) -> list[str]:
        markets = self._markets()
        return [*markets, *(name for name in await self.sources.names() if name not in markets)]

    async def source_names(self) -> list[str]:
        """hummingbot's rate sources (binance, kucoin, ...)."""
        return await self.sources.names()

    async def source_prices(self, name: str, quote_token: str | None = None) -> dict[str, float]:
        """Pair → price from one of hummingbot's rate sources; a 503 when it cannot be reached."""
        return await self.sources.prices(name, quote_token)

    # -- config ---------------------------------------------------------------------------------

    async def update(self, request: RateOracleConfigUpdateRequest) -> list[str]:
        """Apply what the request gives, validated as a whole, kept, and said back as changes."""
        async with self._updating:
            source = self._stored.rate_oracle_source
            if request.rate_oracle_source is not None and request.rate_oracle_source.model_fields_set:
                source = request.rate_oracle_source
            token = self._stored.global_token
            if request.global_token is not None:
                given = request.global_token.model_dump(include=request.global_token.model_fields_set)
                token = token.model_copy(update=given)
            new = RateOracleConfig(rate_oracle_source=source, global_token=token)
            await self._validate(new)
            before = self.config
            self._stored = new
            changes = _changes(before, self.config)
            if changes:
                self.kernel.preferences.set(PREFERENCE, new.model_dump())
                self._snapshot = None
                if self._hummingbot is not None:
                    self._hummingbot.configure()  # at once: hummingbot never quotes the old token
                self._config_changed.set()
            return changes

    async def _validate(self, config: RateOracleConfig) -> None:
        name = config.rate_oracle_source.name or self._default_source()
        sources = await self.available_sources()
        if name not in sources:
            raise InvalidInput(f"Unknown rate oracle source '{name}'. Sources: {', '.join(sources)}.")
        token = config.global_token.global_token_name
        if name in self._markets():
            tokens = self._market_book(name).tokens
            if token not in tokens:
                raise InvalidInput(f"{name} prices no {token}. Its tokens: {', '.join(tokens)}.")

    # -- prices and rates -----------------------------------------------------------------------

    async def prices(self, fresh: bool = False) -> Snapshot:
        """The source's prices in the global token: kept ones while young, else fetched now."""
        source, quote = self.source, self.quote_token
        kept = self._snapshot
        if (
            not fresh
            and kept is not None
            and (kept.source, kept.quote_token) == (source, quote)
            and 0 <= self.kernel.clock() - kept.updated_at < PRICE_TTL  # a clock set back: not young
        ):
            return kept
        if source in self._markets():
            prices = self._market_prices(source, quote)
        else:
            prices = await self.sources.prices(source, quote)
        snapshot = Snapshot(source, quote, prices, self.kernel.clock())
        if (self.source, self.quote_token) == (source, quote):  # the config did not change meanwhile
            self._snapshot = snapshot
            if self._hummingbot is not None:
                self._hummingbot.take(snapshot)  # hummingbot's code sees what the API answered
        return snapshot

    async def prices_of(self, source: str, quote: str) -> dict[str, float]:
        """Pair → price from any source in any quote token, kept nowhere (the global token's
        prices of the chosen source are ``prices``)."""
        if source in self._markets():
            return self._market_prices(source, quote)
        return await self.sources.prices(source, quote)

    async def rate(self, pair: str, fresh: bool = False) -> tuple[float, Snapshot]:
        base, quote = split_pair(pair)
        snapshot = await self.prices(fresh)
        book = RateBook(snapshot.prices)
        rate = book.rate(base, quote)
        if rate is None:
            unknown = book.unknown(dict.fromkeys((base, quote)))
            if unknown:
                raise NotFound(
                    f"No rate for {pair}: {snapshot.source} prices no {' or '.join(unknown)}. "
                    f"Tokens it prices: {token_list(book.tokens)}."
                )
            raise NotFound(f"No rate for {pair}: {snapshot.source} links no pairs from {base} to {quote}.")
        return rate, snapshot

    async def rates(self, pairs: list[str]) -> tuple[dict[str, float | None], Snapshot]:
        """Rates of many pairs; None for a pair whose tokens the source cannot link."""
        wanted = {pair: split_pair(pair) for pair in pairs}  # a malformed pair fails before any fetch
        snapshot = await self.prices()
        book = RateBook(snapshot.prices)
        return {pair: book.rate(base, quote) for pair, (base, quote) in wanted.items()}, snapshot

    # -- hummingbot's global oracle --------------------------------------------------------------

    async def hummingbot_oracle(self) -> Any:
        """hummingbot's ``RateOracle.get_instance()``, configured, and fed (or tried) at least
        once; from now on fed every second whatever the source (hummingbot code uses it)."""
        self._hummingbot_wanted = True
        self._config_changed.set()
        await self._hummingbot_fed.wait()
        if self._hummingbot is None:
            raise Unavailable("hummingbot's rate oracle could not be loaded: see the desk's log")
        return self._hummingbot.oracle

    async def _follow_hummingbot(self) -> None:
        """Configure hummingbot's oracle, then feed it for as long as the desk runs."""
        try:
            # hummingbot takes a second or so to import: in a thread, off the event loop.
            oracle_class = await asyncio.to_thread(_load_global_oracle)
        except Exception:
            log.exception("hummingbot's rate oracle could not be loaded; its code prices nothing")
            self._hummingbot_fed.set()  # whoever waits for it is told
            return
        self._hummingbot = oracle_class(self)
        failures = 0
        while True:
            self._config_changed.clear()
            self._hummingbot.configure()
            if self._hummingbot_wanted or self.source in self._markets():
                try:
                    self._hummingbot.take(await self.prices())
                    failures = 0
                except HbdeskError as exc:  # the source is down: hummingbot keeps its last prices
                    failures += 1
                    log.debug("hummingbot's rate oracle not fed: %s", exc.detail)
            self._hummingbot_fed.set()
            wait = min(FEED_BACKOFF, FEED_INTERVAL * 2**failures) if failures else FEED_INTERVAL
            with suppress(TimeoutError):  # a change of config feeds at once
                await asyncio.wait_for(self._config_changed.wait(), wait)

    # -- a provider's market as a source ---------------------------------------------------------

    def _market_book(self, name: str) -> RateBook:
        catalog = self.kernel.optional_service(CONNECTORS)
        market = catalog.market_source(name) if catalog is not None else None
        if market is None:
            raise Unavailable(f"{name} is not running: its plugin is disabled or has not started")
        now = self.kernel.clock()
        return RateBook({pair: market.mid(pair, now) for pair in market.trading_pairs()})

    def _market_prices(self, name: str, quote: str) -> dict[str, float]:
        """Every token of a provider's market in ``quote``, as hummingbot's sources answer."""
        book = self._market_book(name)
        if quote not in book.tokens:
            raise InvalidInput(
                f"{name} prices no {quote}: set the global token to one of {', '.join(book.tokens)}."
            )
        rates = {f"{token}-{quote}": book.rate(token, quote) for token in book.tokens if token != quote}
        return {pair: rate for pair, rate in rates.items() if rate is not None}


def _changes(old: RateOracleConfig, new: RateOracleConfig) -> list[str]:
    fields = {
        "rate_oracle_source": (old.rate_oracle_source.name, new.rate_oracle_source.name),
        "global_token_name": (old.global_token.global_token_name, new.global_token.global_token_name),
        "global_token_symbol": (old.global_token.global_token_symbol, new.global_token.global_token_symbol),
    }
    return [f"{field} updated to {after}" for field, (before, after) in fields.items() if before != after]
