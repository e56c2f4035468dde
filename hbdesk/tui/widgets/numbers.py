"""Number and time formats shared by the market widgets: columns that line up and fit their width."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

MOST_DECIMALS = 8
SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def price_decimals(prices: Iterable[float], most: int = MOST_DECIMALS) -> int:
    """Decimals that show each price as the exchange quoted it (its tick shows through)."""
    decimals = 0
    for price in prices:
        digits = f"{price:.{most}f}".rstrip("0")
        decimals = max(decimals, len(digits) - digits.index(".") - 1)
    return decimals


def step_decimals(step: float, most: int = MOST_DECIMALS) -> int:
    """Decimals that tell apart two values ``step`` apart (axis labels)."""
    if step <= 0 or not math.isfinite(step):
        return 2
    return max(0, min(most, math.ceil(-math.log10(step))))


def fitting_decimals(values: Iterable[float], width: int, most: int = 6) -> int | None:
    """The most decimals with which every value fits ``width`` cells; None if even 0 do not."""
    values = list(values)
    for decimals in range(most, -1, -1):
        if all(len(f"{v:.{decimals}f}") <= width for v in values):
            return decimals
    return None


def column(values: list[float], width: int, precision: int | None = None) -> list[str]:
    """One column of amounts, right-aligned, the same decimals for all, shortened only if it must.

    ``precision``: decimals the amounts really have (their step), so no noise digits show.
    """
    most = price_decimals(values, 6) if precision is None else precision
    decimals = fitting_decimals(values, width, most)
    if decimals is None:
        return [human(v).rjust(width) for v in values]
    return [f"{v:.{decimals}f}".rjust(width) for v in values]


def human(value: float, digits: int = 3) -> str:
    """12345.6 → 12.3K: a magnitude read at a glance."""
    for threshold, suffix in SUFFIXES:
        if abs(value) >= threshold:
            return f"{value / threshold:.{max(0, digits - _int_digits(value / threshold))}f}{suffix}"
    return f"{value:.{max(0, digits - _int_digits(value))}f}"


def _int_digits(value: float) -> int:
    return len(str(int(abs(value)))) if abs(value) >= 1 else 1


def clock_time(timestamp: float, span: float = 1.0) -> str:
    """A UTC time label as precise as ``span`` (seconds between two labelled points) needs."""
    parts = time.gmtime(timestamp)
    if span < 60:
        return time.strftime("%H:%M:%S", parts)
    if span < 86_400:
        return time.strftime("%H:%M", parts)
    return time.strftime("%m-%d", parts)
