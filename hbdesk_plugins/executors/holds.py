"""Positions executors were told to keep (``keep_position``): what they bought and sold, per
account, connector, pair and controller, until a trader clears it.

Matched volume is settled at once (bought and sold at different average prices is realised
PnL); what is left is the held position, with its breakeven price.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hbdesk_plugins.executors.views import iso, number

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.executors.tables import ExecutorRow, PositionHoldRow

log = logging.getLogger(__name__)

Key = tuple[str, str, str, str]  # account, connector, pair, controller


@dataclass
class Hold:
    account_name: str
    connector_name: str
    trading_pair: str
    controller_id: str
    buy_amount_base: float = 0.0
    buy_amount_quote: float = 0.0
    sell_amount_base: float = 0.0
    sell_amount_quote: float = 0.0
    realized_pnl_quote: float = 0.0
    cum_fees_quote: float = 0.0
    executor_ids: list[str] = field(default_factory=list)
    status: str = "ACTIVE"
    last_updated: float | None = None

    @property
    def key(self) -> Key:
        return (self.account_name, self.connector_name, self.trading_pair, self.controller_id)

    def add_fill(self, side: str, base: float, quote: float, executor_id: str, fees: float) -> None:
        if side == "BUY":
            self.buy_amount_base += base
            self.buy_amount_quote += quote
        else:
            self.sell_amount_base += base
            self.sell_amount_quote += quote
        self.cum_fees_quote += fees
        if executor_id not in self.executor_ids:
            self.executor_ids.append(executor_id)
        matched = min(self.buy_amount_base, self.sell_amount_base)
        if matched > 0:
            buy_price = self.buy_amount_quote / self.buy_amount_base
            sell_price = self.sell_amount_quote / self.sell_amount_base
            self.realized_pnl_quote += matched * (sell_price - buy_price)
            self.buy_amount_base -= matched
            self.buy_amount_quote -= matched * buy_price
            self.sell_amount_base -= matched
            self.sell_amount_quote -= matched * sell_price

    @property
    def net_amount_base(self) -> float:
        return self.buy_amount_base - self.sell_amount_base

    def unrealized(self, price: float | None) -> float | None:
        if price is None:
            return None
        if self.buy_amount_base > 0:
            return self.buy_amount_base * price - self.buy_amount_quote
        if self.sell_amount_base > 0:
            return self.sell_amount_quote - self.sell_amount_base * price
        return 0.0

    def api(self, price: float | None) -> dict[str, Any]:
        net = self.net_amount_base
        return {
            "trading_pair": self.trading_pair,
            "connector_name": self.connector_name,
            "account_name": self.account_name,
            "controller_id": self.controller_id,
            "buy_amount_base": self.buy_amount_base,
            "buy_amount_quote": self.buy_amount_quote,
            "sell_amount_base": self.sell_amount_base,
            "sell_amount_quote": self.sell_amount_quote,
            "net_amount_base": net,
            "buy_breakeven_price": (
                self.buy_amount_quote / self.buy_amount_base if self.buy_amount_base > 0 else None
            ),
            "sell_breakeven_price": (
                self.sell_amount_quote / self.sell_amount_base if self.sell_amount_base > 0 else None
            ),
            "matched_amount_base": min(self.buy_amount_base, self.sell_amount_base),
            "unmatched_amount_base": abs(net),
            "position_side": "LONG" if net > 0 else "SHORT" if net < 0 else "FLAT",
            "realized_pnl_quote": self.realized_pnl_quote,
            "cum_fees_quote": self.cum_fees_quote,
            "unrealized_pnl_quote": self.unrealized(price),
            "executor_count": len(self.executor_ids),
            "executor_ids": list(self.executor_ids),
            "last_updated": iso(self.last_updated),
        }

    def columns(self) -> dict[str, Any]:
        return {
            "account_name": self.account_name,
            "connector_name": self.connector_name,
            "trading_pair": self.trading_pair,
            "controller_id": self.controller_id,
            "buy_amount_base": self.buy_amount_base,
            "buy_amount_quote": self.buy_amount_quote,
            "sell_amount_base": self.sell_amount_base,
            "sell_amount_quote": self.sell_amount_quote,
            "realized_pnl_quote": self.realized_pnl_quote,
            "cum_fees_quote": self.cum_fees_quote,
            "executor_ids": json.dumps(self.executor_ids),
            "status": self.status,
            "last_updated": self.last_updated or 0.0,
        }

    @classmethod
    def from_row(cls, row: PositionHoldRow) -> Hold:
        return cls(
            account_name=row.account_name,
            connector_name=row.connector_name,
            trading_pair=row.trading_pair,
            controller_id=row.controller_id,
            buy_amount_base=row.buy_amount_base,
            buy_amount_quote=row.buy_amount_quote,
            sell_amount_base=row.sell_amount_base,
            sell_amount_quote=row.sell_amount_quote,
            realized_pnl_quote=row.realized_pnl_quote,
            cum_fees_quote=row.cum_fees_quote,
            executor_ids=list(json.loads(row.executor_ids or "[]")),
            status=row.status,
            last_updated=row.last_updated,
        )


class Holds:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.active: dict[Key, Hold] = {}

    async def load(self) -> None:
        from sqlalchemy import select

        from hbdesk_plugins.executors.tables import PositionHoldRow

        async with self.kernel.db.session() as session:
            rows = await session.scalars(select(PositionHoldRow).where(PositionHoldRow.status == "ACTIVE"))
            for row in rows:
                hold = Hold.from_row(row)
                self.active[hold.key] = hold

    async def add(self, row: ExecutorRow, executor: Any) -> None:
        """Count what an executor closed with POSITION_HOLD leaves on the exchange."""
        if row.connector_name is None or row.trading_pair is None:
            return
        key = (row.account_name, row.connector_name, row.trading_pair, row.controller_id)
        hold = self.active.get(key) or Hold(*key)
        orders = list(getattr(executor, "_held_position_orders", None) or [])
        fees_total = number(getattr(executor, "cum_fees_quote", 0))
        quote_total = sum(number(o.get("executed_amount_quote")) for o in orders) or 1.0
        for order in orders:
            base = number(order.get("executed_amount_base"))
            quote = number(order.get("executed_amount_quote"))
            if base <= 0:
                continue
            fees = number(order.get("cumulative_fee_paid_quote")) or fees_total * quote / quote_total
            hold.add_fill(str(order.get("trade_type")), base, quote, row.executor_id, fees)
        if not orders:
            return
        hold.last_updated = self.kernel.clock()
        self.active[key] = hold
        await self._save(hold)

    async def clear(self, key: Key) -> Hold | None:
        hold = self.active.pop(key, None)
        if hold is not None:
            hold.status = "CLEARED"
            hold.last_updated = self.kernel.clock()
            await self._save(hold)
        return hold

    async def _save(self, hold: Hold) -> None:
        from hbdesk_plugins.executors.tables import PositionHoldRow

        async with self.kernel.db.session() as session:
            await session.merge(PositionHoldRow(**hold.columns()))
            await session.commit()

    def listed(self, controller_id: str | None) -> list[Hold]:
        return [
            hold
            for hold in self.active.values()
            if (controller_id is None or hold.controller_id == controller_id)
            and (hold.buy_amount_base > 0 or hold.sell_amount_base > 0)
        ]
