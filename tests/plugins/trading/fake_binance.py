"""A fake Binance spot exchange on loopback, for hummingbot's own ``BinanceExchange`` to trade on.

It speaks what that connector uses (see hummingbot's ``connector/exchange/binance``): the public
REST endpoints it starts from (ping, time, exchangeInfo, depth, tickers), the signed ones it
trades with (account, order POST/GET/DELETE, openOrders, myTrades), the WebSocket API on which it
subscribes to the user-data stream (``userDataStream.subscribe.signature``) and the public stream
it opens for order books. Signed requests are checked as Binance checks them, against the one key
pair the fake knows, so a request that reaches the order book was signed with that secret.

The fake keeps state: balances (free and locked), orders, trades. A LIMIT order rests until the
test fills it (``fill``), in as many parts as it likes; each fill is told on the user stream as an
``executionReport`` of type TRADE, followed by the new balances, and shows in GET order and
myTrades. A cancel answers, and is told, as Binance does. A MARKET order, or a LIMIT order that
crosses the touch, fills at once and whole at the fake's touch.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

ZERO = Decimal(0)
COMMISSION = Decimal("0.001")  # Binance's base rate, taken from what the trader receives


def _ms() -> int:
    return int(time.time() * 1000)


def _text(value: Decimal) -> str:
    return f"{value:.8f}"


@dataclass
class Symbol:
    symbol: str
    base: str
    quote: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    min_notional: Decimal
    bid: Decimal
    ask: Decimal
    # Binance replaced MIN_NOTIONAL with NOTIONAL; symbols carry one or the other.
    notional_filter: str = "NOTIONAL"
    status: str = "TRADING"

    def info(self) -> dict[str, Any]:
        notional: dict[str, Any] = {
            "filterType": self.notional_filter,
            "minNotional": _text(self.min_notional),
        }
        if self.notional_filter == "NOTIONAL":
            notional |= {"applyMinToMarket": True, "maxNotional": "9000000.00000000", "avgPriceMins": 5}
        else:
            notional |= {"applyToMarket": True, "avgPriceMins": 5}
        return {
            "symbol": self.symbol,
            "status": self.status,
            "baseAsset": self.base,
            "baseAssetPrecision": 8,
            "quoteAsset": self.quote,
            "quotePrecision": 8,
            "quoteAssetPrecision": 8,
            "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
            "icebergAllowed": True,
            "ocoAllowed": True,
            "isSpotTradingAllowed": True,
            "isMarginTradingAllowed": False,
            "filters": [
                {
                    "filterType": "PRICE_FILTER",
                    "minPrice": _text(self.tick_size),
                    "maxPrice": "1000000.00000000",
                    "tickSize": _text(self.tick_size),
                },
                {
                    "filterType": "LOT_SIZE",
                    "minQty": _text(self.min_qty),
                    "maxQty": "9000.00000000",
                    "stepSize": _text(self.step_size),
                },
                notional,
            ],
            "permissions": [],
            "permissionSets": [["SPOT"]],
            "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
            "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
        }


def default_symbols() -> list[Symbol]:
    """Two pairs (one with each notional filter) and one halted, which hummingbot must not list."""
    return [
        Symbol(
            "BTCUSDT",
            "BTC",
            "USDT",
            tick_size=Decimal("0.01"),
            step_size=Decimal("0.00001"),
            min_qty=Decimal("0.00001"),
            min_notional=Decimal("5"),
            bid=Decimal("60000.00"),
            ask=Decimal("60010.00"),
        ),
        Symbol(
            "ETHUSDT",
            "ETH",
            "USDT",
            tick_size=Decimal("0.01"),
            step_size=Decimal("0.0001"),
            min_qty=Decimal("0.0001"),
            min_notional=Decimal("10"),
            bid=Decimal("3000.00"),
            ask=Decimal("3000.50"),
            notional_filter="MIN_NOTIONAL",
        ),
        Symbol(
            "LUNAUSDT",
            "LUNA",
            "USDT",
            tick_size=Decimal("0.0001"),
            step_size=Decimal("0.01"),
            min_qty=Decimal("0.01"),
            min_notional=Decimal("5"),
            bid=Decimal("0.5"),
            ask=Decimal("0.6"),
            status="BREAK",
        ),
    ]


@dataclass
class Balance:
    free: Decimal
    locked: Decimal = ZERO


@dataclass
class Order:
    order_id: int
    client_order_id: str
    symbol: Symbol
    side: str
    type: str
    time_in_force: str
    price: Decimal  # 0 for a MARKET order, as Binance shows it
    quantity: Decimal
    created: int
    updated: int
    executed: Decimal = ZERO
    quote_executed: Decimal = ZERO
    status: str = "NEW"

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.executed

    def info(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol.symbol,
            "orderId": self.order_id,
            "orderListId": -1,
            "clientOrderId": self.client_order_id,
            "price": _text(self.price),
            "origQty": _text(self.quantity),
            "executedQty": _text(self.executed),
            "cummulativeQuoteQty": _text(self.quote_executed),
            "status": self.status,
            "timeInForce": self.time_in_force,
            "type": self.type,
            "side": self.side,
            "stopPrice": "0.00000000",
            "icebergQty": "0.00000000",
            "time": self.created,
            "updateTime": self.updated,
            "isWorking": self.status in ("NEW", "PARTIALLY_FILLED"),
            "workingTime": self.created,
            "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }


@dataclass
class Trade:
    trade_id: int
    order: Order
    price: Decimal
    quantity: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_maker: bool

    def info(self) -> dict[str, Any]:
        return {
            "symbol": self.order.symbol.symbol,
            "id": self.trade_id,
            "orderId": self.order.order_id,
            "orderListId": -1,
            "price": _text(self.price),
            "qty": _text(self.quantity),
            "quoteQty": _text(self.price * self.quantity),
            "commission": _text(self.commission),
            "commissionAsset": self.commission_asset,
            "time": self.time,
            "isBuyer": self.order.side == "BUY",
            "isMaker": self.is_maker,
            "isBestMatch": True,
        }


@dataclass(frozen=True)
class Received:
    """One request as it reached the fake; for a signed one, what was signed and with what."""

    method: str
    path: str
    params: dict[str, str]
    api_key: str | None = None
    signed_payload: str | None = None
    signature: str | None = None


class BinanceError(Exception):
    """An error as Binance answers it: an HTTP status and a body ``{"code": ..., "msg": ...}``."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.code = code
        self.msg = msg


INVALID_KEY = (401, -2015, "Invalid API-key, IP, or permissions for action.")
BAD_SIGNATURE = (400, -1022, "Signature for this request is not valid.")
INSUFFICIENT = (400, -2010, "Account has insufficient balance for requested action.")
NO_SUCH_ORDER = (400, -2013, "Order does not exist.")
UNKNOWN_ORDER = (400, -2011, "Unknown order sent.")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FakeBinance:
    """The exchange; ``start`` it, point hummingbot at ``rest_url``/``ws_url``/``ws_api_url``."""

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        balances: dict[str, str] | None = None,
        symbols: list[Symbol] | None = None,
    ) -> None:
        self.api_key = api_key
        self.api_secret = api_secret
        self.symbols = {s.symbol: s for s in symbols or default_symbols()}
        self.balances = {asset: Balance(Decimal(free)) for asset, free in (balances or {}).items()}
        self.orders: dict[str, Order] = {}  # by client order id
        self.trades: list[Trade] = []
        self.requests: list[Received] = []
        self.port = 0
        self._ids = itertools.count(4_200_001)
        self._trade_ids = itertools.count(900_001)
        self._subscription_ids = itertools.count()
        self._subscribers: dict[web.WebSocketResponse, int] = {}  # user-data stream → subscription id
        self._sockets: set[web.WebSocketResponse] = set()
        self._runner: web.AppRunner | None = None
        self._closing = False
        # Awaited with a new order's parameters before the fake takes it: a test looks, at that
        # moment, at what the desk has done already.
        self.on_new_order: Callable[[dict[str, str]], Awaitable[None]] | None = None

    # -- life ----------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        get, post, delete = web.get, web.post, web.delete
        app.add_routes(
            [
                get("/api/v3/ping", self._ping),
                get("/api/v3/time", self._time),
                get("/api/v3/exchangeInfo", self._exchange_info),
                get("/api/v3/depth", self._depth),
                get("/api/v3/ticker/24hr", self._ticker_24hr),
                get("/api/v3/ticker/bookTicker", self._book_ticker),
                get("/api/v3/ticker/price", self._ticker_price),
                get("/api/v3/account", self._signed(self._account)),
                post("/api/v3/order", self._signed(self._new_order)),
                get("/api/v3/order", self._signed(self._query_order)),
                delete("/api/v3/order", self._signed(self._cancel_order)),
                get("/api/v3/openOrders", self._signed(self._open_orders)),
                get("/api/v3/myTrades", self._signed(self._my_trades)),
                get("/ws", self._public_stream),
                get("/ws-api/v3", self._ws_api),
            ]
        )
        # No access log: the desk's log capture should hold what the desk wrote, not the fake. A
        # short shutdown: a socket left open must not hold the test for aiohttp's 60 s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # port 0: no race for a free port
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close every socket (so the runner need not wait for them) and free the port. hummingbot
        reconnects a closed socket at once: from now on a new one is refused."""
        self._closing = True
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def ws_api_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws-api/v3"

    def received(self, method: str, path: str) -> list[Received]:
        return [r for r in self.requests if r.method == method and r.path == f"/api/v3{path}"]

    # -- what a test does to the market --------------------------------------------------------

    async def fill(self, client_order_id: str, quantity: str, price: str | None = None) -> Trade:
        """A counterparty takes ``quantity`` of a resting order. The fill price is the order's
        own unless the test gives one: the desk must average whatever prices the exchange reports."""
        order = self.orders[client_order_id]
        if order.status not in ("NEW", "PARTIALLY_FILLED"):
            raise ValueError(f"order {client_order_id} is {order.status}: nothing to fill")
        amount = Decimal(quantity)
        if amount > order.remaining:
            raise ValueError(f"order {client_order_id} has only {order.remaining} left")
        trade = self._execute(order, amount, Decimal(price) if price else order.price, is_maker=True)
        await self._tell_trade(order, trade)
        return trade

    # -- public REST ---------------------------------------------------------------------------

    async def _ping(self, request: web.Request) -> web.Response:
        return web.json_response({})

    async def _time(self, request: web.Request) -> web.Response:
        return web.json_response({"serverTime": _ms()})

    async def _exchange_info(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "timezone": "UTC",
                "serverTime": _ms(),
                "rateLimits": [],
                "exchangeFilters": [],
                "symbols": [s.info() for s in self.symbols.values()],
            }
        )

    async def _depth(self, request: web.Request) -> web.Response:
        symbol = self._symbol(request.query.get("symbol", ""))
        # A few levels a tick apart from the touch: enough for a book to have a best bid and ask.
        bids = [[_text(symbol.bid - symbol.tick_size * i), "0.50000000"] for i in range(5)]
        asks = [[_text(symbol.ask + symbol.tick_size * i), "0.50000000"] for i in range(5)]
        return web.json_response({"lastUpdateId": 1000, "bids": bids, "asks": asks})

    async def _ticker_24hr(self, request: web.Request) -> web.Response:
        symbol = self._symbol(request.query.get("symbol", ""))
        last = _text((symbol.bid + symbol.ask) / 2)
        return web.json_response(
            {
                "symbol": symbol.symbol,
                "lastPrice": last,
                "bidPrice": _text(symbol.bid),
                "askPrice": _text(symbol.ask),
            }
        )

    async def _book_ticker(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "symbol": s.symbol,
                    "bidPrice": _text(s.bid),
                    "bidQty": "1.00000000",
                    "askPrice": _text(s.ask),
                    "askQty": "1.00000000",
                }
                for s in self.symbols.values()
            ]
        )

    async def _ticker_price(self, request: web.Request) -> web.Response:
        return web.json_response(
            [{"symbol": s.symbol, "price": _text((s.bid + s.ask) / 2)} for s in self.symbols.values()]
        )

    # -- signed REST ---------------------------------------------------------------------------

    async def _account(self, request: web.Request, params: dict[str, str]) -> web.Response:
        return web.json_response(
            {
                "makerCommission": 10,
                "takerCommission": 10,
                "canTrade": True,
                "canWithdraw": True,
                "canDeposit": True,
                "updateTime": _ms(),
                "accountType": "SPOT",
                "balances": [
                    {"asset": asset, "free": _text(b.free), "locked": _text(b.locked)}
                    for asset, b in self.balances.items()
                ],
                "permissions": ["SPOT"],
            }
        )

    async def _new_order(self, request: web.Request, params: dict[str, str]) -> web.Response:
        if self.on_new_order is not None:
            await self.on_new_order(params)
        symbol = self._symbol(params.get("symbol", ""))
        side, kind = params.get("side"), params.get("type")
        if side not in ("BUY", "SELL") or kind not in ("LIMIT", "LIMIT_MAKER", "MARKET"):
            raise BinanceError(400, -1102, "Mandatory parameter 'side' or 'type' was not sent or is invalid.")
        client_id = params.get("newClientOrderId") or f"web_{next(self._ids)}"
        if client_id in self.orders:
            raise BinanceError(400, -2010, "Duplicate order sent.")
        quantity = Decimal(params.get("quantity", "0"))
        price = Decimal(params["price"]) if kind != "MARKET" else ZERO
        reference = price if kind != "MARKET" else (symbol.ask if side == "BUY" else symbol.bid)
        self._apply_filters(symbol, quantity, price, reference)
        if kind == "LIMIT_MAKER" and (price >= symbol.ask if side == "BUY" else price <= symbol.bid):
            raise BinanceError(400, -2010, "Order would immediately match and take.")
        # What the order holds until it is done: the quote it may spend, or the base it sells.
        asset, hold = (symbol.quote, quantity * reference) if side == "BUY" else (symbol.base, quantity)
        balance = self.balances.setdefault(asset, Balance(ZERO))
        if balance.free < hold:
            raise BinanceError(*INSUFFICIENT)
        balance.free -= hold
        balance.locked += hold
        now = _ms()
        order = Order(
            order_id=next(self._ids),
            client_order_id=client_id,
            symbol=symbol,
            side=side,
            type=kind,
            time_in_force=params.get("timeInForce", "GTC"),
            price=price,
            quantity=quantity,
            created=now,
            updated=now,
        )
        self.orders[client_id] = order
        await self._tell(self._report(order, "NEW"))
        await self._tell(self._positions(asset))
        fills: list[Trade] = []
        touch = symbol.ask if side == "BUY" else symbol.bid
        if kind == "MARKET" or (price >= touch if side == "BUY" else price <= touch):
            # An order that takes fills at once, whole, at the touch (deep enough for any test).
            # Its reports go out before this answer, as they often reach a Binance client first.
            fills.append(self._execute(order, quantity, touch, is_maker=False))
            await self._tell_trade(order, fills[-1])
        return web.json_response(
            {
                **{k: v for k, v in order.info().items() if k not in ("time", "updateTime", "isWorking")},
                "transactTime": now,
                "fills": [
                    {
                        "price": _text(t.price),
                        "qty": _text(t.quantity),
                        "commission": _text(t.commission),
                        "commissionAsset": t.commission_asset,
                        "tradeId": t.trade_id,
                    }
                    for t in fills
                ],
            }
        )

    async def _query_order(self, request: web.Request, params: dict[str, str]) -> web.Response:
        order = self._find(params, NO_SUCH_ORDER)
        return web.json_response(order.info())

    async def _cancel_order(self, request: web.Request, params: dict[str, str]) -> web.Response:
        order = self._find(params, UNKNOWN_ORDER)
        if order.status not in ("NEW", "PARTIALLY_FILLED"):
            raise BinanceError(*UNKNOWN_ORDER)
        order.status = "CANCELED"
        order.updated = _ms()
        asset = self._release(order, order.remaining)
        # The cancel itself gets a client id of its own; the order's is told as the original one.
        cancel_id = params.get("newClientOrderId") or f"cancel_{next(self._ids)}"
        await self._tell(self._report(order, "CANCELED", client_id=cancel_id, original=order.client_order_id))
        await self._tell(self._positions(asset))
        info = order.info()
        return web.json_response(
            {
                "symbol": order.symbol.symbol,
                "origClientOrderId": order.client_order_id,
                "orderId": order.order_id,
                "orderListId": -1,
                "clientOrderId": cancel_id,
                "transactTime": order.updated,
                **{k: info[k] for k in ("price", "origQty", "executedQty", "cummulativeQuoteQty")},
                **{k: info[k] for k in ("status", "timeInForce", "type", "side", "selfTradePreventionMode")},
            }
        )

    async def _open_orders(self, request: web.Request, params: dict[str, str]) -> web.Response:
        wanted = params.get("symbol")
        return web.json_response(
            [
                o.info()
                for o in self.orders.values()
                if o.status in ("NEW", "PARTIALLY_FILLED") and wanted in (None, o.symbol.symbol)
            ]
        )

    async def _my_trades(self, request: web.Request, params: dict[str, str]) -> web.Response:
        symbol = self._symbol(params.get("symbol", ""))
        order_id = int(params["orderId"]) if "orderId" in params else None
        since = int(params.get("startTime", 0))
        return web.json_response(
            [
                t.info()
                for t in self.trades
                if t.order.symbol is symbol and order_id in (None, t.order.order_id) and t.time >= since
            ]
        )

    # -- websockets ----------------------------------------------------------------------------

    async def _public_stream(self, request: web.Request) -> web.WebSocketResponse:
        """Answers (un)subscriptions; the books stand still, so no diff is ever sent."""
        ws = await self._open_socket(request)
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                await ws.send_json({"result": None, "id": payload.get("id")})
        finally:
            self._sockets.discard(ws)
        return ws

    async def _ws_api(self, request: web.Request) -> web.WebSocketResponse:
        """The WebSocket API, as far as the user-data stream goes. The subscription's answer is
        the first message the connector receives, which is what makes it ready."""
        ws = await self._open_socket(request)
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                await ws.send_json(self._ws_api_answer(ws, payload))
        finally:
            self._sockets.discard(ws)
            self._subscribers.pop(ws, None)
        return ws

    def _ws_api_answer(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> dict[str, Any]:
        request_id, method = payload.get("id"), payload.get("method")
        params = dict(payload.get("params") or {})
        if method == "ping":
            return {"id": request_id, "status": 200, "result": {}}
        if method == "userDataStream.unsubscribe":
            self._subscribers.pop(ws, None)
            return {"id": request_id, "status": 200, "result": {}}
        if method != "userDataStream.subscribe.signature":
            return {
                "id": request_id,
                "status": 400,
                "error": {"code": -1100, "msg": f"Unknown method {method}"},
            }
        # The WebSocket API signs its parameters sorted by name, the key among them, unencoded.
        signature = str(params.pop("signature", ""))
        signed = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        fields = {k: str(v) for k, v in params.items()}
        self.requests.append(Received("WS", str(method), fields, params.get("apiKey"), signed, signature))
        if params.get("apiKey") != self.api_key:
            status, code, msg = INVALID_KEY
            return {"id": request_id, "status": status, "error": {"code": code, "msg": msg}}
        if not hmac.compare_digest(signature, self._sign(signed)):
            status, code, msg = BAD_SIGNATURE
            return {"id": request_id, "status": status, "error": {"code": code, "msg": msg}}
        subscription = next(self._subscription_ids)
        self._subscribers[ws] = subscription
        return {"id": request_id, "status": 200, "result": {"subscriptionId": subscription}}

    async def _open_socket(self, request: web.Request) -> web.WebSocketResponse:
        if self._closing:
            raise web.HTTPServiceUnavailable()
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        return ws

    async def _tell(self, event: dict[str, Any]) -> None:
        for ws, subscription in list(self._subscribers.items()):
            if not ws.closed:
                await ws.send_json({"subscriptionId": subscription, "event": event})

    async def _tell_trade(self, order: Order, trade: Trade) -> None:
        await self._tell(self._report(order, "TRADE", trade=trade))
        await self._tell(self._positions(order.symbol.base, order.symbol.quote))

    def _report(
        self,
        order: Order,
        execution: str,
        trade: Trade | None = None,
        client_id: str | None = None,
        original: str = "",
    ) -> dict[str, Any]:
        now = _ms()
        return {
            "e": "executionReport",
            "E": now,
            "s": order.symbol.symbol,
            "c": client_id or order.client_order_id,
            "S": order.side,
            "o": order.type,
            "f": order.time_in_force,
            "q": _text(order.quantity),
            "p": _text(order.price),
            "P": "0.00000000",
            "F": "0.00000000",
            "g": -1,
            "C": original,
            "x": execution,
            "X": order.status,
            "r": "NONE",
            "i": order.order_id,
            "l": _text(trade.quantity if trade else ZERO),
            "z": _text(order.executed),
            "L": _text(trade.price if trade else ZERO),
            "n": _text(trade.commission if trade else ZERO),
            "N": trade.commission_asset if trade else None,
            "T": trade.time if trade else now,
            "t": trade.trade_id if trade else -1,
            "I": next(self._ids),
            "w": order.status in ("NEW", "PARTIALLY_FILLED"),
            "m": trade.is_maker if trade else False,
            "M": False,
            "O": order.created,
            "Z": _text(order.quote_executed),
            "Y": _text(trade.price * trade.quantity if trade else ZERO),
            "Q": "0.00000000",
            "W": order.created,
            "V": "EXPIRE_MAKER",
        }

    def _positions(self, *assets: str) -> dict[str, Any]:
        now = _ms()
        return {
            "e": "outboundAccountPosition",
            "E": now,
            "u": now,
            "B": [
                {"a": a, "f": _text(self.balances[a].free), "l": _text(self.balances[a].locked)}
                for a in assets
                if a in self.balances
            ],
        }

    # -- the books -----------------------------------------------------------------------------

    def _execute(self, order: Order, quantity: Decimal, price: Decimal, is_maker: bool) -> Trade:
        symbol = order.symbol
        self._release(order, quantity)
        base = self.balances.setdefault(symbol.base, Balance(ZERO))
        quote = self.balances.setdefault(symbol.quote, Balance(ZERO))
        cost = price * quantity
        # The commission comes out of what the trader receives: base on a buy, quote on a sell.
        if order.side == "BUY":
            commission, asset = quantity * COMMISSION, symbol.base
            quote.free -= cost
            base.free += quantity - commission
        else:
            commission, asset = cost * COMMISSION, symbol.quote
            base.free -= quantity
            quote.free += cost - commission
        order.executed += quantity
        order.quote_executed += cost
        order.status = "FILLED" if order.remaining == 0 else "PARTIALLY_FILLED"
        order.updated = _ms()
        trade = Trade(
            next(self._trade_ids), order, price, quantity, commission, asset, order.updated, is_maker
        )
        self.trades.append(trade)
        return trade

    def _release(self, order: Order, quantity: Decimal) -> str:
        """Give back to the free balance what ``quantity`` of the order held; the asset held."""
        symbol = order.symbol
        if order.side == "BUY":
            reference = order.price if order.type != "MARKET" else symbol.ask
            asset, amount = symbol.quote, quantity * reference
        else:
            asset, amount = symbol.base, quantity
        balance = self.balances[asset]
        balance.locked -= amount
        balance.free += amount
        return asset

    def _apply_filters(self, symbol: Symbol, quantity: Decimal, price: Decimal, reference: Decimal) -> None:
        if symbol.status != "TRADING":
            raise BinanceError(400, -1013, "Market is closed.")
        if quantity < symbol.min_qty or quantity % symbol.step_size:
            raise BinanceError(400, -1013, "Filter failure: LOT_SIZE")
        if price and price % symbol.tick_size:
            raise BinanceError(400, -1013, "Filter failure: PRICE_FILTER")
        if quantity * reference < symbol.min_notional:
            raise BinanceError(400, -1013, f"Filter failure: {symbol.notional_filter}")

    def _symbol(self, name: str) -> Symbol:
        symbol = self.symbols.get(name)
        if symbol is None:
            raise BinanceError(400, -1121, "Invalid symbol.")
        return symbol

    def _find(self, params: dict[str, str], missing: tuple[int, int, str]) -> Order:
        symbol = self._symbol(params.get("symbol", ""))
        client_id = params.get("origClientOrderId")
        order_id = params.get("orderId")
        for order in self.orders.values():
            if order.symbol is symbol and (
                order.client_order_id == client_id
                or (order_id is not None and str(order.order_id) == order_id)
            ):
                return order
        raise BinanceError(*missing)

    # -- requests ------------------------------------------------------------------------------

    def _sign(self, payload: str) -> str:
        return hmac.new(self.api_secret.encode(), payload.encode(), hashlib.sha256).hexdigest()

    def _signed(self, handler: Callable[[web.Request, dict[str, str]], Awaitable[web.Response]]) -> Handler:
        """Check a signed request as Binance does: the key in the header, and the HMAC of the
        parameters exactly as sent (query string, then body) under the key's secret."""

        async def checked(request: web.Request) -> web.StreamResponse:
            query = request.rel_url.raw_query_string
            body = await request.text()
            total = query + body if query and body else query or body
            payload, _, signature = total.rpartition("&signature=")
            params = dict(parse_qsl(total))
            params.pop("signature", None)
            api_key = request.headers.get("X-MBX-APIKEY")
            self.requests.append(
                Received(request.method, request.path, params, api_key, payload or None, signature or None)
            )
            if api_key != self.api_key:
                raise BinanceError(*INVALID_KEY)
            if not signature or not hmac.compare_digest(signature, self._sign(payload)):
                raise BinanceError(*BAD_SIGNATURE)
            if "timestamp" not in params:
                raise BinanceError(400, -1102, "Mandatory parameter 'timestamp' was not sent.")
            return await handler(request, params)

        return checked

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Keep every public request (signed ones are kept with their signature by ``_signed``)
        and answer a ``BinanceError`` as Binance does."""
        if request.path not in _SIGNED_PATHS:
            self.requests.append(Received(request.method, request.path, dict(request.query)))
        try:
            return await handler(request)
        except BinanceError as error:
            return web.json_response({"code": error.code, "msg": error.msg}, status=error.status)


_SIGNED_PATHS = frozenset(f"/api/v3/{name}" for name in ("account", "order", "openOrders", "myTrades"))


def point_binance_at(monkeypatch: Any, rest_url: str, ws_url: str, ws_api_url: str) -> None:
    """Make hummingbot's binance connector use these URLs: it formats each URL from these
    constants (with the domain, which URLs without a ``{}`` ignore) at every request."""
    from hummingbot.connector.exchange.binance import binance_constants

    monkeypatch.setattr(binance_constants, "REST_URL", rest_url)
    monkeypatch.setattr(binance_constants, "WSS_URL", ws_url)
    monkeypatch.setattr(binance_constants, "WSS_API_URL", ws_api_url)
