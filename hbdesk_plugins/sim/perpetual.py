"""The simulated perpetual venue: USDT-margined positions on the simulated market.

It matches orders exactly as the spot venue does (same books, same fills, same fees); what a fill
changes differs. Rules, in one place:
- Collateral is the quote asset (USDT). A fill does not exchange base for quote: it opens, adds to,
  reduces or closes a position; reducing realises profit or loss into the collateral. Fees are
  taken from the collateral.
- ONEWAY (the default): one position per pair, long or short; a fill against it reduces it and
  whatever is left over opens the other way. HEDGE: a long and a short may live side by side, and
  an order says whether it OPENs or CLOSEs. In either mode a CLOSE is reduce-only: it needs a
  position to close and never takes it beyond zero.
- Leverage is per account and pair (1 to ``MAX_LEVERAGE``, default 1). Opening needs initial margin
  (notional / leverage) plus the fee, out of the available collateral: wallet balance plus
  unrealised profit less the margin of positions and of resting opening orders.
- The position mode and a pair's leverage change only when the account has no open orders and no
  positions (on that pair, for leverage), as on most exchanges.
- Funding every ``funding_interval`` seconds, at whole multiples of it (UTC): the rate for each
  period is drawn from the seed, so it is known in advance; at the funding time, longs pay shorts
  ``rate x size x mark`` (shorts pay longs when the rate is negative).
- Liquidation (isolated per position): when the mark reaches the liquidation price, the position is
  closed at the mark and its margin is lost; the price is where the loss equals the initial
  margin less the maintenance margin (``MAINTENANCE_MARGIN`` of the notional).
The mark price is the market's mid, the index the same mid a moment earlier.

Its state is journaled as the spot venue's is, plus positions, leverage, position modes, funding
payments and the time funding was last paid to (so a restart neither pays a period twice nor
skips one: the periods that ended while the desk was down are paid at its first step).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.noise import normal, stream_key
from hbdesk_plugins.sim.venue import (
    ZERO,
    Account,
    Changed,
    SimVenue,
    VenueError,
    VenueOrder,
    _cost_to_take,
    operation,
)

if TYPE_CHECKING:
    from hbdesk_plugins.sim.store import Record

MAX_LEVERAGE = 125
MAINTENANCE_MARGIN = Decimal("0.005")
INDEX_LAG = 3.0  # seconds the index trails the mark
FUNDING_BASE = 0.0001  # the usual 0.01 % per period, around which the drawn rates scatter
FUNDING_CAP = 0.0075


@dataclass
class PerpPosition:
    account: str
    trading_pair: str
    side: str  # "LONG" or "SHORT"
    amount: Decimal  # positive
    entry_price: Decimal
    leverage: int

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.side == "LONG" else -self.amount

    @property
    def margin(self) -> Decimal:
        return self.amount * self.entry_price / self.leverage

    def unrealized_pnl(self, mark: Decimal) -> Decimal:
        return (mark - self.entry_price) * self.signed_amount

    @property
    def liquidation_price(self) -> Decimal:
        fraction = Decimal(1) / self.leverage - MAINTENANCE_MARGIN
        if self.side == "LONG":
            return max(ZERO, self.entry_price * (1 - fraction))
        return self.entry_price * (1 + fraction)


@dataclass(frozen=True)
class FundingPayment:
    account: str
    trading_pair: str
    timestamp: float
    rate: Decimal
    amount: Decimal  # what the account received (negative: paid)


@dataclass(frozen=True)
class Funding:
    trading_pair: str
    rate: Decimal  # the rate that applies at next_funding_time
    next_funding_time: float
    mark_price: Decimal
    index_price: Decimal


class SimPerpVenue(SimVenue):
    def __init__(
        self,
        market: SimMarket,
        maker_fee: Decimal = Decimal("0.0002"),
        taker_fee: Decimal = Decimal("0.0005"),
        funding_interval: int = 8 * 3600,
    ) -> None:
        super().__init__(market, maker_fee, taker_fee)
        self.funding_interval = funding_interval
        self._positions: dict[tuple[str, str, str], PerpPosition] = {}
        self._leverage: dict[tuple[str, str], int] = {}
        self._modes: dict[str, str] = {}
        self._payments: list[FundingPayment] = []
        self._funded_period: int | None = None  # the last funding period settled

    # -- settings -------------------------------------------------------------------------------

    def position_mode(self, account: str) -> str:
        return self._modes.get(account, "ONEWAY")

    @operation
    def set_position_mode(self, account: str, mode: str) -> None:
        if mode not in ("ONEWAY", "HEDGE"):
            raise VenueError(f"unknown position mode {mode}: ONEWAY or HEDGE")
        if mode == self.position_mode(account):
            return
        if self.open_orders(account) or self.positions(account):
            raise VenueError("the position mode cannot change while orders or positions are open")
        self._modes[account] = mode
        self._changed["M", account] = None

    def leverage(self, account: str, trading_pair: str) -> int:
        self.market.spec(trading_pair)
        return self._leverage.get((account, trading_pair), 1)

    @operation
    def set_leverage(self, account: str, trading_pair: str, leverage: int) -> None:
        self.market.spec(trading_pair)
        if not 1 <= leverage <= MAX_LEVERAGE:
            raise VenueError(f"leverage must be between 1 and {MAX_LEVERAGE}, not {leverage}")
        busy = any(o.trading_pair == trading_pair for o in self.open_orders(account)) or any(
            p.trading_pair == trading_pair for p in self.positions(account)
        )
        if busy and leverage != self.leverage(account, trading_pair):
            raise VenueError(f"leverage of {trading_pair} cannot change while it has orders or a position")
        self._leverage[(account, trading_pair)] = leverage
        self._changed["L", account, trading_pair] = None

    # -- positions and prices -------------------------------------------------------------------

    def positions(self, account: str) -> list[PerpPosition]:
        return [p for (owner, _pair, _side), p in sorted(self._positions.items()) if owner == account]

    def mark_price(self, trading_pair: str, at: float) -> Decimal:
        return _price(self.market.mid(trading_pair, at), self.market.spec(trading_pair).tick)

    def index_price(self, trading_pair: str, at: float) -> Decimal:
        return _price(self.market.mid(trading_pair, at - INDEX_LAG), self.market.spec(trading_pair).tick)

    def funding_rate(self, trading_pair: str, period: int) -> Decimal:
        """The rate paid at the end of funding period ``period`` (seed-drawn, so known ahead)."""
        key = stream_key(self.market.seed, trading_pair, "funding")
        draw = float(normal(key, np.array([period], dtype=np.int64))[0])
        rate = min(FUNDING_CAP, max(-FUNDING_CAP, FUNDING_BASE + 0.00015 * draw))
        return Decimal(f"{rate:.8f}")

    def funding(self, trading_pair: str, at: float) -> Funding:
        period = math.floor(at / self.funding_interval)
        return Funding(
            trading_pair,
            rate=self.funding_rate(trading_pair, period),
            next_funding_time=float((period + 1) * self.funding_interval),
            mark_price=self.mark_price(trading_pair, at),
            index_price=self.index_price(trading_pair, at),
        )

    def funding_payments(self, account: str, trading_pair: str | None = None) -> list[FundingPayment]:
        return [
            p
            for p in self._payments
            if p.account == account and (trading_pair is None or p.trading_pair == trading_pair)
        ]

    def _available(self, account: str, asset: str) -> Decimal:
        """The wallet balance plus unrealised profit, less what positions and orders hold."""
        wallet = self._accounts.get(account, Account()).balances.get(asset, ZERO)
        held = self._locked(account).get(asset, ZERO)
        for position in self.positions(account):
            if self.market.spec(position.trading_pair).quote == asset:
                held += position.margin
                if self._now is not None:
                    wallet += position.unrealized_pnl(self.mark_price(position.trading_pair, self._now))
        return wallet - held

    # -- the venue's rules for orders -----------------------------------------------------------

    def _order_lock(self, order: VenueOrder, price: Decimal) -> tuple[str, Decimal] | None:
        """A resting order holds the margin of what it would open; closing holds nothing."""
        opening = self._opening_amount(order, order.remaining)
        if opening <= 0:
            return None
        spec = self.market.spec(order.trading_pair)
        leverage = self.leverage(order.account, order.trading_pair)
        return spec.quote, opening * price * (1 / Decimal(leverage) + self.maker_fee)

    def _check_order(self, order: VenueOrder, opposite: list[tuple[float, float]]) -> None:
        hedge = self.position_mode(order.account) == "HEDGE"
        if hedge and order.position_action not in ("OPEN", "CLOSE"):
            raise VenueError("in HEDGE mode an order must say whether it OPENs or CLOSEs a position")
        if order.position_action == "CLOSE":  # in either mode: reduce only, never beyond zero
            position = self._positions.get((order.account, order.trading_pair, _closes(order.side)))
            if position is None:
                raise VenueError(f"no {_closes(order.side)} position on {order.trading_pair} to close")
            if order.amount > position.amount:
                raise VenueError(f"closing {order.amount} is more than the {position.amount} of the position")
            return
        opening = self._opening_amount(order, order.amount)
        if opening <= 0:
            return
        spec = self.market.spec(order.trading_pair)
        leverage = Decimal(self.leverage(order.account, order.trading_pair))
        if order.price is not None:
            notional = opening * order.price
        else:
            notional = _cost_to_take(opposite, order.amount) * opening / order.amount
        needed = notional / leverage + notional * max(self.maker_fee, self.taker_fee)
        available = self._available(order.account, spec.quote)
        if needed > available:
            raise VenueError(
                f"insufficient {spec.quote} margin: {needed:.8f} needed at {leverage}x, "
                f"{available:.8f} available"
            )

    def _opening_amount(self, order: VenueOrder, quantity: Decimal) -> Decimal:
        """How much of ``quantity`` would open or add to a position rather than reduce one."""
        if order.position_action == "CLOSE":
            return ZERO
        if self.position_mode(order.account) == "HEDGE":
            return quantity
        position = self._oneway(order.account, order.trading_pair)
        if position is None or position.side == _opens(order.side):
            return quantity
        return max(ZERO, quantity - position.amount)

    def _settle(self, order: VenueOrder, price: Decimal, quantity: Decimal, fee: Decimal) -> None:
        spec = self.market.spec(order.trading_pair)
        self._move(order.account, spec.quote, -fee)
        if order.position_action == "CLOSE":
            self._reduce(order.account, order.trading_pair, _closes(order.side), price, quantity)
            return
        if self.position_mode(order.account) == "HEDGE":
            self._increase(order.account, order.trading_pair, _opens(order.side), price, quantity)
            return
        position = self._oneway(order.account, order.trading_pair)
        if position is not None and position.side != _opens(order.side):
            reduced = min(quantity, position.amount)
            self._reduce(order.account, order.trading_pair, position.side, price, reduced)
            quantity -= reduced
        if quantity > 0:
            self._increase(order.account, order.trading_pair, _opens(order.side), price, quantity)

    def _increase(self, account: str, pair: str, side: str, price: Decimal, quantity: Decimal) -> None:
        key = (account, pair, side)
        self._changed["P", *key] = None
        position = self._positions.get(key)
        if position is None:
            self._positions[key] = PerpPosition(
                account, pair, side, quantity, price, self.leverage(account, pair)
            )
            return
        total = position.amount + quantity
        position.entry_price = (position.entry_price * position.amount + price * quantity) / total
        position.amount = total

    def _reduce(self, account: str, pair: str, side: str, price: Decimal, quantity: Decimal) -> None:
        key = (account, pair, side)
        self._changed["P", *key] = None
        position = self._positions[key]
        quantity = min(quantity, position.amount)
        direction = 1 if side == "LONG" else -1
        self._move(
            account, self.market.spec(pair).quote, (price - position.entry_price) * quantity * direction
        )
        position.amount -= quantity
        if position.amount <= 0:
            del self._positions[key]

    def _oneway(self, account: str, pair: str) -> PerpPosition | None:
        return self._positions.get((account, pair, "LONG")) or self._positions.get((account, pair, "SHORT"))

    # -- time passing ---------------------------------------------------------------------------

    @operation
    def step(self, now: float) -> None:
        """Fill resting orders, liquidate what the mark has reached, pay funding when due."""
        super().step(now)
        self._liquidate(now)
        self._pay_funding(now)

    def _liquidate(self, now: float) -> None:
        for key, position in list(self._positions.items()):
            mark = self.mark_price(position.trading_pair, now)
            reached = (
                mark <= position.liquidation_price
                if position.side == "LONG"
                else mark >= position.liquidation_price
            )
            if reached:
                quote = self.market.spec(position.trading_pair).quote
                self._move(position.account, quote, -position.margin)
                del self._positions[key]
                self._changed["P", *key] = None
                for order in self.open_orders(position.account):
                    if order.trading_pair == position.trading_pair and order.position_action == "CLOSE":
                        self.cancel(order.account, order.exchange_order_id, now)
                self._tell("position", position)

    def _pay_funding(self, now: float) -> None:
        period = math.floor(now / self.funding_interval)
        if self._funded_period is None:
            self._funded_period = period  # funding before the venue existed is not owed
            self._changed["t",] = None
            return
        if period <= self._funded_period:  # within the period paid to (or a clock set back)
            return
        for ended in range(self._funded_period, period):
            when = float((ended + 1) * self.funding_interval)
            for position in list(self._positions.values()):
                rate = self.funding_rate(position.trading_pair, ended)
                mark = self.mark_price(position.trading_pair, when)
                amount = -rate * position.signed_amount * mark
                self._move(position.account, self.market.spec(position.trading_pair).quote, amount)
                payment = FundingPayment(position.account, position.trading_pair, when, rate, amount)
                self._payments.append(payment)
                self._added.append(_payment_record(payment))
                self._tell("funding", payment)
        self._funded_period = period
        self._changed["t",] = None

    # -- durability -----------------------------------------------------------------------------

    def _record(self, changed: Changed) -> Record:
        tag = changed[0]
        if tag == "P":
            position = self._positions.get(changed[1:])
            if position is None:  # closed or liquidated
                return ["P", *changed[1:], None, None, None]
            return _position_record(position)
        if tag == "L":
            _, account, pair = changed
            return ["L", account, pair, self._leverage[account, pair]]
        if tag == "M":
            return ["M", changed[1], self._modes[changed[1]]]
        if tag == "t":
            return ["t", self._funded_until()]
        return super()._record(changed)

    def _funded_until(self) -> float | None:
        """The time funding was paid to, rather than the period: the interval may change between
        two runs, the time it stands for does not."""
        return None if self._funded_period is None else float(self._funded_period * self.funding_interval)

    def records(self) -> Callable[[], Iterator[Record]]:
        spot = super().records()
        now: list[Record] = [_position_record(p) for p in self._positions.values()]
        now += (["L", account, pair, leverage] for (account, pair), leverage in self._leverage.items())
        now += (["M", account, mode] for account, mode in self._modes.items())
        now.append(["t", self._funded_until()])
        payments = list(self._payments)

        def listed() -> Iterator[Record]:
            yield from spot()
            yield from now
            yield from map(_payment_record, payments)

        return listed

    def _apply(self, record: Record) -> None:
        tag = record[0]
        if tag == "P":
            _, account, pair, side, amount, entry, leverage = record
            if amount is None:
                self._positions.pop((account, pair, side), None)
            else:
                position = PerpPosition(account, pair, side, Decimal(amount), Decimal(entry), leverage)
                self._positions[account, pair, side] = position
        elif tag == "L":
            _, account, pair, leverage = record
            self._leverage[account, pair] = leverage
        elif tag == "M":
            self._modes[record[1]] = record[2]
        elif tag == "F":
            _, account, pair, timestamp, rate, amount = record
            self._payments.append(FundingPayment(account, pair, timestamp, Decimal(rate), Decimal(amount)))
        elif tag == "t":
            until = record[1]
            self._funded_period = None if until is None else math.floor(until / self.funding_interval)
        else:
            super()._apply(record)

    def _tell(self, kind: str, payload: PerpPosition | FundingPayment) -> None:
        """News of the account that is neither an order nor a fill: a liquidation, a payment."""
        for listener in tuple(self._listeners):
            listener(kind, payload)


def _position_record(p: PerpPosition) -> Record:
    return ["P", p.account, p.trading_pair, p.side, str(p.amount), str(p.entry_price), p.leverage]


def _payment_record(p: FundingPayment) -> Record:
    return ["F", p.account, p.trading_pair, p.timestamp, str(p.rate), str(p.amount)]


def _opens(side: str) -> str:
    return "LONG" if side == "BUY" else "SHORT"


def _closes(side: str) -> str:
    return "SHORT" if side == "BUY" else "LONG"


def _price(value: float, tick: Decimal) -> Decimal:
    return (Decimal(str(value)) / tick).to_integral_value() * tick
