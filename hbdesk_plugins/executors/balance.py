"""An executor's balance check that works on every connector.

hummingbot's executors check their budget with the connector's ``budget_checker``, whose fee
estimate looks the connector up in hummingbot's own connector settings: a connector a plugin
provides (the sims) is not there, and the check raises instead of answering. This one answers
the same question from the config: the quote the executor will commit on its side, against the
connector's available balance (collateral divided by leverage on a perpetual).

The same lookup fails in the budget checker executors size their orders with
(``adjust_order_candidates``: a grid calls it before every order); ``adjusted`` is its
equivalent, with the connector's own fee.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from copy import copy
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


def guarded(executor: Any) -> Callable[[], Awaitable[None]]:
    """The executor's own check, falling back to ``check`` when hummingbot cannot run it."""
    original = executor.validate_sufficient_balance

    async def validate_sufficient_balance() -> None:
        try:
            await original()
        except NotImplementedError:
            return
        except Exception as exc:
            if "AllConnectorSettings" not in str(exc):
                raise
            check(executor)

    return validate_sufficient_balance


def needed_quote(config: Any, price: Decimal) -> Decimal | None:
    amount = getattr(config, "amount", None)
    if isinstance(amount, Decimal):
        return amount * price
    for name in ("total_amount_quote", "amount_quote"):
        value = getattr(config, name, None)
        if isinstance(value, Decimal):
            return value
    amounts = getattr(config, "amounts_quote", None)
    if isinstance(amounts, list) and amounts:
        return sum((Decimal(str(a)) for a in amounts), ZERO)
    return None


def check(executor: Any) -> None:
    from hummingbot.core.data_type.common import TradeType
    from hummingbot.strategy_v2.models.executors import CloseType

    config = executor.config
    name, pair = getattr(config, "connector_name", None), getattr(config, "trading_pair", None)
    side = getattr(config, "side", None)
    connector = executor.connectors.get(name) if isinstance(name, str) else None
    if connector is None or not isinstance(pair, str) or side not in (TradeType.BUY, TradeType.SELL):
        return
    try:
        price = Decimal(str(connector.get_mid_price(pair)))
    except Exception:
        return
    if not price.is_finite() or price <= 0:
        return
    quote_needed = needed_quote(config, price)
    if quote_needed is None:
        return
    base, quote = pair.split("-", 1)
    if hasattr(connector, "account_positions"):  # a perpetual: margin in the collateral token
        leverage = Decimal(max(int(getattr(config, "leverage", 1) or 1), 1))
        token = (
            connector.get_buy_collateral_token(pair)
            if side == TradeType.BUY
            else connector.get_sell_collateral_token(pair)
        )
        enough = Decimal(str(connector.get_available_balance(token))) >= quote_needed / leverage
    elif side == TradeType.BUY:
        enough = Decimal(str(connector.get_available_balance(quote))) >= quote_needed
    else:
        enough = Decimal(str(connector.get_available_balance(base))) >= quote_needed / price
    if not enough:
        executor.close_type = CloseType.INSUFFICIENT_BALANCE
        executor.logger().error("Not enough budget to open position.")
        executor.stop()


def guarded_adjust(executor: Any) -> Callable[[str, list[Any]], list[Any]]:
    """The executor's ``adjust_order_candidates``, answered by ``adjusted`` when hummingbot's
    budget checker cannot estimate the connector's fee."""
    original = executor.adjust_order_candidates

    def adjust_order_candidates(exchange: str, order_candidates: list[Any]) -> list[Any]:
        try:
            result: list[Any] = original(exchange, order_candidates)
        except Exception as exc:
            if "AllConnectorSettings" not in str(exc):
                raise
            return adjusted(executor.connectors[exchange], order_candidates)
        return result

    return adjust_order_candidates


def adjusted(connector: Any, candidates: list[Any]) -> list[Any]:
    """Copies of the candidates, each set to zero when the balance cannot pay for it (all or
    none, as hummingbot's budget checker does); what one takes is not available to the next."""
    locked: dict[str, Decimal] = defaultdict(lambda: ZERO)
    out = []
    for candidate in candidates:
        checked = copy(candidate)
        token, needed = _collateral(connector, checked)
        if token is not None:
            available = Decimal(str(connector.get_available_balance(token))) - locked[token]
            if needed > available:
                checked.set_to_zero()
            else:
                locked[token] += needed
        out.append(checked)
    return out


def _collateral(connector: Any, candidate: Any) -> tuple[str | None, Decimal]:
    """(token, amount) the candidate would hold: quote (with the fee) for a spot buy, base for
    a spot sell, margin for a perpetual opening; nothing for a perpetual closing."""
    from hummingbot.core.data_type.common import TradeType

    pair = candidate.trading_pair
    base, quote = pair.split("-", 1)
    amount = Decimal(str(candidate.amount))
    price = Decimal(str(candidate.price))
    if not price.is_finite() or price <= 0:
        try:
            price = Decimal(str(connector.get_mid_price(pair)))
        except Exception:
            return None, ZERO
    buy = candidate.order_side == TradeType.BUY
    fee = _fee_fraction(connector, candidate, base, quote, amount, price)
    if hasattr(connector, "account_positions"):
        if getattr(candidate, "position_close", False):
            return None, ZERO
        leverage = max(Decimal(str(getattr(candidate, "leverage", 1) or 1)), Decimal(1))
        token = connector.get_buy_collateral_token(pair) if buy else connector.get_sell_collateral_token(pair)
        return token, amount * price * (1 / leverage + fee)
    if buy:
        return quote, amount * price * (1 + fee)
    return base, amount


def _fee_fraction(
    connector: Any, candidate: Any, base: str, quote: str, amount: Decimal, price: Decimal
) -> Decimal:
    """The connector's own fee rate (asked by keyword: the perpetual base takes a position action
    before the amount)."""
    try:
        fee = connector.get_fee(
            base_currency=base,
            quote_currency=quote,
            order_type=candidate.order_type,
            order_side=candidate.order_side,
            amount=amount,
            price=price,
            is_maker=candidate.is_maker,
        )
        return Decimal(str(fee.percent))
    except Exception:
        return ZERO
