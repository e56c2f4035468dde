"""The trading plugin's panels on the home screen: the open orders and the perpetual positions.

One line per order or position, the newest first; the pane cuts what does not fit, and the first
line counts everything so nothing is hidden silently. The trading screen (``g t``) acts on them.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from hbdesk.sdk import DeskPanel
from hbdesk_plugins.trading.display import SHORT_STATUS, all_positions, base_quote, number, signed
from hbdesk_plugins.trading.public import TRADING, OrderChanged, OrderFilled

if TYPE_CHECKING:
    from hbdesk_plugins.trading.records import OrderRecord

SIDE_STYLE = {"BUY": "$success", "LONG": "$success", "SELL": "$error", "SHORT": "$error"}
LINES = 12  # at most; a 24-row desk shows fewer


def _side(side: str, width: int) -> Content:
    return Content.styled(side.ljust(width), SIDE_STYLE.get(side, ""))


def _pnl(value: float) -> Content:
    return Content.styled(signed(value), "$success" if value >= 0 else "$error")


class SummaryPanel(DeskPanel):
    """A panel of one block of lines."""

    def compose(self) -> ComposeResult:
        yield Static("Starting the kernel…", classes="panel--message")
        yield Static("", classes="panel--lines")

    def show_lines(self, headline: str, lines: list[Content]) -> None:
        self.show_message(headline)
        self.query_one(".panel--lines", Static).update(Content("\n").join(lines[:LINES]))


class OpenOrdersPanel(SummaryPanel):
    def on_mount(self) -> None:
        self.subscribe(OrderChanged, self._changed)

    async def _changed(self, _event: OrderChanged) -> None:
        self.reload()

    async def update_panel(self) -> None:
        records = sorted(self.kernel.service(TRADING).active_orders(), key=lambda r: -r.created_at)
        if not records:
            self.show_lines("No open orders (g t to trade).", [])
            return
        sides = Counter(record.trade_type for record in records)
        counts = " · ".join(f"{count} {side.lower()}" for side, count in sorted(sides.items()))
        self.show_lines(f"{len(records)} open: {counts}", [_order_line(record) for record in records])


def _order_line(record: OrderRecord) -> Content:
    price = "market" if record.price is None else number(record.price)
    status = SHORT_STATUS.get(record.status.value, record.status.value)
    text = f" {number(record.amount)} {record.trading_pair} @ {price}"
    line = _side(record.trade_type, 4) + text
    if status != "OPEN":
        line += Content.styled(f" {status.lower()}", "dim")
    return line


class PositionsPanel(SummaryPanel):
    """Read again every two seconds while home is shown: the mark price and profit move."""

    PERIOD = 2.0

    def on_mount(self) -> None:
        self.subscribe(OrderFilled, self._filled)

    async def _filled(self, _event: OrderFilled) -> None:
        self.reload()

    async def update_panel(self) -> None:
        # The connectors running now, none started for this: home stays light (no hummingbot to
        # import, no exchange to wake). The trading screen starts the ones it trades on.
        rows = await all_positions(self.kernel, [])
        if not rows:
            self.show_lines("No positions on running connectors.", [])
            return
        self.show_lines(_total(rows), [_position_line(row) for row in rows])


def _total(rows: list[dict[str, Any]]) -> str:
    quotes = {base_quote(str(row["trading_pair"]))[1] for row in rows}
    pnl = sum((Decimal(str(row["unrealized_pnl"])) for row in rows), Decimal(0))
    unit = f" {quotes.pop()}" if len(quotes) == 1 else ""  # a sum across quote assets has no unit
    return f"{len(rows)} open · unrealized {signed(pnl)}{unit}"


def _position_line(row: dict[str, Any]) -> Content:
    amount = number(abs(row["amount"]))
    return (
        _side(str(row["side"]), 5)
        + f" {amount} {row['trading_pair']} "
        + _pnl(float(row["unrealized_pnl"]))
        + Content.styled(f" {row['leverage']:g}x", "dim")
    )
