"""Re-attaching a rebuilt executor to its orders, and telling it what happened while the desk
was down.

After a restart the trading plugin settles every order it had recorded as active: one still
resting is tracked by its connector again, the others get their final record. An executor's
``TrackedOrder`` then follows the connector's own ``InFlightOrder`` where there is one, else an
order rebuilt from the snapshot (``InFlightOrder.to_json``) brought up to date with the trading
record. Events missed while down are state transitions the executors act on (a take-profit
filled, an entry cancelled), so they are replayed to the executor's handlers, each once.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

log = logging.getLogger(__name__)

ZERO = Decimal(0)
STATES = {
    "PENDING_SUBMIT": "PENDING_CREATE",
    "OPEN": "OPEN",
    "PARTIALLY_FILLED": "PARTIALLY_FILLED",
    "FILLED": "FILLED",
    "CANCELLED": "CANCELED",
    "FAILED": "FAILED",
}
FINAL = frozenset({"FILLED", "CANCELLED", "FAILED"})


def live_order(connectors: dict[str, Any], order_id: str) -> tuple[str, Any] | None:
    """(connector name, the connector's InFlightOrder) for an order a connector tracks."""
    for name, connector in connectors.items():
        found = connector._order_tracker.fetch_order(client_order_id=order_id)
        if found is not None:
            _fill_quote(found)
            return name, found
    return None


def _fill_quote(order: Any) -> None:
    """An order the trading plugin tracks again after a restart comes with its fills but not
    their quote total; executors read it (fills' value, PnL)."""
    if order.executed_amount_quote == ZERO and order.order_fills:
        order.executed_amount_quote = sum(
            (fill.fill_quote_amount for fill in order.order_fills.values()), ZERO
        )


def rebuilt_order(seen: dict[str, Any] | None, record: dict[str, Any] | None) -> Any:
    """An InFlightOrder from the last one the executor saw, updated with the trading record
    (the API's order dict) when there is one; None if neither is known."""
    from hummingbot.core.data_type.in_flight_order import InFlightOrder, OrderState

    order: Any = None
    if seen is not None:
        try:
            order = InFlightOrder.from_json(seen)
        except Exception:
            log.warning("order %s: its saved state cannot be read", seen.get("client_order_id"))
    if record is None:
        return order
    if order is None:
        order = _from_record(record)
    filled = Decimal(str(record.get("filled_amount") or 0))
    if filled > order.executed_amount_base:
        _add_fill(order, record, filled)
    status = str(record.get("status"))
    if status in STATES:
        order.current_state = OrderState[STATES[status]]
    order.check_filled_condition()
    return order


def _from_record(record: dict[str, Any]) -> Any:
    from hummingbot.core.data_type.common import OrderType, PositionAction, TradeType
    from hummingbot.core.data_type.in_flight_order import InFlightOrder, OrderState

    action = str(record.get("position_action") or "NIL")
    price = record.get("price")
    return InFlightOrder(
        client_order_id=str(record["order_id"]),
        trading_pair=str(record["trading_pair"]),
        order_type=OrderType[str(record["order_type"])],
        trade_type=TradeType[str(record["trade_type"])],
        amount=Decimal(str(record["amount"])),
        creation_timestamp=float(record.get("timestamp") or 0),
        price=Decimal(str(price)) if price is not None else Decimal("NaN"),
        exchange_order_id=record.get("exchange_order_id"),
        initial_state=OrderState.PENDING_CREATE,
        position=PositionAction[action] if action in PositionAction.__members__ else PositionAction.NIL,
    )


def _add_fill(order: Any, record: dict[str, Any], filled: Decimal) -> None:
    """One fill for what the record has filled beyond what the order knew, at the price and fee
    that make the totals agree."""
    from hummingbot.core.data_type.in_flight_order import TradeUpdate
    from hummingbot.core.data_type.trade_fee import AddedToCostTradeFee, TokenAmount

    amount = filled - order.executed_amount_base
    average = Decimal(str(record.get("average_fill_price") or record.get("price") or 0))
    quote_total = filled * average
    quote = quote_total - order.executed_amount_quote
    price = quote / amount if amount > 0 else average
    fee_total = Decimal(str(record.get("fee_paid") or 0))
    fee = max(fee_total - order.cumulative_fee_paid(order.quote_asset), ZERO)
    update = TradeUpdate(
        trade_id=f"{order.client_order_id}:restart:{filled}",
        client_order_id=order.client_order_id,
        exchange_order_id=order.exchange_order_id or "",
        trading_pair=order.trading_pair,
        fill_timestamp=float(record.get("timestamp") or 0),
        fill_price=price,
        fill_base_amount=amount,
        fill_quote_amount=quote,
        fee=AddedToCostTradeFee(flat_fees=[TokenAmount(order.quote_asset, fee)] if fee else []),
    )
    order.order_fills[update.trade_id] = update
    order.executed_amount_base = filled
    order.executed_amount_quote = quote_total


def replay(executor: Any, connector: Any, seen: dict[str, Any] | None, now: Any, clock: float) -> list[str]:
    """Call the executor's handlers for the transitions from ``seen`` (the order as it last knew
    it) to ``now``; returns what was replayed, for its log. Each handler is called on its own:
    one that raises is logged and the others are still told."""
    from hummingbot.core.data_type.trade_fee import AddedToCostTradeFee
    from hummingbot.core.event.events import (
        BuyOrderCompletedEvent,
        MarketEvent,
        MarketOrderFailureEvent,
        OrderCancelledEvent,
        OrderFilledEvent,
        SellOrderCompletedEvent,
    )

    if now is None:
        return []
    guard = GUARDS.get(type(executor).__name__, {})
    before_base = Decimal(str(seen["executed_amount_base"])) if seen else ZERO
    before_state = int(seen["last_state"]) if seen else -1
    told: list[str] = []
    order_id = now.client_order_id

    def tell(what: str, handler: Any, tag: Any, event: Any, label: str | None = None) -> None:
        special = guard.get(what)
        try:
            if special is not None:
                special(executor, order_id)
            else:
                handler(tag.value, connector, event)
        except Exception:
            log.exception("replaying %s of order %s failed", what, order_id)
            told.append(f"{label or what} (its handler failed)")
            return
        told.append(label or what)

    if now.executed_amount_base > before_base:
        amount = now.executed_amount_base - before_base
        before_quote = Decimal(str(seen["executed_amount_quote"])) if seen else ZERO
        price = (now.executed_amount_quote - before_quote) / amount
        tell(
            "filled",
            executor.process_order_filled_event,
            MarketEvent.OrderFilled,
            OrderFilledEvent(
                timestamp=clock,
                order_id=order_id,
                trading_pair=now.trading_pair,
                trade_type=now.trade_type,
                order_type=now.order_type,
                price=price,
                amount=amount,
                trade_fee=AddedToCostTradeFee(),
                exchange_order_id=now.exchange_order_id or "",
            ),
            f"filled {amount}",
        )
    state = now.current_state
    if state.value == before_state:
        return told
    if now.is_filled or state.name == "FILLED":
        buy = now.trade_type.name == "BUY"
        completed = BuyOrderCompletedEvent if buy else SellOrderCompletedEvent
        tell(
            "completed",
            executor.process_order_completed_event,
            MarketEvent.BuyOrderCompleted if buy else MarketEvent.SellOrderCompleted,
            completed(
                timestamp=clock,
                order_id=order_id,
                base_asset=now.base_asset,
                quote_asset=now.quote_asset,
                base_asset_amount=now.executed_amount_base,
                quote_asset_amount=now.executed_amount_quote,
                order_type=now.order_type,
                exchange_order_id=now.exchange_order_id,
            ),
        )
    elif state.name == "CANCELED":
        tell(
            "cancelled",
            executor.process_order_canceled_event,
            MarketEvent.OrderCancelled,
            OrderCancelledEvent(timestamp=clock, order_id=order_id, exchange_order_id=now.exchange_order_id),
        )
    elif state.name == "FAILED":
        tell(
            "failed",
            executor.process_order_failed_event,
            MarketEvent.OrderFailure,
            MarketOrderFailureEvent(
                timestamp=clock,
                order_id=order_id,
                order_type=now.order_type,
                error_message="failed while the desk was stopped",
            ),
        )
    return told


# -- handlers that cannot be replayed as they are ------------------------------------------------


def _plan_slot(executor: Any, order_id: str) -> Any:
    """(slot, TrackedOrder) of a TWAP's plan holding ``order_id``; slots not placed yet are None."""
    for slot, tracked in executor._order_plan.items():
        if tracked is not None and tracked.order_id == order_id:
            return slot, tracked
    return None


def _twap_known(executor: Any, order_id: str) -> None:
    """A slice's fill or completion: its TrackedOrder already follows the attached order, and the
    next step sees the plan complete. (hummingbot's handlers read ``order_id`` of every slot and
    raise on a slot not placed yet.)"""


def _twap_failed(executor: Any, order_id: str) -> None:
    """A slice that failed while the desk was down: its slot is placed again, as hummingbot means
    to (its own handler keeps only the failed slot of the plan, dropping every other)."""
    found = _plan_slot(executor, order_id)
    if found is None:
        return
    slot, tracked = found
    executor._failed_orders.append(tracked)
    executor._order_plan[slot] = None
    executor._current_retries += 1


GUARDS: dict[str, dict[str, Any]] = {
    "TWAPExecutor": {"filled": _twap_known, "completed": _twap_known, "failed": _twap_failed},
}
