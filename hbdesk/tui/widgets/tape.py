"""A trades tape: the newest print on top, buys and sells in their colours."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any, NamedTuple

from hbdesk.tui.widgets.lines import Line, LinesWidget, wrapped
from hbdesk.tui.widgets.numbers import clock_time, column, price_decimals

SIDE_COLUMN_FROM = 32  # narrower than this, the side is told by colour alone
AMOUNT_WIDTH = 10  # at most: a wide tape leaves its right side empty rather than spread the columns


class Print(NamedTuple):
    timestamp: float
    price: float
    amount: float
    side: str  # the taker's: "buy" or "sell"

    @classmethod
    def of(cls, trade: Any) -> Print:
        return cls(float(trade.timestamp), float(trade.price), float(trade.amount), str(trade.side))


class TradesTape(LinesWidget):
    COMPONENT_CLASSES = {"tape--header", "tape--buy", "tape--sell", "tape--message"}

    def __init__(self, limit: int = 200, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.prints: deque[Print] = deque(maxlen=limit)  # newest first
        self.message = "Waiting for trades…"

    def set_trades(self, trades: Iterable[Any]) -> None:
        """Replace the tape; ``trades`` in the order they printed."""
        self.prints.clear()
        self.add(trades)
        self.redraw()

    def add(self, trades: Iterable[Any]) -> bool:
        """Put new prints on top (given in the order they printed); True if there were any."""
        before = len(self.prints), self.prints[0] if self.prints else None
        self.prints.extendleft(map(Print.of, trades))
        changed = (len(self.prints), self.prints[0] if self.prints else None) != before
        if changed:
            self.redraw()
        return changed

    def build(self, width: int, height: int) -> list[Line]:
        if not self.prints:
            return wrapped(self.message, width, self.get_component_rich_style("tape--message"))
        shown = list(self.prints)[: max(0, height - 1)]
        decimals = price_decimals(p.price for p in shown)
        prices = [f"{p.price:.{decimals}f}" for p in shown]
        price_width = max(len(p) for p in prices)
        side_width = 5 if width >= SIDE_COLUMN_FROM else 0
        amount_width = max(1, min(AMOUNT_WIDTH, width - 8 - price_width - 2 - side_width))
        amounts = column([p.amount for p in shown], amount_width)

        def line(time: str, price: str, amount: str, side: str) -> str:
            text = f"{time:<8} {price.rjust(price_width)} {amount.rjust(amount_width)}"
            if side_width:
                text += f" {side:>4}"
            return text[:width].ljust(width)

        lines: list[Line] = [
            [(line("Time", "Price", "Amount", "Side"), self.get_component_rich_style("tape--header"))]
        ]
        buy, sell = self.get_component_rich_style("tape--buy"), self.get_component_rich_style("tape--sell")
        for trade, price, amount in zip(shown, prices, amounts, strict=True):
            style = buy if trade.side == "buy" else sell
            lines.append([(line(clock_time(trade.timestamp), price, amount, trade.side), style)])
        return lines
