"""Searches over the trading records: filters, newest first, cursor pages.

A cursor is the last row's (time, id) pair as text; the next page is what sorts after it, so
pages stay right while new rows arrive. ``total_count`` counts everything the filter matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hbdesk.sdk import InvalidInput, excerpt, pagination
from hbdesk_plugins.trading.records import OrderRecord, fill_api, funding_api
from hbdesk_plugins.trading.tables import FillRow, FundingRow, OrderRow

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel

STATUS_ALIASES = {"CANCELED": "CANCELLED", "PENDING": "PENDING_SUBMIT", "SUBMITTED": "PENDING_SUBMIT"}
STATUSES = ("PENDING_SUBMIT", "OPEN", "PARTIALLY_FILLED", "FILLED", "CANCELLED", "FAILED")


def seconds(value: int | None) -> float | None:
    """Milliseconds as the reference takes them; a value too small to be milliseconds since 1973
    is taken as seconds, as people also send."""
    if value is None:
        return None
    return value / 1000 if abs(value) >= 100_000_000_000 else float(value)


def encode_cursor(moment: float, ident: str) -> str:
    return f"{moment!r}|{ident}"


def decode_cursor(cursor: str) -> tuple[float, str]:
    moment, sep, ident = cursor.partition("|")
    try:
        if not sep:
            raise ValueError
        return float(moment), ident
    except ValueError:
        raise InvalidInput(
            f"Invalid cursor '{excerpt(cursor)}': pass the next_cursor of a previous page."
        ) from None


async def _search(
    kernel: Kernel,
    table: Any,
    time_column: Any,
    id_column: Any,
    conditions: list[Any],
    cursor: str | None,
    limit: int,
) -> tuple[list[Any], int]:
    from sqlalchemy import and_, func, or_, select

    async with kernel.db.session() as session:
        total = await session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0
        query = select(table).where(*conditions)
        if cursor:
            moment, ident = decode_cursor(cursor)
            query = query.where(or_(time_column < moment, and_(time_column == moment, id_column < ident)))
        query = query.order_by(time_column.desc(), id_column.desc()).limit(limit + 1)
        rows = list(await session.scalars(query))
    return rows, total


def _common(
    table: Any,
    accounts: list[str] | None,
    connectors: list[str] | None,
    start: int | None,
    end: int | None,
    time_column: Any,
) -> list[Any]:
    conditions: list[Any] = []
    if accounts:
        conditions.append(table.account_name.in_(accounts))
    if connectors:
        conditions.append(table.connector_name.in_(connectors))
    begin, finish = seconds(start), seconds(end)
    if begin is not None and finish is not None and finish < begin:
        raise InvalidInput("end_time is before start_time.")
    if begin is not None:
        conditions.append(time_column >= begin)
    if finish is not None:
        conditions.append(time_column <= finish)
    return conditions


async def search_orders(kernel: Kernel, request: Any) -> dict[str, Any]:
    conditions = _common(
        OrderRow,
        request.account_names,
        request.connector_names,
        request.start_time,
        request.end_time,
        OrderRow.created_at,
    )
    if request.trading_pairs:
        conditions.append(OrderRow.trading_pair.in_(request.trading_pairs))
    if request.status:
        status = request.status.strip().upper()
        status = STATUS_ALIASES.get(status, status)
        if status not in STATUSES:
            raise InvalidInput(f"Unknown status '{excerpt(request.status)}'; one of {', '.join(STATUSES)}.")
        conditions.append(OrderRow.status == status)
    rows, total = await _search(
        kernel,
        OrderRow,
        OrderRow.created_at,
        OrderRow.client_order_id,
        conditions,
        request.cursor,
        request.limit,
    )
    return {
        "data": [OrderRecord.from_row(row).api() for row in rows[: request.limit]],
        "pagination": pagination(
            rows, request.limit, lambda row: encode_cursor(row.created_at, row.client_order_id), total
        ),
    }


async def search_trades(kernel: Kernel, request: Any) -> dict[str, Any]:
    conditions = _common(
        FillRow,
        request.account_names,
        request.connector_names,
        request.start_time,
        request.end_time,
        FillRow.timestamp,
    )
    if request.trading_pairs:
        conditions.append(FillRow.trading_pair.in_(request.trading_pairs))
    if request.trade_types:
        conditions.append(FillRow.trade_type.in_(request.trade_types))
    rows, total = await _search(
        kernel, FillRow, FillRow.timestamp, FillRow.trade_id, conditions, request.cursor, request.limit
    )
    return {
        "data": [fill_api(row) for row in rows[: request.limit]],
        "pagination": pagination(
            rows, request.limit, lambda row: encode_cursor(row.timestamp, row.trade_id), total
        ),
    }


async def search_funding(kernel: Kernel, request: Any) -> dict[str, Any]:
    conditions = _common(
        FundingRow,
        request.account_names,
        request.connector_names,
        request.start_time,
        request.end_time,
        FundingRow.timestamp,
    )
    if request.trading_pair:
        conditions.append(FundingRow.trading_pair == request.trading_pair)
    rows, total = await _search(
        kernel,
        FundingRow,
        FundingRow.timestamp,
        FundingRow.trading_pair,
        conditions,
        request.cursor,
        request.limit,
    )
    return {
        "data": [funding_api(row) for row in rows[: request.limit]],
        "pagination": pagination(
            rows, request.limit, lambda row: encode_cursor(row.timestamp, row.trading_pair), total
        ),
    }
