"""A candlestick chart drawn with box-drawing glyphs at half-row resolution, panned and zoomed by key.

Each candle is one column: a heavy stroke for the body, a light one for the wicks, and the half
glyphs (╹╻╿╽╵╷) double the vertical resolution. Zoomed in, a candle gets gaps around it; zoomed
out, neighbouring candles merge into one column. The newest candle sits at the right edge until
the view is panned back in time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import groupby
from typing import Any, NamedTuple

from rich.style import Style

from hbdesk.tui.widgets.lines import Line, LinesWidget, wrapped
from hbdesk.tui.widgets.numbers import clock_time, step_decimals

# (columns per slot, candles per slot), from closest to widest; a slot is one drawn candle.
ZOOMS: tuple[tuple[int, int], ...] = ((3, 1), (2, 1), (1, 1), (1, 2), (1, 4), (1, 8))
DEFAULT_ZOOM = 1
VOLUME_FROM_HEIGHT = 14  # below this height the volume rows give way to prices
VOLUME_ROWS = 2
EIGHTHS = " ▁▂▃▄▅▆▇█"
# (upper half, lower half) of a cell → glyph; B body, W wick, N nothing.
GLYPHS = {
    ("B", "B"): "┃",
    ("B", "W"): "╿",
    ("B", "N"): "╹",
    ("W", "B"): "╽",
    ("W", "W"): "│",
    ("W", "N"): "╵",
    ("N", "B"): "╻",
    ("N", "W"): "╷",
    ("N", "N"): " ",
}


class Bar(NamedTuple):
    timestamp: float
    open: float
    high: float
    low: float
    close: float
    volume: float

    @classmethod
    def of(cls, candle: Any) -> Bar:
        """From anything with candle attributes (the SDK's Candle, the API's CandleModel)."""
        return cls(
            float(candle.timestamp),
            float(candle.open),
            float(candle.high),
            float(candle.low),
            float(candle.close),
            float(candle.volume),
        )


def merge(bars: list[Bar]) -> Bar:
    return Bar(
        bars[0].timestamp,
        bars[0].open,
        max(b.high for b in bars),
        min(b.low for b in bars),
        bars[-1].close,
        sum(b.volume for b in bars),
    )


class CandleChart(LinesWidget):
    COMPONENT_CLASSES = {"chart--up", "chart--down", "chart--axis", "chart--last", "chart--message"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.bars: list[Bar] = []
        self.span = 60.0  # seconds per candle, for the time labels
        self.zoom = DEFAULT_ZOOM
        self.lag = 0  # candles between the newest one and the right edge; 0 follows the market
        self.message = "Loading candles…"

    # -- data -----------------------------------------------------------------------------------

    def set_candles(self, candles: Iterable[Any], span: float) -> None:
        """Replace the series (a new pair or interval); the view goes back to the newest candle."""
        self.bars = [Bar.of(c) for c in candles]
        self.span = span
        self.lag = 0
        self.message = "No candles" if not self.bars else self.message
        self.redraw()

    def update_tail(self, candles: Iterable[Any]) -> bool:
        """Merge the newest candles (the one still open changes, new ones append); True if it changed."""
        changed = False
        for bar in map(Bar.of, candles):
            if self.bars and bar.timestamp == self.bars[-1].timestamp:
                if bar != self.bars[-1]:
                    self.bars[-1] = bar
                    changed = True
            elif not self.bars or bar.timestamp > self.bars[-1].timestamp:
                self.bars.append(bar)
                if self.lag:
                    self.lag += 1  # a panned view stays on the candles it shows
                changed = True
        if changed:
            self.redraw()
        return changed

    def show_message(self, message: str) -> None:
        self.bars, self.message = [], message
        self.redraw()

    # -- view -----------------------------------------------------------------------------------

    @property
    def slot(self) -> tuple[int, int]:
        return ZOOMS[self.zoom]

    def visible_count(self, plot_width: int | None = None) -> int:
        columns, per_slot = self.slot
        width = self._plot_width() if plot_width is None else plot_width
        return max(1, width // columns) * per_slot

    def shown(self) -> list[Bar]:
        count = min(self.visible_count(), len(self.bars))
        end = len(self.bars) - self.lag
        return self.bars[max(0, end - count) : end]

    @property
    def visible_range(self) -> tuple[float, float] | None:
        """Open times of the oldest and newest candle in view."""
        shown = self.shown()
        return (shown[0].timestamp, shown[-1].timestamp) if shown else None

    def pan(self, direction: int) -> None:
        """-1 back in time, +1 forward, a quarter of the view a step."""
        step = max(1, self.visible_count() // 4)
        self._set_lag(self.lag - direction * step)

    def zoom_by(self, direction: int) -> None:
        """+1 closer (fewer, wider candles), -1 wider (more candles, merged per column)."""
        self.zoom = max(0, min(len(ZOOMS) - 1, self.zoom - direction))
        self._set_lag(self.lag)

    def follow(self) -> None:
        self._set_lag(0)

    def _set_lag(self, lag: int) -> None:
        most = max(0, len(self.bars) - self.visible_count())
        self.lag = max(0, min(most, lag))
        self.redraw()

    def _axis_width(self) -> int:
        """Room for the highest price to a ten-thousandth of itself (a tiny price needs decimals)."""
        highest = max((b.high for b in self.bars), default=0.0)
        return max(len(f"{highest:.2f}"), len(f"{highest:.{step_decimals(highest * 1e-4)}f}")) + 2

    def _plot_width(self) -> int:
        return max(1, self.size.width - self._axis_width())

    # -- drawing --------------------------------------------------------------------------------

    def build(self, width: int, height: int) -> list[Line]:
        shown = self.shown()
        if not shown or height < 3:
            return wrapped(self.message, width, self.get_component_rich_style("chart--message"))
        columns, per_slot = self.slot
        plot = self._plot_width()
        # Slots are grouped from the newest candle back, so the rightmost column is always whole.
        slots = [merge(shown[max(0, i - per_slot) : i]) for i in range(len(shown), 0, -per_slot)][::-1]
        volume_rows = VOLUME_ROWS if height >= VOLUME_FROM_HEIGHT else 0
        rows = height - 1 - volume_rows
        low, high = min(b.low for b in slots), max(b.high for b in slots)
        if high <= low:
            low, high = low - 1e-9, high + 1e-9
        up, down = self.get_component_rich_style("chart--up"), self.get_component_rich_style("chart--down")
        axis = self.get_component_rich_style("chart--axis")
        left = plot - len(slots) * columns  # blank columns before the oldest slot
        grid = _Grid(plot, rows, low, high)
        for index, bar in enumerate(slots):
            grid.candle(
                left + index * columns + (columns - 1) // 2, bar, up if bar.close >= bar.open else down
            )
        lines = grid.lines()
        labels = _price_labels(rows, low, high, width - plot)
        last_row = grid.row_of(slots[-1].close)
        last_style = self.get_component_rich_style("chart--last")
        for row, line in enumerate(lines):
            price = f"{slots[-1].close:.{labels.decimals}f}" if row == last_row else labels.at(row)
            label = " " + price.ljust(width - plot - 1)[: width - plot - 1]
            line.append((label, last_style if row == last_row else axis))
        if volume_rows:
            lines += _volume_lines(slots, left, columns, volume_rows, up, down)
        lines.append(_time_axis(slots, left, columns, per_slot * self.span, width, axis))
        return lines


class _Grid:
    """A glyph and a style for each cell of the plot; row 0 is the top."""

    def __init__(self, width: int, rows: int, low: float, high: float) -> None:
        self.width, self.rows, self.low, self.high = width, rows, low, high
        self.cells: list[list[tuple[str, Style | None]]] = [[(" ", None)] * width for _ in range(rows)]

    def half(self, price: float) -> int:
        """Half-rows from the bottom, 0 … 2·rows-1."""
        scaled = (price - self.low) / (self.high - self.low) * self.rows * 2
        return max(0, min(self.rows * 2 - 1, math.floor(scaled)))

    def row_of(self, price: float) -> int:
        return self.rows - 1 - self.half(price) // 2

    def candle(self, x: int, bar: Bar, style: Style) -> None:
        if not 0 <= x < self.width:
            return
        wick = (self.half(bar.low), self.half(bar.high))
        body = (self.half(min(bar.open, bar.close)), self.half(max(bar.open, bar.close)))

        def part(half: int) -> str:
            if body[0] <= half <= body[1]:
                return "B"
            return "W" if wick[0] <= half <= wick[1] else "N"

        for row in range(self.rows):
            bottom = (self.rows - 1 - row) * 2
            glyph = GLYPHS[(part(bottom + 1), part(bottom))]
            if glyph != " ":
                self.cells[row][x] = (glyph, style)

    def lines(self) -> list[Line]:
        """One piece per run of a style (not one per cell)."""
        return [
            [("".join(glyph for glyph, _ in run), style) for style, run in groupby(cells, key=lambda c: c[1])]
            for cells in self.cells
        ]


class _Labels(NamedTuple):
    decimals: int
    text: dict[int, str]

    def at(self, row: int) -> str:
        return self.text.get(row, "")


def _price_labels(rows: int, low: float, high: float, width: int) -> _Labels:
    """A price every few rows, at the middle of its row, as precise as the rows are apart."""
    per_row = (high - low) / rows
    decimals = step_decimals(per_row)  # one row apart must read apart (the last price may sit there)
    while decimals and len(f"{high:.{decimals}f}") > width - 1:
        decimals -= 1
    every = 3 if rows >= 9 else 2
    text = {
        row: f"{high - (row + 0.5) * per_row:.{decimals}f}" for row in range(0, rows, every) if row < rows
    }
    return _Labels(decimals, text)


def _volume_lines(slots: list[Bar], left: int, columns: int, rows: int, up: Style, down: Style) -> list[Line]:
    """Each candle's volume as a bar of eighths, ``rows`` high for the largest, under its candle."""
    most = max(b.volume for b in slots) or 1.0
    lines = []
    for row in range(rows):
        line: Line = [(" " * left, None)]
        floor = (rows - 1 - row) * 8  # eighths below this row
        for bar in slots:
            eighths = round(bar.volume / most * rows * 8)
            glyph = EIGHTHS[max(0, min(8, eighths - floor))]
            line.append((glyph.center(columns)[:columns], up if bar.close >= bar.open else down))
        lines.append(line)
    return lines


def _time_axis(slots: list[Bar], left: int, columns: int, span: float, width: int, style: Style) -> Line:
    """Open times under some of the candles, never overlapping."""
    cells = [" "] * width
    label_width = len(clock_time(slots[0].timestamp, span))
    next_free = 0
    for index, bar in enumerate(slots):
        x = left + index * columns + (columns - 1) // 2
        if x >= next_free and x + label_width <= width:
            cells[x : x + label_width] = clock_time(bar.timestamp, span)
            next_free = x + label_width + 3
    return [("".join(cells), style)]
