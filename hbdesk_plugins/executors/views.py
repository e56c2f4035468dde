"""An executor as the API shows it, from the live executor or from its stored row: one shape
for both, the reference's active-executor shape (plus ``closed_at`` and ``markets``)."""

from __future__ import annotations

import enum
import json
import logging
import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from hbdesk_plugins.executors.tables import ExecutorRow

log = logging.getLogger(__name__)

# Big and internal: the reference leaves them out of its rows too.
HEAVY = ("fill_events", "levels_by_state", "filled_orders", "failed_orders", "canceled_orders")


def iso(moment: float | None) -> str | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC).isoformat()


def jsonable(value: Any, depth: int = 0) -> Any:
    """Plain JSON values: Decimals as floats, enums by name, orders as their figures."""
    if depth > 8:
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump(), depth + 1)
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v, depth + 1) for v in value]
    if type(value).__name__ == "TrackedOrder":
        return {
            "order_id": value.order_id,
            "price": jsonable(value.price),
            "executed_amount_base": jsonable(value.executed_amount_base),
            "executed_amount_quote": jsonable(value.executed_amount_quote),
            "is_filled": value.is_filled,
            "is_open": value.is_open,
        }
    return str(value)


def number(value: Any) -> float:
    try:
        result = float(value)
    except (TypeError, ValueError, ArithmeticError):
        return 0.0
    return result if math.isfinite(result) else 0.0


def custom_info(executor: Any) -> dict[str, Any]:
    try:
        info = executor.get_custom_info()
    except Exception:  # a view, not a reason to fail a read (prices not there yet, say)
        return {}
    shown = jsonable({k: v for k, v in info.items() if k not in HEAVY})
    return shown if isinstance(shown, dict) else {}


def figures(executor: Any) -> dict[str, float]:
    out = {}
    for name in ("net_pnl_quote", "net_pnl_pct", "cum_fees_quote", "filled_amount_quote"):
        try:
            out[name] = number(getattr(executor, name))
        except Exception:
            out[name] = 0.0
    return out


def row_view(row: ExecutorRow, note: str | None = None) -> dict[str, Any]:
    config = _loads(row.config, {})
    info = _loads(row.custom_info, {})
    if note:
        info = {**info, "resume_state": note}
    return {
        "executor_id": row.executor_id,
        "executor_type": row.executor_type,
        "account_name": row.account_name,
        "connector_name": row.connector_name,
        "trading_pair": row.trading_pair,
        "markets": _loads(row.markets, []),
        "side": row.side,
        "status": row.status,
        "close_type": row.close_type,
        "is_active": row.status != "TERMINATED",
        "is_trading": bool(row.is_trading) and row.status != "TERMINATED",
        "timestamp": config.get("timestamp") if isinstance(config, dict) else None,
        "created_at": iso(row.created_at),
        "close_timestamp": row.close_timestamp,
        "closed_at": iso(row.close_timestamp) if row.status == "TERMINATED" else None,
        "controller_id": row.controller_id,
        "net_pnl_quote": row.net_pnl_quote,
        "net_pnl_pct": row.net_pnl_pct,
        "cum_fees_quote": row.cum_fees_quote,
        "filled_amount_quote": row.filled_amount_quote,
        "config": config,
        "custom_info": info,
        "error_count": row.error_count,
        "last_error": row.last_error,
    }


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default
