"""Listens to one trading connector's hummingbot events and hands them to the trading service.

hummingbot keeps only weak references to its listeners, so the watch holds its forwarder for as
long as it listens; ``close`` lets go of both.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hbdesk_plugins.trading.records import Status

if TYPE_CHECKING:
    from hbdesk_plugins.trading.service import TradingService

log = logging.getLogger(__name__)


class ConnectorWatch:
    def __init__(self, service: TradingService, account: str, name: str, connector: Any) -> None:
        from hummingbot.core.event.event_forwarder import SourceInfoEventForwarder
        from hummingbot.core.event.events import MarketEvent

        self.service = service
        self.account = account
        self.name = name
        self.connector = connector
        self._forwarder = SourceInfoEventForwarder(self._on_event)
        self._tags = [
            MarketEvent.BuyOrderCreated,
            MarketEvent.SellOrderCreated,
            MarketEvent.OrderFilled,
            MarketEvent.BuyOrderCompleted,
            MarketEvent.SellOrderCompleted,
            MarketEvent.OrderCancelled,
            MarketEvent.OrderExpired,
            MarketEvent.OrderFailure,
            MarketEvent.FundingPaymentCompleted,
        ]
        for tag in self._tags:
            connector.add_listener(tag, self._forwarder)

    def close(self) -> None:
        for tag in self._tags:
            self.connector.remove_listener(tag, self._forwarder)

    def _on_event(self, tag: int, _source: Any, event: Any) -> None:
        try:
            self._handle(tag, event)
        except Exception:
            log.exception("recording event %s of %s/%s failed", tag, self.account, self.name)

    def _handle(self, tag: int, event: Any) -> None:
        from hummingbot.core.event.events import MarketEvent

        service = self.service
        kind = MarketEvent(tag)
        if kind == MarketEvent.FundingPaymentCompleted:
            service.funding_paid(self.account, self.name, self.connector, event)
            return
        key = (self.account, self.name, event.order_id)
        if kind in (MarketEvent.BuyOrderCreated, MarketEvent.SellOrderCreated):
            record = service.record_for(self.account, self.name, event.order_id, self.connector)
            if record is not None:
                service.order_opened(record, event.exchange_order_id)
        elif kind == MarketEvent.OrderFilled:
            record = service.record_for(self.account, self.name, event.order_id, self.connector)
            if record is None:
                return
            quote = record.trading_pair.split("-", 1)[-1]
            fee = _fee(event, quote)
            trade_id = event.exchange_trade_id or f"{event.order_id}:{event.timestamp}:{event.amount}"
            service.order_filled(
                record,
                str(trade_id),
                Decimal(event.price),
                Decimal(event.amount),
                fee,
                quote,
                float(event.timestamp),
            )
        elif kind in (MarketEvent.BuyOrderCompleted, MarketEvent.SellOrderCompleted):
            service.order_done(key, Status.FILLED, "filled")
        elif kind == MarketEvent.OrderCancelled:
            service.order_done(key, Status.CANCELLED, "cancelled")
        elif kind == MarketEvent.OrderExpired:
            service.order_done(key, Status.CANCELLED, "expired")
        elif kind == MarketEvent.OrderFailure:
            reason = getattr(event, "error_message", None) or "the exchange refused the order"
            service.order_failed(key, str(reason))


def _fee(event: Any, quote: str) -> Decimal:
    """The fill's fee in the quote asset (flat fees in another token are counted at their face)."""
    trade_fee = event.trade_fee
    try:
        return Decimal(trade_fee.fee_amount_in_token(event.trading_pair, event.price, event.amount, quote))
    except Exception:
        total = Decimal(trade_fee.percent) * Decimal(event.price) * Decimal(event.amount)
        for flat in trade_fee.flat_fees:
            total += Decimal(flat.amount)
        return total
