"""A one-line ticker: pair, last and mid price, the day's change, high, low and volume.

What does not fit the width is left out, least useful first, so 80 columns still read cleanly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from hbdesk.tui.widgets.lines import Line, LinesWidget
from hbdesk.tui.widgets.numbers import human, price_decimals

GAP = "  "


@dataclass(frozen=True)
class Ticker:
    connector: str = ""
    pair: str = ""
    last: float | None = None
    mid: float | None = None
    open: float | None = None  # the price a day ago, for the change
    high: float | None = None
    low: float | None = None
    volume: float | None = None  # base asset

    @property
    def change(self) -> float | None:
        reference = self.last if self.last is not None else self.mid
        if self.open is None or reference is None or not self.open:
            return None
        return reference / self.open - 1

    def with_day(self, candles: Sequence[Any]) -> Ticker:
        """Take the open, high, low and volume of these candles (those of the last day)."""
        if not candles:
            return replace(self, open=None, high=None, low=None, volume=None)
        return replace(
            self,
            open=float(candles[0].open),
            high=max(float(c.high) for c in candles),
            low=min(float(c.low) for c in candles),
            volume=sum(float(c.volume) for c in candles),
        )


class TickerStrip(LinesWidget):
    COMPONENT_CLASSES = {"ticker--pair", "ticker--label", "ticker--up", "ticker--down"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.ticker = Ticker()

    def show(self, ticker: Ticker) -> bool:
        if ticker == self.ticker:
            return False
        self.ticker = ticker
        self.redraw()
        return True

    def update_prices(self, last: float | None, mid: float | None) -> bool:
        return self.show(replace(self.ticker, last=last, mid=mid))

    def build(self, width: int, height: int) -> list[Line]:
        t = self.ticker
        label = self.get_component_rich_style("ticker--label")
        # The last price is on the tick grid (high and low, from candles, need not be): its decimals
        # are the market's. The mid may need one more.
        decimals = min(price_decimals([t.last if t.last is not None else t.mid or 0.0]), 6)
        mid_decimals = min(price_decimals([t.mid or 0.0]), decimals + 1)
        change = t.change
        trend = self.get_component_rich_style("ticker--up" if (change or 0) >= 0 else "ticker--down")

        def price(value: float, places: int = decimals) -> str:
            return f"{value:.{places}f}"

        # (priority, pieces): the lowest priorities are the last to go when the width is short.
        parts: list[tuple[int, Line]] = [
            (0, [(t.pair or "—", self.get_component_rich_style("ticker--pair"))]),
            (6, [(t.connector, label)]),
        ]
        if t.last is not None:
            parts.append((1, [("last ", label), (price(t.last), trend)]))
        if t.mid is not None:
            parts.append(
                (5 if t.last is not None else 1, [("mid ", label), (price(t.mid, mid_decimals), None)])
            )
        if change is not None:
            parts.append((2, [("24h ", label), (f"{change * 100:+.2f}%", trend)]))
        if t.high is not None and t.low is not None:
            parts.append((3, [("H ", label), (price(t.high), None), (" L ", label), (price(t.low), None)]))
        if t.volume is not None:
            base = t.pair.split("-")[0] if "-" in t.pair else ""
            parts.append((4, [("vol ", label), (f"{human(t.volume)} {base}".strip(), None)]))
        return [_fit(parts, width)]


def _fit(parts: list[tuple[int, Line]], width: int) -> Line:
    """Drop the least useful parts until the rest fit; keep the order they were given in."""
    kept = list(parts)

    def length(items: list[tuple[int, Line]]) -> int:
        return sum(len(text) for _, pieces in items for text, _ in pieces) + len(GAP) * (len(items) - 1)

    while len(kept) > 1 and length(kept) > width:
        kept.remove(max(kept, key=lambda part: part[0]))
    line: Line = []
    for index, (_, pieces) in enumerate(kept):
        if index:
            line.append((GAP, None))
        line += pieces
    return line
