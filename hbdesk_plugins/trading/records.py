"""An order as the trading plugin keeps it, and how orders, fills and payments look in the API.

Amounts and prices are Decimals in memory and decimal text in the database; the API shows them
as the reference does (floats in the search results, strings in the order's 201).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


class Status(enum.StrEnum):
    PENDING_SUBMIT = "PENDING_SUBMIT"  # recorded, not yet acknowledged by the exchange
    OPEN = "OPEN"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


ACTIVE = frozenset({Status.PENDING_SUBMIT, Status.OPEN, Status.PARTIALLY_FILLED})
FINAL = frozenset({Status.FILLED, Status.CANCELLED, Status.FAILED})


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


def num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class OrderRecord:
    account_name: str
    connector_name: str
    client_order_id: str
    trading_pair: str
    trade_type: str
    order_type: str
    position_action: str
    amount: Decimal
    price: Decimal | None
    created_at: float
    status: Status = Status.PENDING_SUBMIT
    filled_amount: Decimal = ZERO
    average_fill_price: Decimal | None = None
    fee_paid: Decimal = ZERO
    fee_currency: str | None = None
    exchange_order_id: str | None = None
    error_message: str | None = None
    updated_at: float = 0.0
    owner: str | None = None  # what placed it: an executor's id, say; None for a trader's order
    trade_ids: set[str] = field(default_factory=set)  # fills already counted

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.account_name, self.connector_name, self.client_order_id)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def add_fill(
        self, trade_id: str, price: Decimal, amount: Decimal, fee: Decimal, fee_currency: str | None
    ) -> bool:
        """Count a fill once; False if it was counted already."""
        if trade_id in self.trade_ids:
            return False
        self.trade_ids.add(trade_id)
        filled = self.filled_amount + amount
        previous = (self.average_fill_price or ZERO) * self.filled_amount
        self.average_fill_price = (previous + price * amount) / filled if filled else None
        self.filled_amount = filled
        self.fee_paid += fee
        self.fee_currency = self.fee_currency or fee_currency
        if self.status in ACTIVE:
            self.status = Status.FILLED if filled >= self.amount else Status.PARTIALLY_FILLED
        return True

    def row(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict, which deep-copies every field: this runs on
        # each state change of each order.
        return {
            "account_name": self.account_name,
            "connector_name": self.connector_name,
            "client_order_id": self.client_order_id,
            "trading_pair": self.trading_pair,
            "trade_type": self.trade_type,
            "order_type": self.order_type,
            "position_action": self.position_action,
            "amount": self.amount,
            "price": self.price,
            "created_at": self.created_at,
            "status": self.status.value,
            "filled_amount": self.filled_amount,
            "average_fill_price": self.average_fill_price,
            "fee_paid": self.fee_paid,
            "fee_currency": self.fee_currency,
            "exchange_order_id": self.exchange_order_id,
            "error_message": self.error_message,
            "updated_at": self.updated_at,
            "owner": self.owner,
        }

    @classmethod
    def from_row(cls, row: Any, trade_ids: set[str] | None = None) -> OrderRecord:
        return cls(
            account_name=row.account_name,
            connector_name=row.connector_name,
            client_order_id=row.client_order_id,
            trading_pair=row.trading_pair,
            trade_type=row.trade_type,
            order_type=row.order_type,
            position_action=row.position_action,
            amount=row.amount,
            price=row.price,
            created_at=row.created_at,
            status=Status(row.status),
            filled_amount=row.filled_amount,
            average_fill_price=row.average_fill_price,
            fee_paid=row.fee_paid,
            fee_currency=row.fee_currency,
            exchange_order_id=row.exchange_order_id,
            error_message=row.error_message,
            updated_at=row.updated_at,
            owner=row.owner,
            trade_ids=trade_ids or set(),
        )

    def api(self) -> dict[str, Any]:
        return {
            "order_id": self.client_order_id,
            "client_order_id": self.client_order_id,
            "account_name": self.account_name,
            "connector_name": self.connector_name,
            "trading_pair": self.trading_pair,
            "trade_type": self.trade_type,
            "order_type": self.order_type,
            "position_action": self.position_action,
            "amount": float(self.amount),
            "price": num(self.price),
            "status": self.status.value,
            "filled_amount": float(self.filled_amount),
            "average_fill_price": num(self.average_fill_price),
            "fee_paid": float(self.fee_paid),
            "fee_currency": self.fee_currency,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at or self.created_at),
            "timestamp": self.created_at,
            "exchange_order_id": self.exchange_order_id,
            "error_message": self.error_message,
            "owner": self.owner,
        }


def fill_api(row: Any) -> dict[str, Any]:
    return {
        "trade_id": row.trade_id,
        "order_id": row.client_order_id,
        "account_name": row.account_name,
        "connector_name": row.connector_name,
        "trading_pair": row.trading_pair,
        "trade_type": row.trade_type,
        "position_action": row.position_action,
        "amount": float(row.amount),
        "price": float(row.price),
        "fee_paid": float(row.fee_paid),
        "fee_currency": row.fee_currency,
        "timestamp": iso(row.timestamp),
    }


def funding_api(row: Any) -> dict[str, Any]:
    return {
        "funding_payment_id": ":".join(
            (row.account_name, row.connector_name, row.trading_pair, f"{row.timestamp:.3f}")
        ),
        "timestamp": iso(row.timestamp),
        "account_name": row.account_name,
        "connector_name": row.connector_name,
        "trading_pair": row.trading_pair,
        "funding_rate": float(row.funding_rate),
        "funding_payment": float(row.funding_payment),
        "fee_currency": row.fee_currency,
        "position_size": num(row.position_size),
        "position_side": row.position_side,
    }
