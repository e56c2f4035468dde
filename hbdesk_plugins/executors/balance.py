"""An executor's balance check that works on every connector.

hummingbot's executors check their budget with the connector's ``budget_checker``, whose fee
estimate looks the connector up in hummingbot's own connector settings: a connector a plugin
provides (the sims) is not there, and the check raises instead of answering. This one answers
the same question from the config: the quote the executor will commit on its side, against the
connector's available balance (collateral divided by leverage on a perpetual).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
