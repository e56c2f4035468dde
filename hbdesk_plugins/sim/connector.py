"""``hbdesk_sim``: a hummingbot spot connector whose exchange is the in-process simulated venue.

It is an ``ExchangePyBase`` like any real connector: orders go through hummingbot's
ClientOrderTracker, events and in-flight orders look exactly as they do on a live exchange, so
strategies and strategy_v2 executors drive it unchanged. Where a real connector would call a REST
API or read a websocket, this one calls the venue and listens to it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from bidict import bidict
from hummingbot.connector.client_order_tracker import ClientOrderTracker
from hummingbot.connector.exchange_py_base import ExchangePyBase
from hummingbot.connector.trading_rule import TradingRule
from hummingbot.core.api_throttler.async_throttler import AsyncThrottler
from hummingbot.core.data_type.common import OrderType, PositionAction, TradeType
from hummingbot.core.data_type.in_flight_order import InFlightOrder, OrderState, OrderUpdate, TradeUpdate
from hummingbot.core.data_type.order_book_message import OrderBookMessage, OrderBookMessageType
from hummingbot.core.data_type.order_book_row import OrderBookRow
from hummingbot.core.data_type.order_book_tracker import OrderBookTracker
from hummingbot.core.data_type.order_book_tracker_data_source import OrderBookTrackerDataSource
from hummingbot.core.data_type.trade_fee import AddedToCostTradeFee, TokenAmount, TradeFeeBase, TradeFeeSchema
from hummingbot.core.data_type.user_stream_tracker_data_source import UserStreamTrackerDataSource
from hummingbot.core.utils.async_utils import safe_ensure_future
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.venue import SimVenue, UnknownOrder, VenueFill, VenueOrder

CONNECTOR_NAME = "hbdesk_sim"
STATES = {
    "OPEN": OrderState.OPEN,
    "PARTIALLY_FILLED": OrderState.PARTIALLY_FILLED,
    "FILLED": OrderState.FILLED,
    "CANCELED": OrderState.CANCELED,
}
Clock = Callable[[], float]
STREAM_DELAY = 0.001  # seconds between the venue's change and the private stream's message


class SimSnapshotMessage(OrderBookMessage):  # type: ignore[misc]  # hummingbot has no type hints
    """A snapshot whose rows are made straight from the sim's floats: hummingbot's own message
    converts each level through ``float()`` again, which costs more than making the book."""

    @property
    def bids(self) -> list[OrderBookRow]:
        update_id = self.content["update_id"]
        return [OrderBookRow(price, amount, update_id) for price, amount in self.content["bids"]]

    @property
    def asks(self) -> list[OrderBookRow]:
        update_id = self.content["update_id"]
        return [OrderBookRow(price, amount, update_id) for price, amount in self.content["asks"]]


class SimOrderBookDataSource(OrderBookTrackerDataSource):  # type: ignore[misc]  # hummingbot has no type hints
    """Snapshots of the simulated books and the market's trade prints, as a feed would send them."""

    def __init__(
        self,
        trading_pairs: list[str],
        market: SimMarket,
        clock: Clock,
        interval: float = 0.25,
        depth: int = 50,
    ) -> None:
        super().__init__(trading_pairs)
        self.market = market
        self.clock = clock
        self.interval = interval
        self.depth = depth
        self._update_id = 0

    async def get_last_traded_prices(
        self, trading_pairs: list[str], domain: str | None = None
    ) -> dict[str, float]:
        now = self.clock()
        return {pair: self.market.mid(pair, now) for pair in trading_pairs}

    async def _order_book_snapshot(self, trading_pair: str) -> OrderBookMessage:
        now = self.clock()
        book = self.market.book(trading_pair, now, self.depth)
        self._update_id += 1
        content = {
            "trading_pair": trading_pair,
            "update_id": self._update_id,
            "bids": book.bids,
            "asks": book.asks,
        }
        return SimSnapshotMessage(OrderBookMessageType.SNAPSHOT, content, now)

    async def listen_for_subscriptions(self) -> None:
        """The feed: a snapshot per pair every ``interval``, and the prints since the last one."""
        last = self.clock()
        while True:
            await asyncio.sleep(self.interval)
            now = self.clock()
            for pair in list(self._trading_pairs):
                snapshot = await self._order_book_snapshot(pair)
                self._message_queue[self._snapshot_messages_queue_key].put_nowait(snapshot)
                for trade in self.market.trades(pair, last, now):
                    self._update_id += 1
                    content = {
                        "trading_pair": pair,
                        "trade_type": float(
                            TradeType.BUY.value if trade.side == "buy" else TradeType.SELL.value
                        ),
                        "trade_id": self._update_id,
                        "update_id": self._update_id,
                        "price": trade.price,
                        "amount": trade.amount,
                    }
                    message = OrderBookMessage(OrderBookMessageType.TRADE, content, trade.timestamp)
                    self._message_queue[self._trade_messages_queue_key].put_nowait(message)
            last = now

    async def _parse_order_book_snapshot_message(
        self, raw_message: Any, message_queue: asyncio.Queue[OrderBookMessage]
    ) -> None:
        message_queue.put_nowait(raw_message)

    async def _parse_trade_message(
        self, raw_message: Any, message_queue: asyncio.Queue[OrderBookMessage]
    ) -> None:
        message_queue.put_nowait(raw_message)

    async def _parse_order_book_diff_message(
        self, raw_message: Any, message_queue: asyncio.Queue[OrderBookMessage]
    ) -> None:
        message_queue.put_nowait(raw_message)

    async def subscribe_to_trading_pair(self, trading_pair: str) -> bool:
        self.market.spec(trading_pair)
        self.add_trading_pair(trading_pair)
        return True

    async def unsubscribe_from_trading_pair(self, trading_pair: str) -> bool:
        self.remove_trading_pair(trading_pair)
        return True


class SimOrderBookTracker(OrderBookTracker):  # type: ignore[misc]  # hummingbot has no type hints
    """hummingbot's tracker, minus what it does to spare a remote exchange's REST API."""

    async def _init_order_books(self) -> None:
        # hummingbot takes the first snapshots a second apart, to stay under an exchange's rate
        # limit: three seconds before the first book is answered. The sim's snapshots are calls
        # into this process, with no limit to stay under.
        for trading_pair in list(self._trading_pairs):
            self._order_books[trading_pair] = await self._initial_order_book_for_trading_pair(trading_pair)
            self._tracking_message_queues[trading_pair] = asyncio.Queue()
            self._tracking_tasks[trading_pair] = safe_ensure_future(self._track_single_book(trading_pair))
        self._order_books_initialized.set()

    async def add_trading_pair(self, trading_pair: str) -> bool:
        # A pair asked for as the connector starts is one the first pass is about to make: hummingbot
        # checks before waiting for that pass, and would make the book a second time, dropping the
        # first pass's tracking task still waiting on a queue nobody feeds any more.
        await self._order_books_initialized.wait()
        if trading_pair in self._order_books:
            return True
        return cast(bool, await super().add_trading_pair(trading_pair))  # hummingbot has no type hints


class SimUserStreamDataSource(UserStreamTrackerDataSource):  # type: ignore[misc]  # hummingbot has no type hints
    """The account's private stream: every order change and fill of this account on the venue."""

    def __init__(self, venue: SimVenue, account: str, clock: Clock) -> None:
        super().__init__()
        self.venue = venue
        self.account = account
        self.clock = clock
        self._last_recv = 0.0

    @property
    def last_recv_time(self) -> float:
        return self._last_recv

    async def listen_for_user_stream(self, output: asyncio.Queue[tuple[str, Any]]) -> None:
        loop = asyncio.get_running_loop()

        def forward(kind: str, payload: VenueOrder | VenueFill) -> None:
            if payload.account == self.account:
                # As from a real exchange, the stream's news arrives a moment after the answer to
                # the request that caused it, so "created" is always seen before "filled".
                loop.call_later(STREAM_DELAY, deliver, kind, payload)

        def deliver(kind: str, payload: VenueOrder | VenueFill) -> None:
            self._last_recv = self.clock()
            output.put_nowait((kind, payload))

        self._last_recv = self.clock()  # the stream is open
        unsubscribe = self.venue.subscribe(forward)
        try:
            await asyncio.Event().wait()  # until cancelled
        finally:
            unsubscribe()


class SimConnectorMixin:
    """What the spot and the perpetual sim connectors share: the venue is their exchange.

    Listed before hummingbot's base class, so its methods are the ones the base class calls.
    """

    web_utils = None
    venue: SimVenue

    # What the hummingbot base class it is mixed into provides.
    _orderbook_ds: OrderBookTrackerDataSource
    _order_tracker: ClientOrderTracker
    _throttler: AsyncThrottler
    _trading_rules: dict[str, TradingRule]

    if TYPE_CHECKING:  # methods only declared: a definition here would hide the base class's

        @classmethod
        def logger(cls) -> logging.Logger: ...

        def _set_order_book_tracker(self, order_book_tracker: OrderBookTracker) -> None: ...

        def _set_trading_pair_symbol_map(
            self, trading_pair_and_symbol_map: bidict[str, str] | None
        ) -> None: ...

        def _iter_user_event_queue(self) -> AsyncIterator[tuple[str, Any]]: ...

    def __init__(
        self,
        venue: SimVenue,
        account: str,
        trading_pairs: list[str] | None = None,
        trading_required: bool = True,
        clock: Clock = time.time,
        **kwargs: Any,
    ) -> None:
        self.venue = venue
        self.account = account
        self._now = clock  # TimeIterator owns the name 'clock'
        self._pairs = list(trading_pairs or venue.market.pairs)
        self._required = trading_required
        super().__init__(**kwargs)
        # ExchangePyBase makes its tracker itself, with no way to choose the class: replace it
        # before anything starts it.
        self._set_order_book_tracker(
            SimOrderBookTracker(self._orderbook_ds, self.trading_pairs, domain=self.domain)
        )

    # -- identity -------------------------------------------------------------------------------

    @property
    def authenticator(self) -> Any:
        return None

    @property
    def rate_limits_rules(self) -> list[Any]:
        return []

    @property
    def domain(self) -> str:
        return "sim"

    @property
    def client_order_id_max_length(self) -> int:
        return 36

    @property
    def trading_rules_request_path(self) -> str:
        return ""

    @property
    def trading_pairs_request_path(self) -> str:
        return ""

    @property
    def check_network_request_path(self) -> str:
        return ""

    @property
    def trading_pairs(self) -> list[str]:
        return self._pairs

    @property
    def is_cancel_request_in_exchange_synchronous(self) -> bool:
        return True

    @property
    def is_trading_required(self) -> bool:
        return self._required

    def supported_order_types(self) -> list[OrderType]:
        return [OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.MARKET]

    def trade_fee_schema(self) -> TradeFeeSchema:
        return TradeFeeSchema(
            maker_percent_fee_decimal=self.venue.maker_fee,
            taker_percent_fee_decimal=self.venue.taker_fee,
            buy_percent_fee_deducted_from_returns=False,
        )

    # -- the exchange's "API": the venue --------------------------------------------------------

    async def _make_network_check_request(self) -> None:
        return None

    async def _update_time_synchronizer(self, pass_on_non_cancelled_error: bool = False) -> None:
        return None  # the venue runs on this process's clock

    async def _initialize_trading_pair_symbol_map(self) -> None:
        self._initialize_trading_pair_symbols_from_exchange_info({})

    async def _update_trading_rules(self) -> None:
        self._trading_rules.clear()
        for rule in await self._format_trading_rules({}):
            self._trading_rules[rule.trading_pair] = rule
        await self._initialize_trading_pair_symbol_map()

    async def _format_trading_rules(self, exchange_info_dict: dict[str, Any]) -> list[TradingRule]:
        """The venue's rules; there is no exchange answer to parse."""
        return [
            TradingRule(
                spec.trading_pair,
                min_order_size=spec.min_size,
                min_price_increment=spec.tick,
                min_base_amount_increment=spec.size_step,
                min_notional_size=spec.min_notional,
            )
            for spec in self.venue.market.pairs.values()
        ]

    def _initialize_trading_pair_symbols_from_exchange_info(self, exchange_info: dict[str, Any]) -> None:
        # The venue names its pairs as hummingbot does.
        self._set_trading_pair_symbol_map(bidict({pair: pair for pair in self.venue.market.pairs}))

    async def _update_trading_fees(self) -> None:
        return None

    async def _update_balances(self) -> None:
        balances = self.venue.balances(self.account)
        # Every token of the market, at zero where the account holds none: hummingbot deems a
        # connector ready only once it has balances, and an account never funded is still an
        # account (an empty wallet, not an exchange that does not answer).
        zero = Decimal(0)
        tokens = {token for pair in self.venue.market.trading_pairs() for token in pair.split("-", 1)}
        self._account_balances = {token: zero for token in tokens}
        self._account_available_balances = dict(self._account_balances)
        for asset, (total, available) in balances.items():
            self._account_balances[asset] = total
            self._account_available_balances[asset] = available

    async def _get_last_traded_price(self, trading_pair: str) -> float:
        return self.venue.market.mid(trading_pair, self._now())

    async def _place_order(
        self,
        order_id: str,
        trading_pair: str,
        amount: Decimal,
        trade_type: TradeType,
        order_type: OrderType,
        price: Decimal,
        position_action: PositionAction = PositionAction.NIL,
        **kwargs: Any,
    ) -> tuple[str, float]:
        now = self._now()
        limit = None if order_type == OrderType.MARKET else price
        order = self.venue.place(
            self.account,
            order_id,
            trading_pair,
            trade_type.name,
            order_type.name,
            amount,
            limit,
            now,
            position_action=position_action.name,
        )
        return order.exchange_order_id, now

    async def _place_cancel(self, order_id: str, tracked_order: InFlightOrder) -> bool:
        order = self._venue_order(tracked_order)
        self.venue.cancel(self.account, order.exchange_order_id, self._now())
        return True

    def _venue_order(self, tracked_order: InFlightOrder) -> VenueOrder:
        """The venue's order a tracked order stands for. One with no exchange order id yet (one
        recorded before a crash, say, whose answer never came back) is looked up by its client
        order id, as an exchange's API allows: found if the venue took it, UnknownOrder if not.
        Waiting for the id, as hummingbot's ``get_exchange_order_id`` does, would wait for an
        answer that is never coming."""
        if tracked_order.exchange_order_id is not None:
            return self.venue.order(tracked_order.exchange_order_id)
        return self.venue.order_by_client_id(self.account, tracked_order.client_order_id)

    def _fee_rate(self, order_type: OrderType, is_maker: bool | None) -> Decimal:
        """The venue's maker or taker fee; unsaid, only a LIMIT_MAKER is sure to be a maker."""
        maker = is_maker if is_maker is not None else order_type is OrderType.LIMIT_MAKER
        return self.venue.maker_fee if maker else self.venue.taker_fee

    async def _all_trade_updates_for_order(self, order: InFlightOrder) -> list[TradeUpdate]:
        exchange_order_id = self._venue_order(order).exchange_order_id
        return [self._trade_update(fill, order) for fill in self.venue.fills(exchange_order_id)]

    async def _request_order_status(self, tracked_order: InFlightOrder) -> OrderUpdate:
        order = self._venue_order(tracked_order)
        return OrderUpdate(
            trading_pair=tracked_order.trading_pair,
            update_timestamp=order.updated,
            new_state=STATES[order.status],
            client_order_id=tracked_order.client_order_id,
            exchange_order_id=order.exchange_order_id,
        )

    def _is_request_exception_related_to_time_synchronizer(self, request_exception: Exception) -> bool:
        return False

    def _is_order_not_found_during_status_update_error(self, status_update_exception: Exception) -> bool:
        return isinstance(status_update_exception, UnknownOrder)

    def _is_order_not_found_during_cancelation_error(self, cancelation_exception: Exception) -> bool:
        return isinstance(cancelation_exception, UnknownOrder)

    def _create_order_tracker(self) -> ClientOrderTracker:
        from hbdesk_plugins.sim.order_tracker import IndexedOrderTracker

        return IndexedOrderTracker(connector=self)

    def _create_web_assistants_factory(self) -> WebAssistantsFactory:
        return WebAssistantsFactory(throttler=self._throttler)

    def _create_user_stream_data_source(self) -> UserStreamTrackerDataSource:
        return SimUserStreamDataSource(self.venue, self.account, self._now)

    # -- the private stream ---------------------------------------------------------------------

    async def _user_stream_event_listener(self) -> None:
        async for kind, payload in self._iter_user_event_queue():
            try:
                if kind == "fill":
                    tracked = self._order_tracker.all_fillable_orders.get(payload.client_order_id)
                    if tracked is not None:
                        self._order_tracker.process_trade_update(self._trade_update(payload, tracked))
                elif kind == "order":
                    tracked = self._order_tracker.all_updatable_orders.get(payload.client_order_id)
                    if tracked is not None:
                        self._order_tracker.process_order_update(
                            OrderUpdate(
                                trading_pair=payload.trading_pair,
                                update_timestamp=payload.updated,
                                new_state=STATES[payload.status],
                                client_order_id=payload.client_order_id,
                                exchange_order_id=payload.exchange_order_id,
                            )
                        )
                await self._after_venue_event(kind)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.logger().exception("unexpected error processing a simulated venue event")

    async def _after_venue_event(self, kind: str) -> None:
        await self._update_balances()

    def _fill_fee(self, fill: VenueFill, order: InFlightOrder) -> TradeFeeBase:
        raise NotImplementedError

    def _trade_update(self, fill: VenueFill, order: InFlightOrder) -> TradeUpdate:
        fee = self._fill_fee(fill, order)
        return TradeUpdate(
            trade_id=fill.trade_id,
            client_order_id=fill.client_order_id,
            exchange_order_id=fill.exchange_order_id,
            trading_pair=fill.trading_pair,
            fill_timestamp=fill.timestamp,
            fill_price=fill.price,
            fill_base_amount=fill.amount,
            fill_quote_amount=fill.price * fill.amount,
            fee=fee,
            is_taker=not fill.is_maker,
        )


class HbdeskSimExchange(SimConnectorMixin, ExchangePyBase):  # type: ignore[misc]  # hummingbot has no type hints
    @property
    def name(self) -> str:
        return CONNECTOR_NAME

    @property
    def client_order_id_prefix(self) -> str:
        return "HBS"

    def _get_fee(
        self,
        base_currency: str,
        quote_currency: str,
        order_type: OrderType,
        order_side: TradeType,
        amount: Decimal,
        price: Decimal = Decimal("nan"),
        is_maker: bool | None = None,
    ) -> TradeFeeBase:
        percent = self._fee_rate(order_type, is_maker)
        return TradeFeeBase.new_spot_fee(
            self.trade_fee_schema(), order_side, percent=percent, percent_token=quote_currency
        )

    def _fill_fee(self, fill: VenueFill, order: InFlightOrder) -> TradeFeeBase:
        paid = [TokenAmount(fill.fee_asset, fill.fee)]
        if fill.side == "BUY":
            return AddedToCostTradeFee(flat_fees=paid)
        return TradeFeeBase.new_spot_fee(self.trade_fee_schema(), TradeType.SELL, flat_fees=paid)

    def _create_order_book_data_source(self) -> OrderBookTrackerDataSource:
        return SimOrderBookDataSource(self.trading_pairs, self.venue.market, self._now)
