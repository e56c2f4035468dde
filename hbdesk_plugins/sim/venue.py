"""The simulated venue: accounts, balances, orders and fills against the simulated market.

Matching rules, in one place:
- A market order takes the book at the moment it arrives and fills at once, level by level; what
  the visible book cannot fill is cancelled (the order ends partly filled).
- A limit order first takes whatever it crosses (as a taker); the rest rests. A resting order fills
  as a maker, at its own price, when the market's opposite side reaches it: by as much as the book
  shows at or beyond its price at that moment, so a large order fills in parts.
- LIMIT_MAKER is refused if it would cross.
- Fees are charged in the quote asset: taker ``taker_fee``, maker ``maker_fee``, as a fraction of the
  traded value; a buy pays them on top, a sell receives the value less them.
- An order locks what it may spend (quote for a buy, base for a sell); an order the available
  balance cannot cover is rejected.

The venue knows nothing of hummingbot: the connector in ``hbdesk_plugins.sim.connector`` speaks to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hbdesk_plugins.sim.market import SimMarket

ZERO = Decimal(0)
BOOK_DEPTH = 50


class VenueError(Exception):
    """An order the venue refuses; the message says why."""


class UnknownOrder(VenueError):
    pass


@dataclass
class VenueOrder:
    exchange_order_id: str
    client_order_id: str
    account: str
    trading_pair: str
    side: str  # "BUY" or "SELL"
    order_type: str  # "MARKET", "LIMIT" or "LIMIT_MAKER"
    amount: Decimal
    price: Decimal | None
    created: float
    status: str = "OPEN"  # OPEN, PARTIALLY_FILLED, FILLED, CANCELED
    filled: Decimal = ZERO
    updated: float = 0.0
    position_action: str = "NIL"  # perpetual only: "OPEN" or "CLOSE" (HEDGE mode), "NIL" otherwise

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled

    @property
    def is_open(self) -> bool:
        return self.status in ("OPEN", "PARTIALLY_FILLED")


@dataclass(frozen=True)
class VenueFill:
    trade_id: str
    exchange_order_id: str
    client_order_id: str
    account: str
    trading_pair: str
    side: str
    price: Decimal
    amount: Decimal
    fee: Decimal  # in the quote asset
    fee_asset: str
    is_maker: bool
    timestamp: float


# (kind, payload): "order" or "fill" here; the perpetual venue adds "position" and "funding".
Listener = Callable[[str, Any], None]


@dataclass
class Account:
    balances: dict[str, Decimal] = field(default_factory=dict)


class SimVenue:
    def __init__(
        self, market: SimMarket, maker_fee: Decimal = Decimal("0.0008"), taker_fee: Decimal = Decimal("0.001")
    ) -> None:
        self.market = market
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self._accounts: dict[str, Account] = {}
        self._orders: dict[str, VenueOrder] = {}
        self._fills: dict[str, list[VenueFill]] = {}
        self._ids = itertools.count(1)
        self._listeners: list[Listener] = []
        self._now: float | None = None  # the latest time the venue was told of

    # -- accounts -------------------------------------------------------------------------------

    def fund(self, account: str, asset: str, amount: Decimal) -> None:
        balances = self._accounts.setdefault(account, Account()).balances
        balances[asset] = balances.get(asset, ZERO) + amount

    def balances(self, account: str) -> dict[str, tuple[Decimal, Decimal]]:
        """asset → (total, available)."""
        totals = self._accounts.get(account, Account()).balances
        return {asset: (total, self._available(account, asset)) for asset, total in totals.items()}

    def _available(self, account: str, asset: str) -> Decimal:
        total = self._accounts.get(account, Account()).balances.get(asset, ZERO)
        return total - self._locked(account).get(asset, ZERO)

    def _locked(self, account: str) -> dict[str, Decimal]:
        locked: dict[str, Decimal] = {}
        for order in self._orders.values():
            if order.account == account and order.is_open and order.price is not None:
                lock = self._order_lock(order, order.price)
                if lock is not None:
                    asset, amount = lock
                    locked[asset] = locked.get(asset, ZERO) + amount
        return locked

    def _order_lock(self, order: VenueOrder, price: Decimal) -> tuple[str, Decimal] | None:
        """What a resting order (at ``price``, its limit) holds back: the quote it may spend, or the
        base it may sell."""
        spec = self.market.spec(order.trading_pair)
        if order.side == "BUY":
            return spec.quote, order.remaining * price * (1 + self.maker_fee)
        return spec.base, order.remaining

    def _move(self, account: str, asset: str, delta: Decimal) -> None:
        balances = self._accounts.setdefault(account, Account()).balances
        balances[asset] = balances.get(asset, ZERO) + delta

    # -- orders ---------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, kind: str, payload: VenueOrder | VenueFill) -> None:
        if isinstance(payload, VenueOrder):
            payload = replace(payload)  # the order as it is now, not as it will become
        for listener in tuple(self._listeners):
            listener(kind, payload)

    def order(self, exchange_order_id: str) -> VenueOrder:
        try:
            return self._orders[exchange_order_id]
        except KeyError:
            raise UnknownOrder(f"order {exchange_order_id} does not exist") from None

    def fills(self, exchange_order_id: str) -> list[VenueFill]:
        return list(self._fills.get(exchange_order_id, ()))

    def open_orders(self, account: str) -> list[VenueOrder]:
        return [o for o in self._orders.values() if o.account == account and o.is_open]

    def place(
        self,
        account: str,
        client_order_id: str,
        trading_pair: str,
        side: str,
        order_type: str,
        amount: Decimal,
        price: Decimal | None,
        now: float,
        position_action: str = "NIL",
    ) -> VenueOrder:
        self._now = now
        spec = self.market.spec(trading_pair)
        if side not in ("BUY", "SELL"):
            raise VenueError(f"unknown side {side}")
        if order_type not in ("MARKET", "LIMIT", "LIMIT_MAKER"):
            raise VenueError(f"order type {order_type} is not supported")
        amount = _floor(amount, spec.size_step)
        if amount < spec.min_size:
            raise VenueError(f"amount {amount} is below the minimum size {spec.min_size}")
        if order_type != "MARKET":
            if price is None or price <= 0:
                raise VenueError(f"a {order_type} order needs a positive price")
            price = _floor(price, spec.tick)
        book = self.market.book(trading_pair, now, BOOK_DEPTH)
        opposite = book.asks if side == "BUY" else book.bids
        reference = price if price is not None else Decimal(str(opposite[0][0]))
        if amount * reference < spec.min_notional:
            raise VenueError(f"notional {amount * reference} is below the minimum {spec.min_notional}")
        crosses = _crossing(side, opposite, price)
        if order_type == "LIMIT_MAKER" and crosses:
            raise VenueError("LIMIT_MAKER order would take liquidity")
        order = VenueOrder(
            f"SIM-{next(self._ids)}",
            client_order_id,
            account,
            trading_pair,
            side,
            order_type,
            amount,
            price,
            created=now,
            updated=now,
            position_action=position_action,
        )
        self._check_order(order, opposite)
        self._orders[order.exchange_order_id] = order
        self._emit("order", order)
        if crosses:
            self._fill_levels(order, crosses, now, is_maker=False)
        if order_type == "MARKET" and order.is_open:
            order.status = "CANCELED"  # the visible book could not fill it all
            order.updated = now
            self._emit("order", order)
        return order

    def cancel(self, account: str, exchange_order_id: str, now: float) -> VenueOrder:
        order = self.order(exchange_order_id)
        if order.account != account:
            raise UnknownOrder(f"order {exchange_order_id} does not exist")
        if order.is_open:
            order.status = "CANCELED"
            order.updated = now
            self._emit("order", order)
        return order

    def step(self, now: float) -> None:
        """Let the market reach resting orders: fill what it crosses, as maker."""
        self._now = now
        by_pair: dict[str, list[tuple[VenueOrder, Decimal]]] = {}  # the limit orders and their prices
        for order in self._orders.values():
            if order.is_open and order.price is not None:
                by_pair.setdefault(order.trading_pair, []).append((order, order.price))
        for pair, orders in by_pair.items():
            book = self.market.book(pair, now, BOOK_DEPTH)
            for order, price in sorted(orders, key=lambda resting: resting[0].created):
                opposite = book.asks if order.side == "BUY" else book.bids
                levels = _crossing(order.side, opposite, price)
                if not levels:
                    continue
                available = sum((amount for _, amount in levels), ZERO)
                quantity = min(order.remaining, available)
                self._fill(order, price, quantity, now, is_maker=True)

    # -- internals ------------------------------------------------------------------------------

    def _check_order(self, order: VenueOrder, opposite: list[tuple[float, float]]) -> None:
        """Refuse an order the account cannot pay for (a subclass adds its own rules)."""
        account, side, amount, price = order.account, order.side, order.amount, order.price
        spec = self.market.spec(order.trading_pair)
        if side == "BUY":
            if price is not None:
                needed = amount * price * (1 + max(self.maker_fee, self.taker_fee))
            else:
                needed = _cost_to_take(opposite, amount) * (1 + self.taker_fee)
            if needed > self._available(account, spec.quote):
                raise VenueError(
                    f"insufficient {spec.quote}: {needed:.8f} needed, "
                    f"{self._available(account, spec.quote):.8f} available"
                )
        elif amount > self._available(account, spec.base):
            raise VenueError(
                f"insufficient {spec.base}: {amount} needed, {self._available(account, spec.base)} available"
            )

    def _fill_levels(
        self, order: VenueOrder, levels: list[tuple[Decimal, Decimal]], now: float, is_maker: bool
    ) -> None:
        for price, amount in levels:
            if not order.is_open or order.remaining <= 0:
                break
            self._fill(order, price, min(order.remaining, amount), now, is_maker)

    def _fill(self, order: VenueOrder, price: Decimal, quantity: Decimal, now: float, is_maker: bool) -> None:
        spec = self.market.spec(order.trading_pair)
        quantity = _floor(quantity, spec.size_step)
        if quantity <= 0:
            return
        fee = price * quantity * (self.maker_fee if is_maker else self.taker_fee)
        self._settle(order, price, quantity, fee)
        order.filled += quantity
        order.status = "FILLED" if order.remaining <= 0 else "PARTIALLY_FILLED"
        order.updated = now
        fill = VenueFill(
            f"T-{next(self._ids)}",
            order.exchange_order_id,
            order.client_order_id,
            order.account,
            order.trading_pair,
            order.side,
            price,
            quantity,
            fee,
            spec.quote,
            is_maker,
            now,
        )
        self._fills.setdefault(order.exchange_order_id, []).append(fill)
        self._emit("fill", fill)
        self._emit("order", order)

    def _settle(self, order: VenueOrder, price: Decimal, quantity: Decimal, fee: Decimal) -> None:
        """Move what a fill exchanges: base against quote, the fee in quote."""
        spec = self.market.spec(order.trading_pair)
        value = price * quantity
        if order.side == "BUY":
            self._move(order.account, spec.quote, -(value + fee))
            self._move(order.account, spec.base, quantity)
        else:
            self._move(order.account, spec.base, -quantity)
            self._move(order.account, spec.quote, value - fee)


def _floor(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def _crossing(
    side: str, opposite: list[tuple[float, float]], limit: Decimal | None
) -> list[tuple[Decimal, Decimal]]:
    """The opposite side's levels an order at ``limit`` (None: any price) would take."""
    taken = []
    for raw_price, raw_amount in opposite:
        price, amount = Decimal(str(raw_price)), Decimal(str(raw_amount))
        if limit is not None and (price > limit if side == "BUY" else price < limit):
            break
        taken.append((price, amount))
    return taken


def _cost_to_take(levels: list[tuple[float, float]], amount: Decimal) -> Decimal:
    cost, left = ZERO, amount
    for raw_price, raw_amount in levels:
        take = min(left, Decimal(str(raw_amount)))
        cost += take * Decimal(str(raw_price))
        left -= take
        if left <= 0:
            break
    return cost
