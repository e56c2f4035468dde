"""How the desk shows executors and the positions they kept: table cells, short words, and an
executor's config and info as indented lines. Shared by the executors screen and its panel.

Everything here reads the API's shapes (``service.views()``, ``reports.positions``), so the
desk shows exactly what a client of the REST API is told.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# Status and close words short enough for the table; the API keeps hummingbot's names.
SHORT_STATUS = {"NOT_STARTED": "STARTING", "SHUTTING_DOWN": "STOPPING", "TERMINATED": "CLOSED"}
SHORT_CLOSE = {
    "POSITION_HOLD": "HELD",
    "EARLY_STOP": "STOPPED",
    "INSUFFICIENT_BALANCE": "NO FUNDS",
    "TRAILING_STOP": "TRAILING",
    "STOP_LOSS": "STOP LOSS",
    "TAKE_PROFIT": "TAKE PROFIT",
    "TIME_LIMIT": "TIME LIMIT",
}
ID_SHOWN = 8  # characters of an executor's id in the table (the detail view shows it whole)

EXECUTOR_COLUMNS = (
    "ID",
    "Type",
    "Pair",
    "Side",
    "Status",
    "Close",
    "Filled",
    "PnL",
    "PnL %",
    "Connector",
    "Account",
)
HOLD_COLUMNS = (
    "Pair",
    "Side",
    "Amount",
    "Breakeven",
    "Realized",
    "Unrealized",
    "Fees",
    "Execs",
    "Connector",
    "Controller",
    "Account",
)
NUMERIC = frozenset(
    {"Filled", "PnL", "PnL %", "Amount", "Breakeven", "Realized", "Unrealized", "Fees", "Execs"}
)


def number(value: Any, most: int = 8) -> str:
    """A number with the decimals it has (up to ``most``): 0.01000 → 0.01; None → —."""
    try:
        decimal = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    if value is None or not decimal.is_finite():
        return "—"
    text = f"{decimal:.{most}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def signed(value: Any, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)):+.{decimals}f}"


def percent(fraction: Any) -> str:
    """hummingbot's PnL fraction (-0.001) as a percentage (-0.10%)."""
    if fraction is None:
        return "—"
    return f"{Decimal(str(fraction)) * 100:+.2f}%"


def short_type(executor_type: str) -> str:
    return executor_type.removesuffix("_executor")


def short_id(executor_id: str) -> str:
    return executor_id[:ID_SHOWN]


def status_word(view: dict[str, Any]) -> str:
    status = str(view.get("status") or "")
    return SHORT_STATUS.get(status, status)


def close_word(view: dict[str, Any]) -> str:
    close = view.get("close_type")
    return SHORT_CLOSE.get(str(close), str(close)) if close else ""


def executor_cells(view: dict[str, Any]) -> tuple[str, ...]:
    """An executor as ``service.views()`` gives it: what matters first, the wide names last, so
    at 80 columns the table shows the figures and scrolls to the rest."""
    return (
        short_id(str(view["executor_id"])),
        short_type(str(view["executor_type"])),
        str(view.get("trading_pair") or "—"),
        str(view.get("side") or "—"),
        status_word(view),
        close_word(view),
        f"{Decimal(str(view.get('filled_amount_quote') or 0)):.2f}",
        signed(view.get("net_pnl_quote") or 0),
        percent(view.get("net_pnl_pct") or 0),
        str(view.get("connector_name") or "—"),
        str(view.get("account_name") or ""),
    )


HoldKey = tuple[str, str, str, str]  # account, connector, pair, controller: as the service keys a hold


def hold_key(position: dict[str, Any]) -> HoldKey:
    return (
        str(position["account_name"]),
        str(position["connector_name"]),
        str(position["trading_pair"]),
        str(position["controller_id"]),
    )


def hold_cells(position: dict[str, Any]) -> tuple[str, ...]:
    """A kept position as ``reports.positions`` gives it."""
    side = str(position["position_side"])
    breakeven = position["buy_breakeven_price"] if side == "LONG" else position["sell_breakeven_price"]
    return (
        str(position["trading_pair"]),
        side,
        number(position["unmatched_amount_base"]),
        number(breakeven, 2),
        signed(position["realized_pnl_quote"]),
        signed(position["unrealized_pnl_quote"]),
        f"{Decimal(str(position['cum_fees_quote'])):.2f}",
        str(position["executor_count"]),
        str(position["connector_name"]),
        str(position["controller_id"]),
        str(position["account_name"]),
    )


# -- the detail view -----------------------------------------------------------------------------


def tree_lines(values: dict[str, Any], indent: int = 0) -> list[tuple[int, str, str]]:
    """A nested dict as (depth, key, value) lines; a nested dict is a heading and its lines."""
    lines: list[tuple[int, str, str]] = []
    for key, value in values.items():
        if isinstance(value, dict):
            if value:
                lines.append((indent, str(key), ""))
                lines += tree_lines(value, indent + 1)
            else:
                lines.append((indent, str(key), "—"))
        else:
            lines.append((indent, str(key), shown(value)))
    return lines


def shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int | Decimal):
        return number(value)
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value) if value else "—"
    return str(value)


def clock(moment: str | None) -> str:
    """An ISO moment as the day and the UTC time: 2026-01-01 09:20:34."""
    if not moment:
        return "—"
    try:
        return datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return moment


def time_of_day(moment: str | None) -> str:
    if not moment:
        return ""
    try:
        return datetime.fromisoformat(moment).strftime("%H:%M:%S")
    except ValueError:
        return moment
