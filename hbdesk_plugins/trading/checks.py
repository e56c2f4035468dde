"""What an order must satisfy before it is recorded and sent: the connector's trading rules, a
price where one is needed, a maker order that would not take, and the funds to pay for it.

Each failed check is an ``InvalidInput`` saying what was asked and what the venue allows, so the
trader sees the reason in the 400 (or the desk's notification) instead of a silent drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hbdesk.sdk import InvalidInput, excerpt

ZERO = Decimal(0)


@dataclass(frozen=True)
class OrderIntent:
    trading_pair: str
    trade_type: str  # BUY or SELL
    order_type: str  # MARKET, LIMIT or LIMIT_MAKER
    amount: Decimal
    price: Decimal | None
    position_action: str  # OPEN or CLOSE (perpetuals), NIL (spot)

    @property
    def is_buy(self) -> bool:
        return self.trade_type == "BUY"


@dataclass(frozen=True)
class Checked:
    """The order as it will be sent: quantized to the venue's steps, with its expected cost."""

    amount: Decimal
    price: Decimal | None
    reference_price: Decimal  # the limit price, or the touch a market order will meet
    notional: Decimal
    fee: Decimal  # estimated, in the quote asset


def is_perpetual(connector: Any) -> bool:
    return hasattr(connector, "account_positions")


def check(connector: Any, intent: OrderIntent) -> Checked:
    pair = intent.trading_pair
    rule = connector.trading_rules.get(pair)
    if rule is None:
        raise InvalidInput(f"Trading pair '{excerpt(pair)}' is not traded on {connector.name}.")
    from hummingbot.core.data_type.common import OrderType

    order_type = OrderType[intent.order_type]
    supported = connector.supported_order_types()
    if order_type not in supported:
        names = ", ".join(t.name for t in supported)
        raise InvalidInput(f"{connector.name} does not take {intent.order_type} orders (it takes {names}).")
    if intent.amount <= 0:
        raise InvalidInput("The amount must be greater than 0.")
    amount = connector.quantize_order_amount(pair, intent.amount)
    if amount < rule.min_order_size or amount <= 0:
        raise InvalidInput(
            f"Amount {intent.amount} is below the minimum order size {rule.min_order_size} of {pair} on "
            f"{connector.name} (step {rule.min_base_amount_increment})."
        )
    best = _touch(connector, pair, intent.is_buy)
    price: Decimal | None = None
    if intent.order_type == "MARKET":
        reference = best
    else:
        if intent.price is None:
            raise InvalidInput(f"A {intent.order_type} order needs a price.")
        if intent.price <= 0:
            raise InvalidInput("The price must be greater than 0.")
        price = connector.quantize_order_price(pair, intent.price)
        if price <= 0:
            raise InvalidInput(
                f"Price {intent.price} is below the price step {rule.min_price_increment} of {pair}."
            )
        reference = price
        if intent.order_type == "LIMIT_MAKER" and best > 0:
            crosses = price >= best if intent.is_buy else price <= best
            if crosses:
                side = "ask" if intent.is_buy else "bid"
                raise InvalidInput(
                    f"A LIMIT_MAKER {intent.trade_type.lower()} at {price} would take liquidity: "
                    f"the best {side} "
                    f"is {best}."
                )
    if reference <= 0:
        raise InvalidInput(f"{connector.name} has no price for {pair} yet; try a limit order.")
    notional = amount * reference
    if notional < rule.min_notional_size:
        raise InvalidInput(
            f"Order notional {notional.normalize():f} is below the minimum notional "
            f"{rule.min_notional_size} of "
            f"{pair} on {connector.name}."
        )
    fee = notional * _fee_rate(connector, intent, amount, reference)
    if is_perpetual(connector):
        _check_margin(connector, intent, amount, notional, fee)
    else:
        _check_balance(connector, intent, amount, notional, fee)
    return Checked(amount, price, reference, notional, fee)


def _touch(connector: Any, pair: str, is_buy: bool) -> Decimal:
    """The best price on the side an order of this direction would take from."""
    try:
        return Decimal(str(connector.get_price(pair, is_buy)))
    except Exception:
        return ZERO


def _fee_rate(connector: Any, intent: OrderIntent, amount: Decimal, price: Decimal) -> Decimal:
    from hummingbot.core.data_type.common import OrderType, PositionAction, TradeType

    base, quote = intent.trading_pair.split("-", 1)
    try:
        # By keyword: the perpetual base puts position_action before the amount, the spot one has none.
        fee = connector.get_fee(
            base_currency=base,
            quote_currency=quote,
            order_type=OrderType[intent.order_type],
            order_side=TradeType[intent.trade_type],
            amount=amount,
            price=price,
            is_maker=intent.order_type == "LIMIT_MAKER",
            **(
                {"position_action": PositionAction[intent.position_action]} if is_perpetual(connector) else {}
            ),
        )
        return Decimal(fee.percent)
    except Exception:
        return ZERO


def _check_balance(
    connector: Any, intent: OrderIntent, amount: Decimal, notional: Decimal, fee: Decimal
) -> None:
    base, quote = intent.trading_pair.split("-", 1)
    if intent.is_buy:
        needed, asset = notional + fee, quote
    else:
        needed, asset = amount, base
    available = Decimal(str(connector.get_available_balance(asset)))
    if available < needed:
        raise InvalidInput(
            f"Insufficient balance: the order needs {needed.normalize():f} {asset}, "
            f"{available.normalize():f} "
            f"{asset} is available on {connector.name}."
        )


def _check_margin(
    connector: Any, intent: OrderIntent, amount: Decimal, notional: Decimal, fee: Decimal
) -> None:
    pair = intent.trading_pair
    if intent.position_action not in ("OPEN", "CLOSE"):
        raise InvalidInput("position_action must be OPEN or CLOSE on a perpetual connector.")
    if intent.position_action == "CLOSE":
        # Closing a long sells, closing a short buys: the position must be there to close.
        side = "SHORT" if intent.is_buy else "LONG"
        held = sum(
            (
                abs(Decimal(p.amount))
                for p in connector.account_positions.values()
                if p.trading_pair == pair and p.position_side.name == side
            ),
            ZERO,
        )
        if held < amount:
            raise InvalidInput(
                f"Cannot close {amount.normalize():f} of a {side.lower()} {pair} position: "
                f"{held.normalize():f} is open."
            )
        return
    leverage = Decimal(connector.get_leverage(pair) or 1)
    token = (
        connector.get_buy_collateral_token(pair)
        if intent.is_buy
        else connector.get_sell_collateral_token(pair)
    )
    needed = notional / leverage + fee
    available = Decimal(str(connector.get_available_balance(token)))
    if available < needed:
        raise InvalidInput(
            f"Insufficient margin: the order needs {needed.normalize():f} {token} at {leverage}x, "
            f"{available.normalize():f} {token} is available on {connector.name}."
        )
