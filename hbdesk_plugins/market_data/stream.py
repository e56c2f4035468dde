"""``/ws/market-data``: candles, order books and trades pushed to a client as they change.

Protocol: on connect ``{type: connected, connection_id, timestamp}``; a heartbeat every 30 s;
``{action: ping}`` → ``{type: pong}``; ``{action: subscribe, type: candles|order_book|trades,
connector, trading_pair, update_interval, interval, max_records, depth}`` → ``{type: subscribed,
subscription_id}`` and then pushes ``{type, subscription_id, connector, trading_pair, data,
timestamp}``; ``{action: unsubscribe, subscription_id}`` → ``{type: unsubscribed}``. Anything
malformed gets ``{type: error, message}`` and the connection stays up.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import aclosing
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, ValidationError

from hbdesk.sdk import (
    ConnectorName,
    HbdeskError,
    Interval,
    RequestModel,
    Socket,
    SocketSession,
    TradingPair,
    validation_problems,
)
from hbdesk_plugins.market_data.public import MARKET_DATA

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.market_data.service import MarketDataService

THROTTLE_SLACK = 0.02  # seconds of jitter allowed between a book's changes before one waits


class Subscribe(RequestModel):
    action: Literal["subscribe"]
    type: Literal["candles", "order_book", "trades"]
    connector: ConnectorName
    trading_pair: TradingPair
    update_interval: float = Field(1.0, ge=0.25, le=60)
    interval: Interval = "1m"
    max_records: int = Field(100, ge=1, le=5000)
    depth: int = Field(10, ge=1, le=1000)


class MarketDataSession(SocketSession):
    @property
    def service(self) -> MarketDataService:
        return self.kernel.service(MARKET_DATA)

    async def open_subscription(self, message: dict[str, Any]) -> None:
        try:
            request = Subscribe.model_validate(message, strict=True)
        except ValidationError as exc:
            await self.error(f"Invalid subscription: {validation_problems(exc)}")
            return
        try:
            await self.service.check_pair(request.connector, request.trading_pair)
            if request.type != "candles":
                await self.service.book(request.connector, request.trading_pair)
        except HbdeskError as exc:
            await self.error(exc.detail)
            return
        subscription_id = f"{request.type}_{request.connector}_{request.trading_pair}_{uuid.uuid4().hex[:6]}"
        await self.acknowledge(
            subscription_id, request.type, **request.model_dump(exclude={"action", "type"})
        )
        pusher = {"candles": self._candles, "order_book": self._order_book, "trades": self._trades}[
            request.type
        ]
        self.start(subscription_id, pusher(subscription_id, request))

    async def push(self, kind: str, subscription_id: str, request: Subscribe, data: Any) -> None:
        await self.push_encoded(kind, subscription_id, request, json.dumps(data))

    async def push_encoded(self, kind: str, subscription_id: str, request: Subscribe, data: str) -> None:
        """``push`` for data that is JSON text already (shared by every reader of a book)."""
        head = json.dumps(
            {
                "type": kind,
                "subscription_id": subscription_id,
                "connector": request.connector,
                "trading_pair": request.trading_pair,
                "timestamp": self.kernel.clock(),
            }
        )
        await self.push_turn()
        await self.send(f'{head[:-1]}, "data": {data}}}')

    async def _candles(self, subscription_id: str, request: Subscribe) -> None:
        async def loop() -> None:
            await asyncio.sleep(request.update_interval)  # the acknowledgement has a head start
            candles = await self.service.candles(
                request.connector, request.trading_pair, request.interval, request.max_records
            )
            await self.push("candles", subscription_id, request, [asdict(c) for c in candles])
            last = asdict(candles[-1]) if candles else None
            while True:
                await asyncio.sleep(request.update_interval)
                newest = await self.service.candles(
                    request.connector, request.trading_pair, request.interval, 1
                )
                current = asdict(newest[-1]) if newest else None
                if current is not None and current != last:
                    await self.push("candle_update", subscription_id, request, current)
                    last = current

        await loop()

    async def _order_book(self, subscription_id: str, request: Subscribe) -> None:
        async def loop() -> None:
            await asyncio.sleep(request.update_interval)  # the acknowledgement has a head start
            clock = asyncio.get_running_loop()
            last: Any = None
            changes = self.service.book_changes(request.connector, request.trading_pair)
            async with aclosing(changes):  # the book stops being watched with its last reader
                async for book, seen_at in changes:
                    data = self.service.levels_json(
                        request.connector, request.trading_pair, book, request.depth
                    )
                    if data == last:  # only changes are sent
                        continue
                    released = await self.push_turn()
                    await self.push_encoded("order_book", subscription_id, request, data)
                    last = data
                    # At most one push per update_interval, counted from when the change was seen
                    # (not when this push went out), so a busy moment does not delay the next; a
                    # push held back for an acknowledgement counts from its release.
                    since = max(seen_at, released)
                    rest = since + request.update_interval - THROTTLE_SLACK - clock.time()
                    if rest > 0:
                        await asyncio.sleep(rest)

        await loop()

    async def _trades(self, subscription_id: str, request: Subscribe) -> None:
        from hummingbot.core.event.event_forwarder import EventForwarder
        from hummingbot.core.event.events import OrderBookEvent

        async def loop() -> None:
            pending: list[dict[str, Any]] = []

            def collect(event: Any) -> None:
                side = "buy" if event.type.name == "BUY" else "sell"
                pending.append(
                    {"timestamp": event.timestamp, "price": event.price, "amount": event.amount, "side": side}
                )

            forwarder = EventForwarder(collect)  # kept referenced: order books hold listeners weakly
            book = await self.service.book(request.connector, request.trading_pair)
            book.add_listener(OrderBookEvent.TradeEvent, forwarder)
            try:
                while True:
                    await asyncio.sleep(request.update_interval)
                    if pending:
                        batch, pending[:] = list(pending), []
                        await self.push("trades", subscription_id, request, batch)
                    self.service.touch_trades(request.connector, request.trading_pair)
            finally:
                book.remove_listener(OrderBookEvent.TradeEvent, forwarder)

        await loop()


async def market_data_socket(kernel: Kernel, socket: Socket) -> None:
    """Streams candles, order books and trades (see the module's protocol)."""
    await MarketDataSession(kernel, socket).run()
