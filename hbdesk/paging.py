"""Cursor pages, as the Hummingbot API's searches answer them: ``data`` and a ``pagination`` of
``limit``, ``has_more``, ``next_cursor`` and ``total_count``.

A cursor is the sort key of the last row shown, and the next page is what sorts after it: pages
stay right while rows arrive or go between two requests (an offset would repeat or skip rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def pagination[T](rows: Sequence[T], limit: int, cursor_of: Callable[[T], str], total: int) -> dict[str, Any]:
    """The ``pagination`` of a page read with one row more than ``limit`` (that row says whether
    there is more); ``total`` counts every row the search matches."""
    more = len(rows) > limit
    shown = rows[:limit]
    return {
        "limit": limit,
        "has_more": more,
        "next_cursor": cursor_of(shown[-1]) if more and shown else None,
        "total_count": total,
    }


def page_in_memory[T](
    items: Sequence[T],
    key: Callable[[T], str],
    cursor: str | None,
    limit: int,
    *,
    newest_first: bool = False,
) -> dict[str, Any]:
    """A page of rows a service holds in memory, ordered by ``key`` (descending with
    ``newest_first``); the cursor is the key of the previous page's last row."""
    ordered = sorted(items, key=key, reverse=newest_first)
    total = len(ordered)
    if cursor:
        ordered = [i for i in ordered if (key(i) < cursor if newest_first else key(i) > cursor)]
    return {"data": ordered[:limit], "pagination": pagination(ordered[: limit + 1], limit, key, total)}
