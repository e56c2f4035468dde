"""An order-book ladder: asks above, bids below, the spread between, cumulative depth bars behind."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate

from rich.style import Style

from hbdesk.tui.widgets.lines import Line, LinesWidget, centred, wrapped
from hbdesk.tui.widgets.numbers import column, price_decimals

Level = tuple[float, float]  # (price, amount)
TOTAL_COLUMN_FROM = 12  # cells left for amounts below which the cumulative column is dropped


class OrderBookLadder(LinesWidget):
    """Shows the book it was last given; redraws only when that book differs from the one shown."""

    COMPONENT_CLASSES = {
        "ladder--header",
        "ladder--ask",
        "ladder--bid",
        "ladder--ask-bar",
        "ladder--bid-bar",
        "ladder--spread",
        "ladder--message",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.bids: tuple[Level, ...] = ()
        self.asks: tuple[Level, ...] = ()
        self.message = "Waiting for the order book…"

    def update_book(self, bids: Iterable[Level], asks: Iterable[Level]) -> bool:
        """Take a new book (best levels first); True if it changed what is drawn."""
        bids, asks = tuple(bids), tuple(asks)
        if bids == self.bids and asks == self.asks:
            return False
        self.bids, self.asks = bids, asks
        self.redraw()
        return True

    def show_message(self, message: str) -> None:
        self.bids, self.asks, self.message = (), (), message
        self.redraw()

    @property
    def spread(self) -> tuple[float, float] | None:
        """(best ask - best bid, the same in basis points of the mid), or None for a one-sided book."""
        if not self.bids or not self.asks:
            return None
        bid, ask = self.bids[0][0], self.asks[0][0]
        mid = (bid + ask) / 2
        return ask - bid, (ask - bid) / mid * 10_000 if mid else 0.0

    def build(self, width: int, height: int) -> list[Line]:
        if not self.bids and not self.asks:
            return wrapped(self.message, width, self.get_component_rich_style("ladder--message"))
        room = max(0, height - 2)  # the header and the spread take a row each
        levels = room // 2
        asks, bids = self.asks[:levels], self.bids[: room - levels]
        decimals = price_decimals(price for price, _ in asks + bids)
        rows = _Rows(width, decimals, [p for p, _ in asks + bids])
        deepest = max(sum(a for _, a in asks), sum(a for _, a in bids), 1e-300)

        lines = [rows.header(self.get_component_rich_style("ladder--header"))]
        lines += [[]] * (levels - len(asks))  # the best ask sits right on the spread line
        lines += reversed(rows.side(asks, deepest, *self._styles("ask")))
        lines.append(self._spread_line(width, decimals))
        lines += rows.side(bids, deepest, *self._styles("bid"))
        return lines

    def _styles(self, side: str) -> tuple[Style, Style]:
        """The side's text style, and the same over its depth bar."""
        text = self.get_component_rich_style(f"ladder--{side}")
        bar = self.get_component_rich_style(f"ladder--{side}-bar")
        return text, text + Style(bgcolor=bar.bgcolor)

    def _spread_line(self, width: int, decimals: int) -> Line:
        style = self.get_component_rich_style("ladder--spread")
        spread = self.spread
        if spread is None:
            return centred("one-sided book", width, style)
        absolute, bps = spread
        for text in (
            f"spread {absolute:.{decimals}f}  {bps:.2f} bps",
            f"{absolute:.{decimals}f} {bps:.1f}bps",
        ):
            if len(text) <= width:
                break
        return centred(text, width, style)


class _Rows:
    """Column widths for one drawing: price, amount and (when there is room) cumulative amount."""

    def __init__(self, width: int, decimals: int, prices: list[float]) -> None:
        self.width = width
        self.decimals = decimals
        self.price_width = max((len(f"{p:.{decimals}f}") for p in prices), default=5)
        rest = width - self.price_width - 2
        self.with_total = rest >= TOTAL_COLUMN_FROM
        self.size_width = rest // 2 if self.with_total else max(1, width - self.price_width - 1)
        self.total_width = rest - self.size_width if self.with_total else 0

    def _text(self, price: str, size: str, total: str) -> str:
        line = f"{price.rjust(self.price_width)} {size.rjust(self.size_width)}"
        if self.with_total:
            line += f" {total.rjust(self.total_width)}"
        return line[: self.width].ljust(self.width)

    def header(self, style: Style) -> Line:
        return [(self._text("Price", "Size", "Total"), style)]

    def side(self, levels: tuple[Level, ...], deepest: float, text: Style, bar: Style) -> list[Line]:
        """One row per level, best first; the bar's length is the depth down to that level."""
        if not levels:
            return []
        amounts = [amount for _, amount in levels]
        totals = list(accumulate(amounts))
        precision = price_decimals(amounts, 6)  # the sums have no more than their parts
        sizes = column(amounts, self.size_width, precision)
        cumulative = column(totals, self.total_width, precision) if self.with_total else [""] * len(levels)
        rows: list[Line] = []
        for (price, _), size, total, depth in zip(levels, sizes, cumulative, totals, strict=True):
            row = self._text(f"{price:.{self.decimals}f}", size, total)
            start = self.width - round(depth / deepest * self.width)  # the bar grows from the right
            rows.append([(row[:start], text), (row[start:], bar)])
        return rows
