"""Searches and aggregates over executors, as the reference's routes answer them."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import page_in_memory

if TYPE_CHECKING:
    from hbdesk_plugins.executors.models import ExecutorFilterRequest
    from hbdesk_plugins.executors.service import ExecutorService


def cursor_of(item: dict[str, Any]) -> str:
    """The sort key of a listing: newest first, ties by id; also the cursor that pages after it."""
    return f"{item.get('created_at') or ''}|{item['executor_id']}"


def ordered(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest first, as every listing of executors shows them."""
    return sorted(items, key=cursor_of, reverse=True)


def search(service: ExecutorService, request: ExecutorFilterRequest) -> dict[str, Any]:
    def keep(item: dict[str, Any]) -> bool:
        return (
            (not request.account_names or item["account_name"] in request.account_names)
            and (not request.connector_names or item["connector_name"] in request.connector_names)
            and (not request.trading_pairs or item["trading_pair"] in request.trading_pairs)
            and (not request.executor_types or item["executor_type"] in request.executor_types)
            and (not request.controller_ids or item["controller_id"] in request.controller_ids)
            and (not request.status or item["status"] == request.status.upper())
        )

    items = [item for item in service.views() if keep(item)]
    return page_in_memory(items, cursor_of, request.cursor, request.limit, newest_first=True)


def summary(service: ExecutorService) -> dict[str, Any]:
    active = [item for item in service.views() if item["is_active"]]
    by_type: dict[str, int] = {}
    by_connector: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for item in active:
        by_type[item["executor_type"]] = by_type.get(item["executor_type"], 0) + 1
        connector = item["connector_name"] or "unknown"
        by_connector[connector] = by_connector.get(connector, 0) + 1
        by_status[item["status"]] = by_status.get(item["status"], 0) + 1
    return {
        "total_active": len(active),
        "total_pnl_quote": sum(item["net_pnl_quote"] for item in active),
        "total_volume_quote": sum(item["filled_amount_quote"] for item in active),
        "by_type": by_type,
        "by_connector": by_connector,
        "by_status": by_status,
    }


def performance(service: ExecutorService, controller_id: str | None) -> dict[str, Any]:
    items = [
        item for item in service.views() if controller_id is None or item["controller_id"] == controller_id
    ]
    completed = [
        item for item in items if not item["is_active"] and item["close_type"] not in ("POSITION_HOLD", None)
    ]
    active = [item for item in items if item["is_active"]]
    by_status: dict[str, int] = {}
    for item in items:
        by_status[item["status"]] = by_status.get(item["status"], 0) + 1
    by_type: dict[str, dict[str, Any]] = {}
    for item in completed:
        entry = by_type.setdefault(
            item["executor_type"],
            {
                "executor_type": item["executor_type"],
                "total": 0,
                "completed": 0,
                "running": 0,
                "pnl_quote": 0.0,
                "volume_quote": 0.0,
                "fees_quote": 0.0,
            },
        )
        entry["total"] += 1
        entry["completed"] += 1
        entry["pnl_quote"] += item["net_pnl_quote"]
        entry["volume_quote"] += item["filled_amount_quote"]
        entry["fees_quote"] += item["cum_fees_quote"]
    pnls = [item["net_pnl_quote"] for item in completed]
    realized = sum(pnls)
    holds = service.holds.listed(controller_id)
    hold_unrealized = 0.0
    for hold in holds:
        unrealized = hold.unrealized(service.price(hold.account_name, hold.connector_name, hold.trading_pair))
        hold_unrealized += (unrealized or 0.0) - hold.cum_fees_quote
    unrealized_total = sum(item["net_pnl_quote"] for item in active) + hold_unrealized
    sharpe = None
    if len(pnls) >= 2:
        deviation = statistics.stdev(pnls)
        if deviation > 0:
            sharpe = round(statistics.mean(pnls) / deviation, 4)
    return {
        "controller_id": controller_id,
        "total_executors": len(items),
        "by_status": by_status,
        "pnl_total_quote": realized,
        "unrealized_pnl_quote": unrealized_total,
        "global_pnl_quote": realized + unrealized_total,
        "pnl_pct_avg": statistics.mean(item["net_pnl_pct"] for item in completed) if completed else 0.0,
        "fees_total_quote": sum(item["cum_fees_quote"] for item in completed),
        "volume_total_quote": sum(item["filled_amount_quote"] for item in completed),
        "win_rate": (sum(1 for p in pnls if p > 0) / len(pnls)) if pnls else 0.0,
        "sharpe_ratio": sharpe,
        "by_type": list(by_type.values()),
        "active_positions": len(holds),
    }


def positions(service: ExecutorService, controller_id: str | None) -> dict[str, Any]:
    shown = []
    realized = 0.0
    unrealized: float | None = None
    for hold in service.holds.listed(controller_id):
        price = service.price(hold.account_name, hold.connector_name, hold.trading_pair)
        item = hold.api(price)
        shown.append(item)
        realized += hold.realized_pnl_quote
        if item["unrealized_pnl_quote"] is not None:
            unrealized = (unrealized or 0.0) + item["unrealized_pnl_quote"]
    return {
        "total_positions": len(shown),
        "total_realized_pnl": realized,
        "total_unrealized_pnl": unrealized,
        "positions": shown,
    }
