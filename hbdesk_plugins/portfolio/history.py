"""The history's vocabulary: intervals, times as the API writes them, cursors, and resampling.

Snapshots are resampled into buckets of the interval, aligned to the epoch in UTC (an hour's
bucket starts on the hour, a day's at midnight UTC); each bucket is shown by its latest snapshot,
the state as that bucket ended. Pages run newest first; a page's cursor is the start of its
oldest bucket, so the next page begins with the bucket before it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime

from hbdesk.sdk import InvalidInput, excerpt

INTERVALS = {"5m": 300, "15m": 900, "30m": 1800, "1h": 3600, "4h": 14_400, "12h": 43_200, "1d": 86_400}
DEFAULT_INTERVAL = "5m"
# Below this a time cannot be milliseconds of a portfolio (it would be March 1973): it is seconds,
# as the Hummingbot API client's docstring writes them, though its server reads milliseconds.
SECONDS_BELOW = 100_000_000_000


def interval_seconds(name: str | None) -> int:
    step = INTERVALS.get(name or DEFAULT_INTERVAL)
    if step is None:
        raise InvalidInput(f"Unknown interval '{excerpt(name or '')}'. Intervals: {', '.join(INTERVALS)}.")
    return step


def epoch_seconds(value: int | None) -> float | None:
    """A request's time (milliseconds, or seconds when too small for milliseconds) in seconds."""
    if value is None:
        return None
    return float(value) if value < SECONDS_BELOW else value / 1000


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=0).isoformat()


def cursor_seconds(cursor: str | None) -> float | None:
    """A cursor (an ISO 8601 time, as ``next_cursor`` gives it) in seconds since the epoch."""
    if not cursor:
        return None
    try:
        moment = datetime.fromisoformat(cursor.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # the desk writes its times in UTC
        return moment.timestamp()
    except (ValueError, OverflowError):
        raise InvalidInput(
            f"Invalid cursor '{excerpt(cursor)}': pass the next_cursor of the previous page "
            "(an ISO 8601 time such as 2025-01-01T00:00:00+00:00)."
        ) from None


def bucket(seconds: float, step: int) -> float:
    return math.floor(seconds / step) * step


def sample(snapshots: Iterable[tuple[int, float]], step: int) -> list[tuple[int, float]]:
    """(id, time) pairs, newest first → the newest of each bucket, newest first."""
    kept: list[tuple[int, float]] = []
    last: float | None = None
    for snapshot_id, taken_at in snapshots:
        start = bucket(taken_at, step)
        if start != last:
            kept.append((snapshot_id, taken_at))
            last = start
    return kept
