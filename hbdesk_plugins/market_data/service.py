"""Market data: order books, prices and candles from live connectors, feeds that stop when unread.

Every connector goes through the connector manager and the catalog, whoever provides it, so all
answer through the same code. Candles come from the connector's market source when its provider
computes its market (any range, any interval), else from hummingbot's candles feeds. Long candle
answers are computed and encoded in a worker thread, in slices, so the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import math
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from hbdesk.sdk import (
    CANDLE_FIELDS,
    INTERVAL_SECONDS,
    Candle,
    Interval,
    InvalidInput,
    Kernel,
    Unavailable,
    excerpt,
    until,
)
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS, MarketSource
from hbdesk_plugins.market_data.book_watch import BookWatch
from hbdesk_plugins.market_data.models import (
    OrderBookLevel,
    OrderBookQueryResult,
    OrderBookResponse,
)
from hbdesk_plugins.market_data.settings import MarketDataSettings

if TYPE_CHECKING:
    from hbdesk_plugins.connectors.public import ConnectorManager

log = logging.getLogger(__name__)

ROWS_AT_A_TIME = 4096  # candles encoded at a time: each slice holds the interpreter a few ms
FEED_MAX_CANDLES = 100_000  # from an exchange's candles feed, which pages through its REST API

# kind → (OrderBook method, the field the request fills, where its price and volume answers go)
BOOK_QUERIES = {
    "price_for_volume": ("get_price_for_volume", "query_volume", "result_price", "result_volume"),
    "vwap_for_volume": ("get_vwap_for_volume", "query_volume", "average_price", "result_volume"),
    "volume_for_price": ("get_volume_for_price", "query_price", "result_price", "result_volume"),
    "price_for_quote_volume": (
        "get_price_for_quote_volume",
        "query_volume",
        "result_price",
        "result_quote_volume",
    ),
    "quote_volume_for_price": (
        "get_quote_volume_for_price",
        "query_price",
        "result_price",
        "result_quote_volume",
    ),
}


class MarketDataService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("market_data", MarketDataSettings)
        self._last_read: dict[tuple[str, str, str], float] = {}  # (kind, connector, pair) → time
        self._candle_feeds: dict[tuple[str, str, str], Any] = {}
        # (connector, pair) → (book version, depth, bids, asks)
        self._watches: dict[tuple[str, str], BookWatch] = {}
        self._levels_json: dict[tuple[str, str, int], tuple[Any, str]] = {}
        self._book_levels: dict[tuple[str, str], tuple[Any, int, list[Any], list[Any]]] = {}
        self._book_json: dict[tuple[str, str, int], tuple[Any, bytes]] = {}

    async def start(self) -> None:
        self.kernel.spawn(self._sweep(), name="market data sweep")

    async def stop(self) -> None:
        for feed in self._candle_feeds.values():
            feed.stop()
        self._candle_feeds.clear()

    @property
    def manager(self) -> ConnectorManager:
        return self.kernel.service(CONNECTOR_MANAGER)

    def _market(self, name: str) -> MarketSource | None:
        return self.kernel.service(CONNECTORS).market_source(name)

    def _touch(self, kind: str, name: str, pair: str) -> None:
        self._last_read[(kind, name, pair)] = self.kernel.clock()

    def touch_trades(self, name: str, pair: str) -> None:
        """A trades subscription reads the order book's feed: keep it alive."""
        self._touch("order_book", name, pair)

    async def check_pair(self, name: str, pair: str) -> None:
        await self.kernel.service(CONNECTORS).spec(name)
        market = self._market(name)
        if market is not None and pair not in (pairs := market.trading_pairs()):
            raise InvalidInput(
                f"Unknown trading pair {excerpt(pair)} on {name}. Pairs: {', '.join(sorted(pairs))}."
            )

    # -- order books ----------------------------------------------------------------------------

    async def book(self, name: str, pair: str) -> Any:
        await self.check_pair(name, pair)
        connector = await self.manager.public(name, [pair])
        self._touch("order_book", name, pair)
        return connector.get_order_book(pair)

    def book_changes(self, name: str, pair: str) -> AsyncGenerator[tuple[Any, float]]:
        """The book and then each change of it, with the loop time each change was seen."""
        watch = self._watches.get((name, pair))
        if watch is None:
            watch = self._watches[(name, pair)] = BookWatch(lambda: self.book(name, pair))
        return watch.changes()

    def levels_json(self, name: str, pair: str, book: Any, depth: int) -> str:
        """The top ``depth`` levels as the JSON text ``{"bids": [[price, amount]], "asks": ...}``,
        encoded once per change of the book and depth however many readers push it."""
        version = (book.snapshot_uid, book.last_diff_uid)
        cached = self._levels_json.get((name, pair, depth))
        if cached is not None and cached[0] == version:
            return cached[1]
        bids, asks = self._levels(name, pair, book, depth)
        text = json.dumps(
            {
                "bids": [[level.price, level.amount] for level in bids],
                "asks": [[level.price, level.amount] for level in asks],
            }
        )
        self._levels_json[(name, pair, depth)] = (version, text)
        return text

    async def order_book_json(self, name: str, pair: str, depth: int) -> bytes:
        """``order_book`` as the JSON the REST route answers: the levels encoded once per change
        of the book and depth, only the time added per request (a book is read far more often
        than it moves)."""
        book = await self.book(name, pair)
        version = (book.snapshot_uid, book.last_diff_uid)
        cached = self._book_json.get((name, pair, depth))
        if cached is None or cached[0] != version:
            bids, asks = self._levels(name, pair, book, depth)
            levels = json.dumps(
                {
                    "trading_pair": pair,
                    "bids": [{"price": level.price, "amount": level.amount} for level in bids],
                    "asks": [{"price": level.price, "amount": level.amount} for level in asks],
                },
                separators=(",", ":"),
            ).encode()
            cached = self._book_json[(name, pair, depth)] = (version, levels[:-1])
        return b'%s,"timestamp":%s}' % (cached[1], repr(float(self.kernel.clock())).encode())

    async def order_book(self, name: str, pair: str, depth: int) -> OrderBookResponse:
        book = await self.book(name, pair)
        bids, asks = self._levels(name, pair, book, depth)
        # The levels come straight from the book, already floats: nothing to validate.
        return OrderBookResponse.model_construct(
            trading_pair=pair, bids=bids, asks=asks, timestamp=self.kernel.clock()
        )

    def _levels(
        self, name: str, pair: str, book: Any, depth: int
    ) -> tuple[list[OrderBookLevel], list[OrderBookLevel]]:
        """The top ``depth`` levels of each side, kept until the book next changes: a book is
        read far more often than it moves."""
        version = (book.snapshot_uid, book.last_diff_uid)
        cached = self._book_levels.get((name, pair))
        if cached is not None and cached[0] == version and cached[1] >= depth:
            return cached[2][:depth], cached[3][:depth]
        bids = [
            OrderBookLevel.model_construct(price=row.price, amount=row.amount)
            for row in islice(book.bid_entries(), depth)
        ]
        asks = [
            OrderBookLevel.model_construct(price=row.price, amount=row.amount)
            for row in islice(book.ask_entries(), depth)
        ]
        self._book_levels[(name, pair)] = (version, depth, bids, asks)
        return bids, asks

    async def query(
        self, name: str, pair: str, is_buy: bool, kind: str, value: float
    ) -> OrderBookQueryResult:
        """One of the order book's own queries (hummingbot computes them)."""
        method, asked, price_field, volume_field = BOOK_QUERIES[kind]
        book = await self.book(name, pair)
        answer = getattr(book, method)(is_buy, value)
        result = OrderBookQueryResult(trading_pair=pair, is_buy=is_buy, timestamp=self.kernel.clock())
        setattr(result, asked, value)
        setattr(result, price_field, answer.result_price)
        setattr(result, volume_field, answer.result_volume)
        return _finite(result)

    async def prices(self, name: str, pairs: list[str]) -> dict[str, float]:
        for pair in pairs:
            await self.check_pair(name, pair)
        connector = await self.manager.public(name, pairs)
        for pair in pairs:
            self._touch("order_book", name, pair)
        return {pair: _mid(connector.get_order_book(pair)) for pair in pairs}

    # -- candles --------------------------------------------------------------------------------

    async def candles(self, name: str, pair: str, interval: Interval, max_records: int) -> list[Candle]:
        """The latest candles, the newest still open (for the desk's chart and the socket)."""
        columns = await self._recent(name, pair, interval, max_records)
        return await asyncio.to_thread(_rows, columns) if isinstance(columns, Mapping) else columns

    async def candles_json(
        self, name: str, pair: str, interval: Interval, max_records: int
    ) -> AsyncIterator[bytes]:
        """``candles`` as the JSON list the REST route answers, in pieces encoded off the loop."""
        return _encoded(await self._recent(name, pair, interval, max_records))

    async def historical_json(
        self, name: str, pair: str, interval: Interval, start: int, end: int
    ) -> AsyncIterator[bytes]:
        """Candles opening within [start, end), as JSON in pieces encoded off the event loop.
        Everything that can fail (the range, the pair, the exchange) fails before the first piece."""
        if end <= start:
            raise InvalidInput("end_time must be after start_time")
        now = self.kernel.clock()
        span = INTERVAL_SECONDS[interval]
        market = self._market(name)
        # Candles open on multiples of the interval, none after now.
        wanted = max(0, math.ceil(min(end, now) / span) - math.ceil(start / span))
        _check_candle_count(wanted, interval, market)
        await self.check_pair(name, pair)
        if market is not None:
            columns = await asyncio.to_thread(market.candle_columns, pair, interval, start, min(end, now))
            return _encoded(columns)
        from hummingbot.data_feed.candles_feed.data_types import HistoricalCandlesConfig

        feed = self._new_feed(name, pair, interval, 100)
        config = HistoricalCandlesConfig(
            connector_name=name, trading_pair=pair, interval=interval, start_time=start, end_time=end
        )
        frame = await self.manager.ask(name, feed.get_historical_candles(config))
        return _encoded(_frame_rows(frame))

    async def _recent(
        self, name: str, pair: str, interval: Interval, count: int
    ) -> Mapping[str, Any] | list[Candle]:
        market = self._market(name)
        _check_candle_count(count, interval, market)
        await self.check_pair(name, pair)
        self._touch("candles", name, pair)
        if market is not None:
            now = self.kernel.clock()
            return await asyncio.to_thread(market.recent_candle_columns, pair, interval, now, count)
        feed = await self._candle_feed(name, pair, interval, count)
        return _frame_rows(feed.candles_df.tail(count))

    def candle_connectors(self) -> list[str]:
        from hummingbot.data_feed.candles_feed.candles_factory import CandlesFactory

        computed = self.kernel.service(CONNECTORS).market_connectors()
        return sorted({*computed, *CandlesFactory._candles_map})

    def _new_feed(self, name: str, pair: str, interval: Interval, max_records: int) -> Any:
        from hummingbot.data_feed.candles_feed.candles_factory import CandlesFactory
        from hummingbot.data_feed.candles_feed.data_types import CandlesConfig

        if name not in CandlesFactory._candles_map:
            raise InvalidInput(
                f"{name} has no candles feed. Connectors with candles: {', '.join(self.candle_connectors())}."
            )
        return CandlesFactory.get_candle(
            CandlesConfig(connector=name, trading_pair=pair, interval=interval, max_records=max_records)
        )

    async def _candle_feed(self, name: str, pair: str, interval: Interval, max_records: int) -> Any:
        key = (name, pair, interval)
        feed = self._candle_feeds.get(key)
        if feed is None:
            feed = self._new_feed(name, pair, interval, max_records)
            feed.start()
            self._candle_feeds[key] = feed
        try:
            await self.manager.ask(name, until(lambda: feed.ready))
        except Unavailable:
            feed.stop()
            self._candle_feeds.pop(key, None)
            raise
        return feed

    # -- feeds ----------------------------------------------------------------------------------

    def active_feeds(self) -> dict[str, Any]:
        now = self.kernel.clock()
        return {
            f"{name}_{pair}_{kind}": {
                "connector": name,
                "trading_pair": pair,
                "type": kind,
                "last_access": last,
                "seconds_since_access": round(now - last, 3),
            }
            for (kind, name, pair), last in sorted(self._last_read.items())
        }

    async def add_pair(self, name: str, pair: str, timeout: float) -> None:
        await self.check_pair(name, pair)
        try:
            await asyncio.wait_for(self.manager.public(name, [pair]), timeout)
        except TimeoutError:
            raise Unavailable(f"{name} sent no order book for {pair} within {timeout:g} s") from None
        self._touch("order_book", name, pair)

    async def remove_pair(self, name: str, pair: str) -> bool:
        await self.kernel.service(CONNECTORS).spec(name)
        self._last_read.pop(("order_book", name, pair), None)
        connector = self.manager.live.get((None, name))
        if connector is None or pair not in connector.order_books:
            return False
        await connector.remove_trading_pair(pair)
        return True

    async def diagnostics(self, name: str) -> dict[str, Any]:
        await self.kernel.service(CONNECTORS).spec(name)
        connector = self.manager.live.get((None, name))
        if connector is None:
            return {"connector_name": name, "running": False, "trading_pairs": [], "metrics": {}}
        tracker = connector.order_book_tracker
        return {
            "connector_name": name,
            "running": True,
            "ready": bool(tracker.ready),
            "trading_pairs": sorted(tracker.order_books),
            "metrics": tracker.metrics.to_dict(),
        }

    async def restart(self, name: str) -> list[str]:
        await self.kernel.service(CONNECTORS).spec(name)
        connector = self.manager.live.get((None, name))
        pairs = sorted(connector.order_books) if connector is not None else []
        await self.manager.release(None, name)
        if pairs:
            await self.manager.public(name, pairs)
        return pairs

    async def _sweep(self) -> None:
        """Stop what nobody has read for ``feed_timeout`` seconds."""
        while True:
            await asyncio.sleep(self.settings.cleanup_interval)
            await self.sweep_once()

    async def sweep_once(self) -> None:
        cutoff = self.kernel.clock() - self.settings.feed_timeout
        for key, last in list(self._last_read.items()):
            if last <= cutoff:
                del self._last_read[key]
                kind, name, pair = key
                if kind == "candles":
                    for feed_key in [k for k in self._candle_feeds if k[:2] == (name, pair)]:
                        self._candle_feeds.pop(feed_key).stop()
                else:
                    connector = self.manager.live.get((None, name))
                    if connector is not None and pair in connector.order_books:
                        await connector.remove_trading_pair(pair)
        watched = {name for (kind, name, _pair) in self._last_read if kind == "order_book"}
        for account, name in list(self.manager.live):
            if account is None and name not in watched:
                log.info("stopping the %s data connector: nobody reads it", name)
                await self.manager.release(None, name)


def _mid(book: Any) -> float:
    return (float(book.get_price(True)) + float(book.get_price(False))) / 2


def _finite(result: OrderBookQueryResult) -> OrderBookQueryResult:
    """NaN (an empty side of the book) is reported as null."""
    for field, value in result.model_dump().items():
        if isinstance(value, float) and value != value:
            setattr(result, field, None)
    return result


def _check_candle_count(count: int, interval: Interval, market: MarketSource | None) -> None:
    limit = market.max_candles(interval) if market is not None else FEED_MAX_CANDLES
    if count > limit:
        widest = max(INTERVAL_SECONDS.values())
        wider = " or widen the interval" if INTERVAL_SECONDS[interval] < widest else ""
        raise InvalidInput(
            f"{excerpt(f'{count:,}')} candles of {interval} asked; at most {limit:,} of {interval} a request "
            f"({_duration(limit, interval)}): narrow the range, ask in several requests{wider}"
        )


def _duration(count: int, interval: Interval) -> str:
    seconds = count * INTERVAL_SECONDS[interval]
    return f"{seconds / 86_400:,.0f} days" if seconds >= 2 * 86_400 else f"{seconds / 3600:,.0f} hours"


CandleRow = dict[str, float | int]  # a Candle as a plain dict, its fields in order
_SLICE = TypeAdapter(list[CandleRow])


async def _encoded(candles: Mapping[str, Any] | list[Candle]) -> AsyncIterator[bytes]:
    """The JSON list of candles, a slice at a time, each encoded in a worker thread: no step holds
    the interpreter long, and the whole answer is never held at once (a year of minutes is 150 MB
    of JSON)."""
    if not isinstance(candles, Mapping):
        yield await asyncio.to_thread(_SLICE.dump_json, [dataclasses.asdict(candle) for candle in candles])
        return
    yield b"["
    count = len(candles[CANDLE_FIELDS[0]])
    for lo in range(0, count, ROWS_AT_A_TIME):
        part = await asyncio.to_thread(_encode_slice, candles, lo)
        yield part if lo == 0 else b"," + part
    yield b"]"


def _slice_rows(columns: Mapping[str, Any], lo: int) -> list[CandleRow]:
    """Rows [lo, lo + ROWS_AT_A_TIME) of the columns as plain dicts."""
    values = zip(*(columns[field][lo : lo + ROWS_AT_A_TIME].tolist() for field in CANDLE_FIELDS), strict=True)
    return [dict(zip(CANDLE_FIELDS, row, strict=True)) for row in values]


def _encode_slice(columns: Mapping[str, Any], lo: int) -> bytes:
    """Rows [lo, lo + ROWS_AT_A_TIME) as JSON objects, comma-separated, without the brackets."""
    return _SLICE.dump_json(_slice_rows(columns, lo))[1:-1]


def _rows(columns: Mapping[str, Any]) -> list[Candle]:
    count = len(columns[CANDLE_FIELDS[0]])
    return [
        Candle(**row)  # type: ignore[arg-type]  # the columns carry exactly Candle's fields
        for lo in range(0, count, ROWS_AT_A_TIME)
        for row in _slice_rows(columns, lo)
    ]


def _frame_rows(frame: Any) -> list[Candle]:
    """A hummingbot candles DataFrame as candles."""
    return [Candle(**{k: row[k] for k in CANDLE_FIELDS}) for row in frame.to_dict("records")]
