"""What a hummingbot executor takes for its "strategy": one per executor, bound to its account.

An executor reads ``connectors`` once, asks ``current_timestamp`` on every step, and places and
cancels orders with ``buy``/``sell``/``cancel``; nothing else (see the notes in ``service``).
Orders go through the trading plugin, which returns the client order id at once (as
hummingbot's ``buy`` does), records the order with this executor as its owner, lets the
executor's state that refers to it be written, and only then sends it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hbdesk_plugins.executors.service import ExecutorService


class ExecutorStrategy:
    def __init__(
        self, service: ExecutorService, account: str, executor_id: str, connectors: dict[str, Any]
    ) -> None:
        self.service = service
        self.account = account
        self.executor_id = executor_id
        self.connectors = connectors  # name → the account's live trading connector
        self.markets: dict[Any, Any] = {}  # hummingbot's ScriptStrategyBase has it; executors never read it

    @property
    def current_timestamp(self) -> float:
        return self.service.kernel.clock()

    def buy(
        self,
        connector_name: str,
        trading_pair: str,
        amount: Decimal,
        order_type: Any,
        price: Decimal = Decimal("NaN"),
        position_action: Any = None,
    ) -> str:
        return self._place(connector_name, trading_pair, "BUY", amount, order_type, price, position_action)

    def sell(
        self,
        connector_name: str,
        trading_pair: str,
        amount: Decimal,
        order_type: Any,
        price: Decimal = Decimal("NaN"),
        position_action: Any = None,
    ) -> str:
        return self._place(connector_name, trading_pair, "SELL", amount, order_type, price, position_action)

    def _place(
        self,
        connector_name: str,
        trading_pair: str,
        side: str,
        amount: Decimal,
        order_type: Any,
        price: Decimal | None,
        position_action: Any,
    ) -> str:
        price = Decimal(str(price)) if price is not None else None
        from hbdesk_plugins.trading.public import OrderIntent

        intent = OrderIntent(
            trading_pair=trading_pair,
            trade_type=side,
            order_type=order_type.name,
            amount=Decimal(str(amount)),
            price=price if price is not None and price.is_finite() else None,
            position_action=getattr(position_action, "name", None) or "OPEN",
        )
        return self.service.submit(self, connector_name, intent)

    def cancel(self, connector_name: str, trading_pair: str, order_id: str) -> str:
        connector = self.connectors.get(connector_name)
        if connector is None:
            return order_id
        # ExchangePyBase.cancel spawns the cancellation and returns the id, as executors expect.
        result: str = connector.cancel(trading_pair, order_id)
        return result

    def get_active_orders(self, connector_name: str) -> list[Any]:
        connector = self.connectors.get(connector_name)
        return list(connector.in_flight_orders.values()) if connector is not None else []
