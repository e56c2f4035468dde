"""The executors' home panel: the active executors, one line each with its PnL, and the count
of positions they kept. Redrawn on the service's events, at most once a second."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from hbdesk.sdk import DeskPanel
from hbdesk_plugins.executors.display import short_type, signed, status_word
from hbdesk_plugins.executors.public import EXECUTORS, ExecutorChanged
from hbdesk_plugins.executors.reports import ordered

if TYPE_CHECKING:
    from hbdesk.sdk import Event

LINES = 12  # at most; a 24-row desk shows fewer
THROTTLE = 1.0  # seconds: executors change on every step


class ExecutorsPanel(DeskPanel):
    def compose(self) -> ComposeResult:
        yield Static("Starting the kernel…", classes="panel--message")
        yield Static("", classes="panel--lines")

    def on_mount(self) -> None:
        self._waiting = False
        self.subscribe(ExecutorChanged, self._changed)

    async def _changed(self, _event: Event) -> None:
        if not self._waiting:  # one reload for a burst of changes
            self._waiting = True
            self.set_timer(THROTTLE, self._due)

    def _due(self) -> None:
        self._waiting = False
        self.reload()

    async def update_panel(self) -> None:
        service = self.kernel.service(EXECUTORS)
        active = [view for view in ordered(service.views()) if view["is_active"]]
        held = len(service.holds.listed(None))
        kept = f" · {held} held position(s)" if held else ""
        if not active:
            self.show_message(f"No active executors (g e to start one){kept}.")
            self.query_one(".panel--lines", Static).update("")
            return
        pnl = sum(float(view["net_pnl_quote"] or 0) for view in active)
        self.show_message(f"{len(active)} active · PnL {signed(pnl)}{kept}")
        lines = [_line(view) for view in active[:LINES]]
        self.query_one(".panel--lines", Static).update(Content("\n").join(lines))


def _line(view: dict[str, Any]) -> Content:
    side = str(view.get("side") or "")
    pnl = float(view.get("net_pnl_quote") or 0)
    status = status_word(view)
    line = Content.assemble(
        (side.ljust(4), "$success" if side == "BUY" else "$error" if side else ""),
        f" {short_type(str(view['executor_type']))} {view.get('trading_pair') or ''} ",
        (signed(pnl), "$success" if pnl >= 0 else "$error"),
    )
    if status != "RUNNING":
        line += Content.styled(f" {status.lower()}", "dim")
    return line
