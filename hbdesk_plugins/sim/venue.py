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

Durability: every public call that changes the venue is one *operation*. As it runs, the venue
notes which entities it changed (a balance, an order, the id counter) and what it added (fills);
when it ends, the state of each of them goes to the venue's store (``hbdesk_plugins.sim.store``)
as one journal line, before the call returns. ``records`` describes the whole state the same way,
for a snapshot; ``restore`` rebuilds a venue from records. Without a store the venue lives in
memory only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any, Concatenate

from hbdesk_plugins.sim.market import SimMarket

if TYPE_CHECKING:
    from hbdesk_plugins.sim.store import Record, VenueStore

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


# What identifies a changed entity until the operation ends: its record's tag, then its key.
Changed = tuple[Any, ...]


def operation[V: SimVenue, **P, R](method: Callable[Concatenate[V, P], R]) -> Callable[Concatenate[V, P], R]:
    """Make ``method`` one operation: what it changes is journaled as one line when it returns (or
    raises: what it changed before raising is changed in memory too). Operations called inside an
    operation are part of it."""

    @functools.wraps(method)
    def run(venue: V, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if venue._depth == 0 and venue._closed:
            raise VenueError("the simulated exchange has stopped")
        venue._depth += 1
        try:
            return method(venue, *args, **kwargs)
        finally:
            venue._depth -= 1
            if venue._depth == 0 and (venue._changed or venue._added):
                venue._commit()

    return run


class SimVenue:
    def __init__(
        self, market: SimMarket, maker_fee: Decimal = Decimal("0.0008"), taker_fee: Decimal = Decimal("0.001")
    ) -> None:
        self.market = market
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self._accounts: dict[str, Account] = {}
        self._orders: dict[str, VenueOrder] = {}
        # The orders still open, oldest first: what locks funds and what the market may reach. The
        # venue keeps every order it ever took, and looking through all of them for these would
        # make each new order slower than the last.
        self._open: dict[str, VenueOrder] = {}
        self._by_client: dict[tuple[str, str], str] = {}  # (account, client order id) → exchange id
        self._fills: dict[str, list[VenueFill]] = {}
        self._next_id = 1  # of orders (SIM-n) and trades (T-n) alike
        self._listeners: list[Listener] = []
        self._now: float | None = None  # the latest time the venue was told of
        # The running operation: its depth, the entities it changed, the records of what it added.
        self._depth = 0
        self._changed: dict[Changed, None] = {}
        self._added: list[Record] = []
        self._store: VenueStore | None = None
        self._closed = False

    # -- accounts -------------------------------------------------------------------------------

    @operation
    def fund(self, account: str, asset: str, amount: Decimal) -> None:
        self._move(account, asset, amount)

    def balances(self, account: str) -> dict[str, tuple[Decimal, Decimal]]:
        """asset → (total, available)."""
        totals = self._accounts.get(account, Account()).balances
        return {asset: (total, self._available(account, asset)) for asset, total in totals.items()}

    def _available(self, account: str, asset: str) -> Decimal:
        total = self._accounts.get(account, Account()).balances.get(asset, ZERO)
        return total - self._locked(account).get(asset, ZERO)

    def _locked(self, account: str) -> dict[str, Decimal]:
        locked: dict[str, Decimal] = {}
        for order in self._open.values():
            if order.account == account and order.price is not None:
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
        self._changed["B", account, asset] = None

    # -- orders ---------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, kind: str, payload: VenueOrder | VenueFill) -> None:
        # Every change of an order, and every fill, is told: here it is also noted for the journal.
        if isinstance(payload, VenueOrder):
            self._changed["O", payload.exchange_order_id] = None
            if payload.is_open:
                self._open[payload.exchange_order_id] = payload
            else:
                self._open.pop(payload.exchange_order_id, None)
            payload = replace(payload)  # the order as it is now, not as it will become
        else:
            self._added.append(_fill_record(payload))
        for listener in tuple(self._listeners):
            listener(kind, payload)

    def _new_id(self) -> int:
        number = self._next_id
        self._next_id += 1
        self._changed["N",] = None
        return number

    def order(self, exchange_order_id: str) -> VenueOrder:
        try:
            return self._orders[exchange_order_id]
        except KeyError:
            raise UnknownOrder(f"order {exchange_order_id} does not exist") from None

    def order_by_client_id(self, account: str, client_order_id: str) -> VenueOrder:
        """The account's order the client named ``client_order_id`` (its latest, should it have
        reused the name); UnknownOrder if the venue never took one."""
        try:
            return self._orders[self._by_client[account, client_order_id]]
        except KeyError:
            raise UnknownOrder(f"{account} has no order {client_order_id}") from None

    def fills(self, exchange_order_id: str) -> list[VenueFill]:
        return list(self._fills.get(exchange_order_id, ()))

    def open_orders(self, account: str) -> list[VenueOrder]:
        return [o for o in self._open.values() if o.account == account]

    @operation
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
            f"SIM-{self._new_id()}",
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
        self._by_client[account, client_order_id] = order.exchange_order_id
        self._emit("order", order)
        if crosses:
            self._fill_levels(order, crosses, now, is_maker=False)
        if order_type == "MARKET" and order.is_open:
            order.status = "CANCELED"  # the visible book could not fill it all
            order.updated = now
            self._emit("order", order)
        return order

    @operation
    def cancel(self, account: str, exchange_order_id: str, now: float) -> VenueOrder:
        order = self.order(exchange_order_id)
        if order.account != account:
            raise UnknownOrder(f"order {exchange_order_id} does not exist")
        if order.is_open:
            order.status = "CANCELED"
            order.updated = now
            self._emit("order", order)
        return order

    @operation
    def step(self, now: float) -> None:
        """Let the market reach resting orders: fill what it crosses, as maker."""
        self._now = now
        by_pair: dict[str, list[tuple[VenueOrder, Decimal]]] = {}  # the limit orders and their prices
        for order in self._open.values():
            if order.price is not None:
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

    # -- durability -----------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Make every call inside one operation: journaled as one line, so all or nothing of it
        survives a crash (funding several assets, say)."""
        if self._depth == 0 and self._closed:
            raise VenueError("the simulated exchange has stopped")
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and (self._changed or self._added):
                self._commit()

    def attach(self, store: VenueStore) -> None:
        """Journal every operation from now on to ``store`` (which holds this venue's state)."""
        self._store = store

    def close(self) -> None:
        """Refuse operations from now on: the store is about to close."""
        self._closed = True
        self._store = None

    def _commit(self) -> None:
        """Write what the operation changed, as the state each entity has now, in one line."""
        if self._store is not None:
            records = [self._record(changed) for changed in self._changed]
            records += self._added
            # Should the write fail (a full disk), the changes stay noted: they go with the next
            # operation's line, so the journal still ends with the state in memory.
            self._store.append(records)
        self._changed.clear()
        self._added.clear()

    def _record(self, changed: Changed) -> Record:
        tag = changed[0]
        if tag == "O":
            return _order_record(self._orders[changed[1]])
        if tag == "B":
            _, account, asset = changed
            return ["B", account, asset, str(self._accounts[account].balances[asset])]
        if tag == "N":
            return ["N", self._next_id]
        raise ValueError(f"no record for {changed!r}")

    def records(self) -> Callable[[], Iterator[Record]]:
        """The whole state as records, for a snapshot: returns a function that lists them, which a
        worker thread may call while the venue goes on. What may still change is recorded now;
        closed orders and fills never change again, so they are only recorded when listed."""
        now = [["N", self._next_id]]
        now += (
            ["B", account, asset, str(total)]
            for account, held in self._accounts.items()
            for asset, total in held.balances.items()
        )
        orders = [(o, _order_record(o) if o.is_open else None) for o in self._orders.values()]
        fills = [fill for fills in self._fills.values() for fill in fills]

        def listed() -> Iterator[Record]:
            yield from now
            for order, record in orders:
                yield record if record is not None else _order_record(order)
            yield from map(_fill_record, fills)

        return listed

    def restore(self, records: Iterable[Record]) -> bool:
        """Rebuild the state from records (a snapshot's, then a journal's); False if there were
        none, a venue never used."""
        restored = False
        for record in records:
            self._apply(record)
            restored = True
        self._open = {eid: order for eid, order in self._orders.items() if order.is_open}
        self._by_client = {(o.account, o.client_order_id): eid for eid, o in self._orders.items()}
        return restored

    def _apply(self, record: Record) -> None:
        tag = record[0]
        if tag == "O":
            order = _order_from(record)
            self._orders[order.exchange_order_id] = order
        elif tag == "T":
            fill = _fill_from(record)
            self._fills.setdefault(fill.exchange_order_id, []).append(fill)
        elif tag == "B":
            _, account, asset, total = record
            self._accounts.setdefault(account, Account()).balances[asset] = Decimal(total)
        elif tag == "N":
            self._next_id = record[1]
        else:
            raise ValueError(f"unknown record {record!r}")

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
            f"T-{self._new_id()}",
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


def _order_record(o: VenueOrder) -> Record:
    price = None if o.price is None else str(o.price)
    return [
        "O", o.exchange_order_id, o.client_order_id, o.account, o.trading_pair, o.side, o.order_type,
        str(o.amount), price, o.created, o.status, str(o.filled), o.updated, o.position_action,
    ]  # fmt: skip


def _order_from(r: Record) -> VenueOrder:
    price = None if r[8] is None else Decimal(r[8])
    return VenueOrder(
        r[1], r[2], r[3], r[4], r[5], r[6], Decimal(r[7]), price, r[9], r[10], Decimal(r[11]), r[12], r[13]
    )


def _fill_record(f: VenueFill) -> Record:
    return [
        "T", f.trade_id, f.exchange_order_id, f.client_order_id, f.account, f.trading_pair, f.side,
        str(f.price), str(f.amount), str(f.fee), f.fee_asset, f.is_maker, f.timestamp,
    ]  # fmt: skip


def _fill_from(r: Record) -> VenueFill:
    price, amount, fee = Decimal(r[7]), Decimal(r[8]), Decimal(r[9])
    return VenueFill(r[1], r[2], r[3], r[4], r[5], r[6], price, amount, fee, r[10], r[11], r[12])


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
