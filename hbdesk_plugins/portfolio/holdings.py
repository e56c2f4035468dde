"""What an account holds on one connector, read from its hummingbot connector, and its value.

A reading is kept as units (what the exchange said); prices are applied when an answer is made,
so a cached reading is always valued at the rate oracle's current prices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hbdesk.sdk import RateBook
from hbdesk_plugins.portfolio.models import PerpetualTokenBalance, TokenBalance

ZERO = Decimal(0)


@dataclass(frozen=True)
class Holding:
    token: str
    units: float
    available_units: float
    # Perpetual connectors only: what open positions margined in this token add and hold.
    unrealized_pnl: float | None = None
    position_margin: float | None = None


@dataclass(frozen=True)
class Reading:
    """One connector's balances for one account, or why they could not be read."""

    holdings: tuple[Holding, ...] = ()
    error: str | None = None
    read_at: float = 0.0


def is_perpetual(connector: Any) -> bool:
    return hasattr(connector, "account_positions")


def read_holdings(connector: Any) -> tuple[Holding, ...]:
    """The non-zero balances a running hummingbot connector holds (plus, on a perpetual, each
    collateral token's unrealised PnL and margin), tokens in name order."""
    totals: dict[str, Decimal] = dict(connector.get_all_balances() or {})
    pnl: dict[str, Decimal] = {}
    margin: dict[str, Decimal] = {}
    perpetual = is_perpetual(connector)
    if perpetual:
        for position in (connector.account_positions or {}).values():
            amount = Decimal(position.amount)
            pair = position.trading_pair
            token = (
                connector.get_buy_collateral_token(pair)
                if amount > 0
                else connector.get_sell_collateral_token(pair)
            )
            pnl[token] = pnl.get(token, ZERO) + Decimal(position.unrealized_pnl)
            leverage = Decimal(position.leverage) or Decimal(1)
            margin[token] = margin.get(token, ZERO) + abs(amount) * Decimal(position.entry_price) / leverage
    holdings = []
    for token in sorted(set(totals) | set(pnl)):
        units = Decimal(totals.get(token, ZERO))
        if units == 0 and pnl.get(token, ZERO) == 0:
            continue
        holdings.append(
            Holding(
                token=token,
                units=float(units),
                available_units=float(connector.get_available_balance(token)),
                unrealized_pnl=float(pnl.get(token, ZERO)) if perpetual else None,
                position_margin=float(margin.get(token, ZERO)) if perpetual else None,
            )
        )
    return tuple(holdings)


@dataclass
class Prices:
    """Token → price in the quote token, each looked up once per answer."""

    book: RateBook
    quote: str
    _known: dict[str, float] = field(default_factory=dict)

    def __call__(self, token: str) -> float:
        price = self._known.get(token)
        if price is None:
            rate = 1.0 if token == self.quote else self.book.rate(token, self.quote)
            price = self._known[token] = rate if rate is not None else 0.0  # unpriced: 0, still listed
        return price


def valued(holdings: tuple[Holding, ...], price: Prices) -> list[PerpetualTokenBalance | TokenBalance]:
    balances: list[PerpetualTokenBalance | TokenBalance] = []
    for holding in holdings:
        unit_price = price(holding.token)
        value = holding.units * unit_price
        if holding.unrealized_pnl is None or holding.position_margin is None:
            balances.append(
                TokenBalance(
                    token=holding.token,
                    units=holding.units,
                    price=unit_price,
                    value=value,
                    available_units=holding.available_units,
                )
            )
        else:
            balances.append(
                PerpetualTokenBalance(
                    token=holding.token,
                    units=holding.units,
                    price=unit_price,
                    value=value,
                    available_units=holding.available_units,
                    unrealized_pnl=holding.unrealized_pnl,
                    position_margin=holding.position_margin,
                )
            )
    return balances
