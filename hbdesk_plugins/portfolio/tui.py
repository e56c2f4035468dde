"""The portfolio screen: the total value, how it splits by token, how it moved, and where it is
held (each account's connectors). Read from the kept balances, valued at current prices; ``r``
reads every exchange again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline, Static

from hbdesk.sdk import DeskScreen, HbdeskError, KernelState, KernelStateChanged
from hbdesk_plugins.portfolio.distribution import by_account, by_token
from hbdesk_plugins.portfolio.public import PORTFOLIO, PortfolioRecorded

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.portfolio.models import PortfolioState, TokenShare
    from hbdesk_plugins.portfolio.service import PortfolioService

REVALUE = 5.0  # seconds between two valuations of the kept balances while the screen is shown
# (interval, buckets): the chart's spans, cycled with "i"
SPANS = (("5m", 288), ("1h", 168), ("1d", 365))
SPAN_NAMES = {"5m": "last day, 5m", "1h": "last week, 1h", "1d": "last year, 1d"}


def amount(value: float) -> str:
    return f"{value:,.2f}"


def compact(value: float) -> str:
    """324214.02 → 324.2K: the chart's range at a glance."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"{value / size:,.1f}{suffix}"
    return f"{value:,.2f}"


class AllocationBars(Widget):
    """One line per token: its name, a bar as long as its share, the share in percent."""

    DEFAULT_CSS = "AllocationBars { height: 1fr; }"
    COMPONENT_CLASSES = {"allocation--bar", "allocation--rest"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shares: list[TokenShare] = []

    def show(self, shares: list[TokenShare]) -> None:
        self.shares = shares
        self.refresh()

    def render(self) -> RenderResult:
        width, height = self.size
        if not self.shares:
            return Text("Nothing held yet.", style="italic")
        name = max(len(share.token) for share in self.shares[:height])
        bar_width = max(1, width - name - 9)
        bar_style = self.get_component_rich_style("allocation--bar")
        rest_style = self.get_component_rich_style("allocation--rest")
        shown = self.shares if len(self.shares) <= height else self.shares[: height - 1]
        text = Text(no_wrap=True, overflow="crop")
        for share in shown:
            filled = round(bar_width * share.percentage / 100)
            text.append(f"{share.token:<{name}} ")
            text.append("█" * filled, bar_style)
            text.append("░" * (bar_width - filled), rest_style)
            text.append(f" {share.percentage:5.1f}%\n")
        if len(shown) < len(self.shares):
            rest = sum(share.percentage for share in self.shares[len(shown) :])
            text.append(f"+{len(self.shares) - len(shown)} more: {rest:.1f}%\n", rest_style)
        text.rstrip()
        return text


class PortfolioScreen(DeskScreen):
    DEFAULT_CSS = """
    PortfolioScreen #portfolio-summary { height: 1; padding: 0 1; background: $surface; }
    PortfolioScreen #portfolio-top { height: 9; }
    PortfolioScreen #allocation-pane { width: 1fr; }
    PortfolioScreen #history-pane { width: 1fr; }
    PortfolioScreen #value-history { height: 1fr; }
    PortfolioScreen #history-note { height: 1; }
    PortfolioScreen #holdings { height: 1fr; }
    PortfolioScreen #holdings-detail { height: 1; }
    PortfolioScreen AllocationBars > .allocation--bar { color: $primary; }
    PortfolioScreen AllocationBars > .allocation--rest { color: $panel; }
    """
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("i", "interval", "Interval"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._span = 0
        self._errors: dict[tuple[str, str], str] = {}
        self._quote = ""

    def compose_body(self) -> ComposeResult:
        yield Static("Reading balances…", id="portfolio-summary")
        with Horizontal(id="portfolio-top"):
            with Vertical(classes="pane", id="allocation-pane") as pane:
                pane.border_title = "Allocation"
                yield AllocationBars(id="allocation")
            with Vertical(classes="pane", id="history-pane") as pane:
                pane.border_title = "Value"
                yield Sparkline([], id="value-history")
                yield Static("", id="history-note", classes="hint")
        with Vertical(classes="pane", id="holdings-pane") as pane:
            pane.border_title = "Accounts and connectors"
            yield DataTable(id="holdings", cursor_type="row", zebra_stripes=True)
            yield Static("", id="holdings-detail", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#holdings", DataTable).add_columns("Account", "Connector", "Tokens", "Value", "Share")
        self.subscribe(PortfolioRecorded, self._on_recorded)
        self.subscribe(KernelStateChanged, self._on_recorded)
        self.query_one("#holdings", DataTable).focus()

    def on_screen_resume(self) -> None:
        self._follow()

    def on_screen_suspend(self) -> None:
        self.workers.cancel_group(self, "follow")

    async def _on_recorded(self, _event: Any) -> None:
        self.show(refresh=False)

    @property
    def service(self) -> PortfolioService | None:
        kernel: Kernel = self.kernel
        if kernel.state is not KernelState.RUNNING:
            return None
        return kernel.optional_service(PORTFOLIO)

    # -- looking -------------------------------------------------------------------------------

    @work(exclusive=True, group="follow")
    async def _follow(self) -> None:
        while True:
            await self._show(refresh=False)
            await asyncio.sleep(REVALUE)

    @work(exclusive=True, group="show")
    async def show(self, refresh: bool) -> None:
        await self._show(refresh)

    async def _show(self, refresh: bool) -> None:
        service = self.service
        if service is None:
            self._summary("Starting the kernel…")
            return
        try:
            state = await service.state(refresh=refresh)
            interval, buckets = SPANS[self._span]
            values = await service.value_history(interval, buckets)
        except HbdeskError as exc:
            self._summary(exc.detail)
            return
        self._quote = (await service.prices()).quote
        self._errors = service.errors()
        self._show_state(state)
        self._show_history(values, service.settings.account_update_interval)

    def _summary(self, text: str) -> None:
        self.query_one("#portfolio-summary", Static).update(text)

    def _show_state(self, state: PortfolioState) -> None:
        tokens = by_token(state, "all_accounts")
        accounts = by_account(state)
        held = sum(1 for connectors in state.values() for balances in connectors.values() if balances)
        self._summary(
            f"Total {amount(tokens.total_portfolio_value)} {self._quote}  ·  {tokens.token_count} tokens  ·  "
            f"{held} holdings in {accounts.account_count} accounts"
        )
        self.query_one(AllocationBars).show(tokens.distribution)
        table = self.query_one("#holdings", DataTable)
        chosen = table.cursor_row
        table.clear()
        for share in accounts.distribution:
            connectors = state[share.account]
            if not connectors:
                table.add_row(share.account, "—", "", amount(0), "", key=share.account)
            for name, connector in share.connectors.items():
                unread = (share.account, name) in self._errors and not connectors[name]
                table.add_row(
                    share.account,
                    name,
                    ", ".join(balance.token for balance in connectors[name]) or "—",
                    Text("not read", style="italic")
                    if unread
                    else Text(amount(connector.value), justify="right"),
                    Text(f"{connector.percentage:.1f}%", justify="right"),
                    key=f"{share.account}/{name}",
                )
        if table.row_count:
            table.move_cursor(row=min(chosen, table.row_count - 1))
        self._show_detail()

    def _show_history(self, values: list[tuple[float, float]], every: float) -> None:
        interval, _buckets = SPANS[self._span]
        self.query_one("#value-history", Sparkline).data = [value for _t, value in values]
        note = self.query_one("#history-note", Static)
        pane = self.query_one("#history-pane")
        if not values:
            pane.border_title = "Value"
            pane.border_subtitle = SPAN_NAMES[interval]
            note.update(f"No snapshots yet: one every {every:g} min")
            return
        low, high = min(v for _t, v in values), max(v for _t, v in values)
        pane.border_title = f"Value {compact(low)} – {compact(high)}"
        pane.border_subtitle = f"{SPAN_NAMES[interval]} · {len(values)} pts"
        first, last = values[0], values[-1]
        change = (last[1] / first[1] - 1) * 100 if first[1] else 0.0
        since = datetime.fromtimestamp(first[0], UTC).strftime("%d %b %H:%M")
        note.update(f"{change:+.2f}% since {since} UTC")

    def _show_detail(self) -> None:
        """Why the highlighted connector could not be read, or what the keys do."""
        detail = self.query_one("#holdings-detail", Static)
        table = self.query_one("#holdings", DataTable)
        if table.row_count:
            row = table.get_row_at(table.cursor_row)
            error = self._errors.get((str(row[0]), str(row[1])))
            if error:
                detail.update(f"{row[1]}: {error}")
                return
        detail.update("r reads every exchange again  ·  i changes the chart's span")

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    # -- acting --------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._summary("Reading every exchange…")
        self.show(refresh=True)

    def action_interval(self) -> None:
        self._span = (self._span + 1) % len(SPANS)
        self.show(refresh=False)
