"""How the desk shows backtests: tasks with their progress, a result's figures, its executors and
its curves (drawn in braille dots). Plain functions, no widgets: the screen and its tests share
them.

Times are UTC, as the candles are; numbers have the decimals a trader reads (two for quote
amounts, percentages to a hundredth), so the columns stay narrow at 80.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hbdesk.sdk import InvalidInput, excerpt

DAY = 86_400
DEFAULT_DAYS = 7
DEFAULT_CONNECTOR = "hbdesk_sim"
DEFAULT_PAIR = "BTC-USDT"
DEFAULT_RESOLUTION = "1m"
DEFAULT_TRADE_COST = "0.0006"
TIME_FORMAT = "%Y-%m-%d %H:%M"
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
BAR_WIDTH = 10
EIGHTHS = " ▏▎▍▌▋▊▉█"
SHORT_CLOSE = {
    "TAKE_PROFIT": "TP",
    "STOP_LOSS": "SL",
    "TIME_LIMIT": "TL",
    "TRAILING_STOP": "TS",
    "EARLY_STOP": "early",
    "POSITION_HOLD": "hold",
    "EXPIRED": "expired",
    "FAILED": "failed",
    "INSUFFICIENT_BALANCE": "no funds",
}
STATUS_WORD = {"pending": "waiting", "running": "running", "completed": "done", "failed": "failed"}


# -- times -----------------------------------------------------------------------------------------


def when(timestamp: float | None) -> str:
    """2026-01-01 09:20 (UTC)."""
    if timestamp is None:
        return "—"
    return time.strftime(TIME_FORMAT, time.gmtime(timestamp))


def short_when(timestamp: float) -> str:
    """01-01 09:20: a chart's time axis."""
    return time.strftime("%m-%d %H:%M", time.gmtime(timestamp))


def parse_when(name: str, text: str) -> int:
    """Seconds since the epoch from a UTC date (``2026-01-01``), a date and time
    (``2026-01-01 09:20``) or seconds themselves; ``InvalidInput`` names the field otherwise."""
    import calendar

    text = text.strip()
    if text.isdigit():
        return int(text)
    for pattern in TIME_FORMATS:
        try:
            return calendar.timegm(time.strptime(text, pattern))
        except ValueError:
            continue
    raise InvalidInput(f"{name}: {excerpt(text)!r} is not a time (YYYY-MM-DD HH:MM, UTC)")


def default_range(now: float, days: int = DEFAULT_DAYS) -> tuple[int, int]:
    """The last ``days`` days up to the current minute."""
    end = int(now) // 60 * 60
    return end - days * DAY, end


def span(start: float, end: float) -> str:
    """A range's length: 7d, 1d 12h, 6h, 45m."""
    seconds = max(0, int(end - start))
    days, rest = divmod(seconds, DAY)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    return f"{hours}h" if hours else f"{rest // 60}m"


# -- numbers ---------------------------------------------------------------------------------------


def num(value: Any, decimals: int = 2) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    return f"{number:,.{decimals}f}" if math.isfinite(number) else "—"


def signed(value: Any, decimals: int = 2) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    return f"{number:+,.{decimals}f}" if math.isfinite(number) else "—"


def percent(value: Any, decimals: int = 2, sign: bool = False) -> str:
    """A fraction as a percentage: 0.0123 → 1.23%."""
    try:
        number = float(value) * 100
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(number):
        return "—"
    return f"{number:+.{decimals}f}%" if sign else f"{number:.{decimals}f}%"


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """██████▍░░░ 64%: eighths of a cell, the rest shaded."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (EIGHTHS[part] if part else "")
    return f"{bar.ljust(width, '░')[:width]} {fraction * 100:3.0f}%"


# -- tasks -----------------------------------------------------------------------------------------


def controller_of(request: Mapping[str, Any]) -> str:
    config = request.get("config")
    if isinstance(config, str):
        return config
    if isinstance(config, Mapping):
        return str(config.get("controller_name") or "?")
    return "?"


def market_of(request: Mapping[str, Any]) -> tuple[str, str]:
    config = request.get("config")
    if isinstance(config, Mapping):
        return str(config.get("connector_name") or ""), str(config.get("trading_pair") or "")
    return "", ""


def headline(request: Mapping[str, Any]) -> str:
    """macd_bb · hbdesk_sim BTC-USDT · 2025-12-25 09:20 → 2026-01-01 09:20 (7d) · 1m."""
    connector, pair = market_of(request)
    start, end = request.get("start_time"), request.get("end_time")
    parts = [controller_of(request)]
    if connector or pair:
        parts.append(f"{connector} {pair}".strip())
    if isinstance(start, int | float) and isinstance(end, int | float):
        parts.append(f"{when(start)} → {when(end)} ({span(start, end)})")
    parts.append(str(request.get("backtesting_resolution") or "1m"))
    return " · ".join(parts)


def brief(request: Mapping[str, Any], other: Mapping[str, Any] | None = None) -> str:
    """macd_bb BTC-USDT 2025-12-31 1d 1m, then the config's values that differ from ``other``'s
    (two backtests compared are told apart by them): interval 3m bb_length 50."""
    _connector, pair = market_of(request)
    start, end = request.get("start_time"), request.get("end_time")
    parts = [controller_of(request), pair]
    if isinstance(start, int | float) and isinstance(end, int | float):
        parts += [when(start)[:10], span(start, end)]
    parts.append(str(request.get("backtesting_resolution") or "1m"))
    text = " ".join(part for part in parts if part)
    if other is not None:
        mine, theirs = request.get("config"), other.get("config")
        if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
            changed = [
                f"{key} {value}"
                for key, value in mine.items()
                if key not in ("controller_name", "connector_name", "trading_pair")
                and theirs.get(key) != value
            ]
            if changed:
                text += " · " + " ".join(changed)
    return text


TASK_COLUMNS = ("", "Status", "Progress", "Controller", "Pair", "Range", "Res", "Engine", "Created", "Task")
TASK_NUMERIC = frozenset({"Progress"})


def task_cells(task: Any, mark: str = "") -> tuple[str, ...]:
    """A ``TaskSummary`` as a row: the comparison mark, its state and progress, what it runs."""
    request: Mapping[str, Any] = task.config
    _connector, pair = market_of(request)
    start, end = request.get("start_time"), request.get("end_time")
    length = span(start, end) if isinstance(start, int | float) and isinstance(end, int | float) else "?"
    range_text = f"{when(start)[:10]} {length}" if isinstance(start, int | float) else length
    if task.status == "running":
        progress = progress_bar(task.progress)
    elif task.status == "completed":
        progress = "done"
    elif task.status == "failed":
        progress = "—"
    else:
        progress = "queued"
    return (
        mark,
        STATUS_WORD.get(task.status, task.status),
        progress,
        controller_of(request),
        pair or "?",
        range_text,
        str(request.get("backtesting_resolution") or "1m"),
        task.engine or "",
        when(task.created_at)[5:],
        task.task_id,
    )


# -- a result ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    label: str
    text: str
    tone: int = 0  # +1 good (green), -1 bad (red), 0 plain


def _tone(value: Any, neutral: float = 0.0) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    return 0 if number == neutral or not math.isfinite(number) else (1 if number > neutral else -1)


def close_types(counts: Any) -> str:
    """TP 3 · SL 2 · TL 1."""
    if not isinstance(counts, Mapping) or not counts:
        return "—"
    named: dict[str, int] = {}
    for name, count in counts.items():
        short = SHORT_CLOSE.get(str(name).rsplit(".", 1)[-1], str(name).rsplit(".", 1)[-1].lower())
        named[short] = named.get(short, 0) + int(count)
    return " · ".join(f"{name} {count}" for name, count in named.items())


MetricSpec = tuple[str, Callable[[Mapping[str, Any]], Metric]]


def _metric(
    label: str, text: Callable[[Mapping[str, Any]], str], tone: Callable[[Mapping[str, Any]], int]
) -> MetricSpec:
    return label, lambda r: Metric(label, text(r), tone(r))


def _plain(label: str, text: Callable[[Mapping[str, Any]], str]) -> MetricSpec:
    return _metric(label, text, lambda _r: 0)


METRICS: tuple[MetricSpec, ...] = (
    _metric("Net PnL", lambda r: signed(r.get("net_pnl_quote")), lambda r: _tone(r.get("net_pnl_quote"))),
    _metric("Net PnL %", lambda r: percent(r.get("net_pnl"), sign=True), lambda r: _tone(r.get("net_pnl"))),
    _metric(
        "Max drawdown",
        lambda r: num(r.get("max_drawdown_usd")),
        lambda r: -1 if _tone(r.get("max_drawdown_usd")) else 0,
    ),
    _metric(
        "Max drawdown %",
        lambda r: percent(r.get("max_drawdown_pct")),
        lambda r: -1 if _tone(r.get("max_drawdown_pct")) else 0,
    ),
    _metric("Sharpe", lambda r: num(r.get("sharpe_ratio"), 3), lambda r: _tone(r.get("sharpe_ratio"))),
    _metric(
        "Profit factor",
        lambda r: num(r.get("profit_factor"), 2),
        lambda r: _tone(r.get("profit_factor"), 1.0),
    ),
    _plain("Executors", lambda r: f"{r.get('total_executors', 0)}"),
    _plain("With position", lambda r: f"{r.get('total_executors_with_position', 0)}"),
    _plain("Long / short", lambda r: f"{r.get('total_long', 0)} / {r.get('total_short', 0)}"),
    _plain("Accuracy", lambda r: percent(r.get("accuracy"), 1)),
    _plain(
        "Acc. long/short",
        lambda r: f"{percent(r.get('accuracy_long'), 0)} / {percent(r.get('accuracy_short'), 0)}",
    ),
    _plain("Wins / losses", lambda r: f"{r.get('win_signals', 0)} / {r.get('loss_signals', 0)}"),
    _plain("Volume", lambda r: num(r.get("total_volume"))),
    _plain("Fees", lambda r: num(r.get("total_fees_quote"))),
    _plain("Close types", lambda r: close_types(r.get("close_types"))),
)


def metrics(results: Mapping[str, Any]) -> list[Metric]:
    """Every figure, one a row: the comparison's."""
    return [make(results) for _label, make in METRICS]


def summary(results: Mapping[str, Any]) -> list[Metric]:
    """The figures paired up where they read together (net PnL and its percentage), for the
    result's grid; the close types last, on a line of their own."""
    by_label = {metric.label: metric for metric in metrics(results)}

    def pair(label: str, first: str, second: str, tone_of: str) -> Metric:
        return Metric(label, f"{by_label[first].text} ({by_label[second].text})", by_label[tone_of].tone)

    return [
        pair("Net PnL", "Net PnL", "Net PnL %", "Net PnL"),
        pair("Max DD", "Max drawdown", "Max drawdown %", "Max drawdown"),
        by_label["Sharpe"],
        by_label["Profit factor"],
        Metric("Executors", f"{by_label['Executors'].text} ({by_label['With position'].text} pos)"),
        Metric("Long/short", by_label["Long / short"].text),
        by_label["Accuracy"],
        Metric("Acc. L/S", by_label["Acc. long/short"].text),
        Metric("Wins/losses", by_label["Wins / losses"].text),
        by_label["Volume"],
        by_label["Fees"],
        by_label["Close types"],
    ]


EXECUTOR_COLUMNS = ("Entry", "Side", "Close", "Held", "Volume", "PnL", "PnL %")
EXECUTOR_NUMERIC = frozenset({"Held", "Volume", "PnL", "PnL %"})


def executor_cells(executor: Mapping[str, Any]) -> tuple[str, ...]:
    opened = executor.get("timestamp")
    closed = executor.get("close_timestamp")
    held = span(float(opened), float(closed)) if opened is not None and closed is not None else "—"
    side = executor.get("side") or (executor.get("config") or {}).get("side") or "?"
    close = str(executor.get("close_type") or "—").rsplit(".", 1)[-1]
    return (
        when(float(opened)) if opened is not None else "—",
        str(side).rsplit(".", 1)[-1],
        SHORT_CLOSE.get(close, close.lower()),
        held,
        num(executor.get("filled_amount_quote")),
        signed(executor.get("net_pnl_quote")),
        percent(executor.get("net_pnl_pct"), sign=True),
    )


def equity(result: Mapping[str, Any]) -> tuple[list[float], list[float]]:
    """(times, cumulative PnL after each candle) of a result."""
    rows = result.get("pnl_timeseries") or []
    times = [float(row["timestamp"]) for row in rows if "timestamp" in row]
    values = [float(row.get("total_pnl") or 0.0) for row in rows if "timestamp" in row]
    return times, values


def drawdown(values: Sequence[float]) -> list[float]:
    """How far below its best so far the curve is, at each point (0 or less)."""
    out, best = [], -math.inf
    for value in values:
        best = max(best, value)
        out.append(value - best)
    return out


# -- curves in braille -------------------------------------------------------------------------------

# The bit of each dot of a braille cell, by (row 0-3 from the top, column 0-1).
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
Cell = tuple[str, int | None]  # glyph and the series drawn in it (None: nothing, -1: the zero line)


def plot(
    series: Sequence[Sequence[float]], width: int, height: int, zero: bool = True
) -> tuple[list[list[Cell]], float, float]:
    """Each series (equally spaced values) as a braille line over ``width`` x ``height`` cells,
    all on one scale, which includes zero when ``zero``; a later series is drawn over an earlier
    one. Returns the cells, row 0 at the top, and the scale's low and high values."""
    drawn = [list(values) for values in series if values]
    everything = [v for values in drawn for v in values]
    low = min([*everything, 0.0] if zero else everything or [0.0])
    high = max([*everything, 0.0] if zero else everything or [0.0])
    if high - low < 1e-9:
        low, high = low - 1.0, high + 1.0
    rows, columns = height * 4, width * 2
    bits = [[0] * width for _ in range(height)]
    owner: list[list[int | None]] = [[None] * width for _ in range(height)]

    def level(value: float) -> int:
        return max(0, min(rows - 1, round((value - low) / (high - low) * (rows - 1))))

    for index, values in enumerate(drawn):
        count = len(values)
        previous: int | None = None
        for x in range(columns):
            first = x * count // columns
            last = max(first + 1, (x + 1) * count // columns)
            if count < columns:  # fewer points than dots: each point stretched over its columns
                first, last = min(count - 1, x * count // columns), min(count, x * count // columns + 1)
            bucket = values[first:last]
            levels = [level(v) for v in bucket]
            lo, hi = min(levels), max(levels)
            if previous is not None:
                lo, hi = min(lo, previous), max(hi, previous)
            previous = levels[-1]
            for y in range(lo, hi + 1):
                row, dot_row = divmod(rows - 1 - y, 4)
                cell = x // 2
                bits[row][cell] |= DOTS[dot_row][x % 2]
                owner[row][cell] = index
    cells: list[list[Cell]] = []
    zero_row = (rows - 1 - level(0.0)) // 4 if zero and low <= 0 <= high else None
    for row in range(height):
        line: list[Cell] = []
        for cell in range(width):
            if bits[row][cell]:
                line.append((chr(0x2800 + bits[row][cell]), owner[row][cell]))
            elif row == zero_row:
                line.append(("┈", -1))
            else:
                line.append((" ", None))
        cells.append(line)
    return cells, low, high


def axis_labels(low: float, high: float, height: int) -> dict[int, str]:
    """The scale's values beside the top, middle and bottom rows."""
    if height <= 0:
        return {}
    step = (high - low) / max(1, height * 4 - 1)
    decimals = 0 if step >= 1 else 1 if step >= 0.1 else 2 if step >= 0.01 else 4
    labels = {0: high, height - 1: low}
    if height >= 5:
        labels[(height - 1) // 2] = high - (high - low) * ((height - 1) // 2 * 4 + 1.5) / (height * 4 - 1)
    texts = {row: f"{value:,.{decimals}f}" for row, value in labels.items()}
    return {row: "0" if text.lstrip("-").strip("0.,") == "" else text for row, text in texts.items()}


def time_axis(start: float, end: float, width: int) -> str:
    """The first and last times under a curve (and the middle one where there is room)."""
    if width < 12 or end <= start:
        return " " * max(0, width)
    left, right = short_when(start), short_when(end)
    line = list(left.ljust(width))
    if width >= 3 * len(left) + 6:
        middle = short_when((start + end) / 2)
        at = (width - len(middle)) // 2
        line[at : at + len(middle)] = middle
    if width >= len(left) + len(right) + 2:
        line[width - len(right) :] = right
    return "".join(line)[:width]
