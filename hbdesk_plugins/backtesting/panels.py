"""The widgets of the backtesting screen: a curve over time drawn in braille dots (the equity, the
drawdown, two equities compared) and a result's figures in a grid.

Both build their lines once per change and size and hand Textual ready strips; colours come from
component classes, so both themes (and a theme switched while shown) colour them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.style import Style

from hbdesk.sdk import Line, LinesWidget
from hbdesk_plugins.backtesting.display import Metric, axis_labels, plot, signed, time_axis


class CurveChart(LinesWidget):
    """One or more curves over the same time range: a title line with each curve's last value,
    the curves with their scale on the right, the range's times below."""

    COMPONENT_CLASSES = {
        "curve--title",
        "curve--axis",
        "curve--zero",
        "curve--up",
        "curve--down",
        "curve--a",
        "curve--b",
        "curve--message",
    }
    DEFAULT_CSS = """
    CurveChart { height: 1fr; width: 1fr; }
    CurveChart > .curve--title { color: $primary; text-style: bold; }
    CurveChart > .curve--axis, CurveChart > .curve--message { color: $text-muted; }
    CurveChart > .curve--zero { color: $panel-lighten-2; }
    CurveChart > .curve--up { color: $success; }
    CurveChart > .curve--down { color: $error; }
    CurveChart > .curve--a { color: $primary; }
    CurveChart > .curve--b { color: $warning; }
    """

    def __init__(
        self, title: str, *, lowest: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.lowest = lowest  # the title tells each curve's lowest value (a drawdown's), not its last
        self.curves: list[tuple[str, list[float], str]] = []  # label, values, tone (a component class)
        self.start = self.end = 0.0
        self.message = "No result shown."

    def set_curves(
        self, curves: Sequence[tuple[str, Sequence[float], str]], start: float, end: float
    ) -> None:
        """``curves``: (label, values equally spaced over start → end, tone: up, down, a or b)."""
        self.curves = [(label, list(values), tone) for label, values, tone in curves]
        self.start, self.end = start, end
        self.message = "No candles in the range." if not any(values for _, values, _ in self.curves) else ""
        self.redraw()

    def show_message(self, message: str) -> None:
        self.curves, self.message = [], message
        self.redraw()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"curve--{name}")

    def build(self, width: int, height: int) -> list[Line]:
        title_style = self._style("title")
        head: Line = [(f" {self.title}", title_style)]
        for label, values, tone in self.curves:
            if values:
                head.append((f"  {label or ('max' if self.lowest else 'last')} ", self._style("axis")))
                head.append((signed(min(values) if self.lowest else values[-1]), self._style(tone)))
        if self.message or height < 4 or width < 16:
            return [head, [(f" {self.message}", self._style("message"))]]
        rows = height - 2
        labels_width = 1 + max(len(text) for text in axis_labels(*self._scale(), rows).values())
        plot_width = max(4, width - labels_width - 1)
        cells, low, high = plot([values for _, values, _ in self.curves], plot_width, rows)
        labels = axis_labels(low, high, rows)
        tones = [self._style(tone) for _, _, tone in self.curves]
        zero, axis = self._style("zero"), self._style("axis")
        lines = [head]
        for row, cell_row in enumerate(cells):
            line: Line = [(" ", None)]
            run, run_owner = "", None
            for glyph, owner in cell_row:
                if owner != run_owner and run:
                    line.append((run, _tone_of(run_owner, tones, zero)))
                    run = ""
                run_owner = owner
                run += glyph
            if run:
                line.append((run, _tone_of(run_owner, tones, zero)))
            line.append((" " + labels.get(row, ""), axis))
            lines.append(line)
        lines.append([(" " + time_axis(self.start, self.end, plot_width), axis)])
        return lines

    def _scale(self) -> tuple[float, float]:
        values = [v for _, curve, _ in self.curves for v in curve]
        return min([*values, 0.0]), max([*values, 0.0])


def _tone_of(owner: int | None, tones: list[Style], zero: Style) -> Style | None:
    if owner is None:
        return None
    if owner < 0:
        return zero
    return tones[owner] if owner < len(tones) else None


class MetricsGrid(LinesWidget):
    """A result's figures as label and value pairs in as many columns as fit (26 cells at least,
    the widest pair's width if more); the last figure (the close types) on a line of its own."""

    COMPONENT_CLASSES = {"metrics--label", "metrics--up", "metrics--down", "metrics--message"}
    DEFAULT_CSS = """
    MetricsGrid { height: auto; }
    MetricsGrid > .metrics--label, MetricsGrid > .metrics--message { color: $text-muted; }
    MetricsGrid > .metrics--up { color: $success; text-style: bold; }
    MetricsGrid > .metrics--down { color: $error; text-style: bold; }
    """
    COLUMN = 26

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.figures: list[Metric] = []

    def set_figures(self, figures: list[Metric]) -> None:
        self.figures = figures
        self.redraw()
        self.refresh(layout=True)

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(self.build(width, 0)) or 1

    def build(self, width: int, height: int) -> list[Line]:
        if not self.figures:
            return []
        label, plain = self.get_component_rich_style("metrics--label"), None
        tone = {
            1: self.get_component_rich_style("metrics--up"),
            -1: self.get_component_rich_style("metrics--down"),
        }
        *grid, last = self.figures
        need = max(len(figure.label) + len(figure.text) + 3 for figure in grid) if grid else self.COLUMN
        columns = max(1, min(4, (width - 1) // max(need, self.COLUMN)))
        column = (width - 1) // columns
        lines: list[Line] = []
        for start in range(0, len(grid), columns):
            line: Line = [(" ", None)]
            for figure in grid[start : start + columns]:
                room = max(1, column - len(figure.label) - 2)
                line.append((figure.label, label))
                line.append((" " + figure.text.rjust(room)[-room:] + " ", tone.get(figure.tone, plain)))
            lines.append(line)
        lines.append([(" ", None), (last.label, label), (" " + last.text, plain)])
        return lines
