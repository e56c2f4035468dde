"""The trading screen: an order ticket on one account and market, and below it the open orders,
the latest fills and the perpetual positions, kept live from the trading service's events.

Keyboard first: ``b``/``s`` start a buy or a sell in the ticket, ``enter`` places it, ``escape``
goes back to the tables, where ``c`` cancels the highlighted order and ``K`` cancels them all
(asked first). Positions close (``x``, asked first), reduce (``r``) and get their leverage (``l``)
from the highlighted row. Orders and fills arrive as events; positions, whose profit moves with
the market, are read again every two seconds while the screen is shown.
"""

from __future__ import annotations

import logging
from collections import deque
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, OptionList, Static, TabbedContent, TabPane

from hbdesk.sdk import (
    Choice,
    ConfirmModal,
    DeskScreen,
    FormField,
    FormModal,
    HbdeskError,
    KernelState,
    KernelStateChanged,
    PairPicker,
    selected_row_key,
    table_columns,
    table_row,
)
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.trading.display import (
    CLOSING_SIDE,
    FILL_COLUMNS,
    NUMERIC,
    ORDER_COLUMNS,
    POSITION_COLUMNS,
    OrderKey,
    all_positions,
    fill_cells,
    number,
    order_cells,
    position_cells,
    position_key,
)
from hbdesk_plugins.trading.public import TRADING, OrderChanged, OrderFilled
from hbdesk_plugins.trading.ticket import Market, Ticket

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.trading.records import OrderRecord
    from hbdesk_plugins.trading.service import TradingService

log = logging.getLogger(__name__)

DEFAULT_PAIR = "BTC-USDT"
POSITIONS_PERIOD = 2.0  # seconds between two reads of the positions (their mark and profit move)
FILLS_SHOWN = 100
TABS = ("orders", "fills", "positions")


class ReduceForm(BaseModel):
    amount: Decimal = Field(gt=0, allow_inf_nan=False, description="Base amount to close at market")


class AccountPicker(ModalScreen[str | None]):
    """The accounts, the current one highlighted; enter picks."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, accounts: list[str], current: str) -> None:
        super().__init__(classes="modal")
        self.accounts = accounts
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Trade for which account?", classes="title")
            yield OptionList(*self.accounts, id="account-options")
            yield Label("enter pick · esc cancel", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.accounts:
            options.highlighted = self.accounts.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.accounts[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class TradingScreen(DeskScreen):
    DEFAULT_CSS = """
    TradingScreen Ticket {
        border: round $panel;
        border-title-color: $primary;
        border-subtitle-color: $text-muted;
    }
    TradingScreen Ticket:focus-within { border: round $primary; }
    TradingScreen #trading-tabs { height: 1fr; }
    TradingScreen TabPane { padding: 0; }
    TradingScreen DataTable { height: 1fr; }
    TradingScreen .empty { color: $text-muted; padding: 0 1; height: auto; }
    """
    AUTO_FOCUS = "#orders"
    BINDINGS = [
        Binding("p,slash", "pick_pair", "Pair"),
        Binding("a", "pick_account", "Account", show=False),
        Binding("b", "side('BUY')", "Buy"),
        Binding("s", "side('SELL')", "Sell"),
        Binding("t", "order_type", "Type", show=False),
        Binding("c", "cancel", "Cancel"),
        Binding("K", "cancel_all", "Cancel all"),
        Binding("x", "close", "Close"),
        Binding("r", "reduce", "Reduce", show=False),
        Binding("l", "leverage", "Leverage", show=False),
        Binding("o", "tab('orders')", "Orders", show=False),
        Binding("f", "tab('fills')", "Fills", show=False),
        Binding("P", "tab('positions')", "Positions", show=False),
        Binding("escape", "tables", "Tables", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._fills: deque[dict[str, Any]] = deque(maxlen=FILLS_SHOWN)  # newest first
        self._positions: dict[str, dict[str, Any]] = {}
        self._started = False

    def compose_body(self) -> ComposeResult:
        yield Ticket(id="ticket")
        with TabbedContent(id="trading-tabs", initial="orders-tab"):
            with TabPane("Orders", id="orders-tab"):
                yield Static("No open orders: b buys, s sells.", classes="empty", id="orders-empty")
                yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
            with TabPane("Fills", id="fills-tab"):
                yield Static("No fills yet.", classes="empty", id="fills-empty")
                yield DataTable(id="fills", cursor_type="row", zebra_stripes=True)
            with TabPane("Positions", id="positions-tab"):
                yield Static("No open positions.", classes="empty", id="positions-empty")
                yield DataTable(id="positions", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True  # the trading keys and the desk's share 80 columns
        for table_id, columns in (
            ("#orders", ORDER_COLUMNS),
            ("#fills", FILL_COLUMNS),
            ("#positions", POSITION_COLUMNS),
        ):
            table_columns(self.query_one(table_id, DataTable), columns, NUMERIC)
        self.subscribe(OrderChanged, self._on_order_changed)
        self.subscribe(OrderFilled, self._on_order_filled)
        self.subscribe(KernelStateChanged, self._on_kernel_changed)
        self.set_interval(POSITIONS_PERIOD, self._tick)
        self._begin()

    def on_screen_resume(self) -> None:
        if self._started:
            self.draw_orders()
            self.refresh_positions()

    # -- the kernel -----------------------------------------------------------------------------

    @property
    def service(self) -> TradingService | None:
        kernel: Kernel = self.kernel
        if kernel.state is not KernelState.RUNNING:
            return None
        return kernel.optional_service(TRADING)

    @property
    def ticket(self) -> Ticket:
        return self.query_one(Ticket)

    async def _on_kernel_changed(self, _event: KernelStateChanged) -> None:
        self._begin()

    def _begin(self) -> None:
        if not self._started and self.service is not None:
            self._started = True
            self._open_default_market()

    @work(group="begin", exclusive=True)
    async def _open_default_market(self) -> None:
        """The desk's first account on its default market, then everything that is live."""
        kernel: Kernel = self.kernel
        accounts = await kernel.service(ACCOUNTS).list_accounts()
        catalog = kernel.service(CONNECTORS)
        connector = catalog.default_market() or ""
        source = catalog.market_source(connector) if connector else None
        pairs = sorted(source.trading_pairs()) if source is not None else []
        pair = DEFAULT_PAIR if DEFAULT_PAIR in pairs or not pairs else pairs[0]
        if accounts and connector:
            await self.choose(Market(accounts[0], connector, pair))
        else:
            self.ticket.show_message("Nothing to trade on yet: p picks a connector and pair, a an account.")
        self.draw_orders()
        await self._load_fills()
        self.refresh_positions()

    async def choose(self, market: Market) -> None:
        """Put this account and market on the ticket (whether it is perpetual, the catalog says)."""
        try:
            spec = await self.kernel.service(CONNECTORS).spec(market.connector)
        except HbdeskError as exc:
            self.notify(exc.detail, severity="error", timeout=8)
            return
        self.ticket.set_market(
            Market(market.account, market.connector, market.pair, spec.kind == "perpetual")
        )
        self.refresh_positions()

    # -- orders ---------------------------------------------------------------------------------

    async def _on_order_changed(self, _event: OrderChanged) -> None:
        self.draw_orders()

    def draw_orders(self) -> None:
        service = self.service
        records = sorted(service.active_orders(), key=lambda r: r.created_at) if service else []
        table = self.query_one("#orders", DataTable)
        chosen = self.selected_order
        table.clear()
        for record in records:
            table.add_row(*self._order_row(record), key=_order_key(record).row_key)
        keys = [_order_key(record) for record in records]
        if chosen in keys:
            table.move_cursor(row=keys.index(chosen))
        self.query_one("#orders-empty").display = not records
        self.query_one(TabbedContent).get_tab("orders-tab").label = (
            f"Orders {len(records)}" if records else "Orders"
        )

    def _order_row(self, record: OrderRecord) -> list[Text]:
        return self._cells(ORDER_COLUMNS, order_cells(record), {"Side": _side_colour(record.trade_type)})

    def _cells(self, columns: tuple[str, ...], cells: tuple[str, ...], colours: dict[str, str]) -> list[Text]:
        """A table row: numbers right-aligned, sides and profits in the theme's colours."""
        theme = self.app.theme_variables
        return table_row(columns, cells, NUMERIC, {column: theme.get(c, "") for column, c in colours.items()})

    @property
    def selected_order(self) -> OrderKey | None:
        row_key = selected_row_key(self.query_one("#orders", DataTable))
        return OrderKey.of(row_key) if row_key else None

    # -- fills ----------------------------------------------------------------------------------

    async def _load_fills(self) -> None:
        service = self.service
        if service is None:
            return
        self._fills.clear()
        self._fills.extend(await service.recent_fills(FILLS_SHOWN))
        self.draw_fills()

    async def _on_order_filled(self, event: OrderFilled) -> None:
        self._fills.appendleft(event.trade)
        self.draw_fills()
        self.refresh_positions()  # a fill on a perpetual moves a position

    def draw_fills(self) -> None:
        table = self.query_one("#fills", DataTable)
        table.clear()
        for fill in self._fills:
            colours = {"Side": _side_colour(str(fill["trade_type"]))}
            table.add_row(*self._cells(FILL_COLUMNS, fill_cells(fill), colours))
        self.query_one("#fills-empty").display = not self._fills

    # -- positions ------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self._started and self.is_current:
            self.refresh_positions()

    @work(group="positions", exclusive=True, exit_on_error=False)
    async def refresh_positions(self) -> None:
        account = self.ticket.market.account
        if self.service is None or not account:
            return
        try:
            rows = await all_positions(self.kernel, [account])
        except HbdeskError as exc:
            log.warning("positions: %s", exc.detail)
            return
        self.draw_positions(rows)

    def draw_positions(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#positions", DataTable)
        chosen = self.selected_position_key
        self._positions = {position_key(row): row for row in rows}
        table.clear()
        for key, row in self._positions.items():
            colours = {
                "Side": _side_colour(str(row["side"])),
                "PnL": "success" if row["unrealized_pnl"] >= 0 else "error",
            }
            table.add_row(*self._cells(POSITION_COLUMNS, position_cells(row), colours), key=key)
        keys = list(self._positions)
        if chosen in keys:
            table.move_cursor(row=keys.index(chosen))
        self.query_one("#positions-empty").display = not rows
        self.query_one(TabbedContent).get_tab("positions-tab").label = (
            f"Positions {len(rows)}" if rows else "Positions"
        )

    @property
    def selected_position_key(self) -> str | None:
        return selected_row_key(self.query_one("#positions", DataTable))

    @property
    def selected_position(self) -> dict[str, Any] | None:
        key = self.selected_position_key
        return self._positions.get(key) if key else None

    # -- ticket and tabs ------------------------------------------------------------------------

    def action_side(self, side: str) -> None:
        self.ticket.set_side(side)

    def action_order_type(self) -> None:
        self.ticket.next_order_type()

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"{name}-tab"
        self.query_one(f"#{name}", DataTable).focus()

    def action_tables(self) -> None:
        active = self.query_one(TabbedContent).active.removesuffix("-tab") or TABS[0]
        self.query_one(f"#{active}", DataTable).focus()

    def on_ticket_placed(self, _event: Ticket.Placed) -> None:
        self.draw_orders()

    @work(group="pick", exclusive=True)
    async def action_pick_pair(self) -> None:
        service, market = self.service, self.ticket.market
        if service is None or not market.account:
            self.notify("The kernel is still starting.", timeout=3)
            return
        choices = await self._pair_choices(service, market)
        picked = await self.app.push_screen_wait(
            PairPicker(choices, self._pairs_of, title=f"Trading pair for {market.account}")
        )
        if picked is not None:
            await self.choose(Market(market.account, picked[0], picked[1]))

    async def _pair_choices(self, service: TradingService, market: Market) -> list[Choice]:
        """The computed markets' pairs at once (no exchange asked), the account's other connectors
        by name (their pairs are asked for on enter); the current connector first."""
        catalog = self.kernel.service(CONNECTORS)
        names = [name for _, name in await service.account_connectors([market.account], None)]
        names = list(dict.fromkeys([market.connector, *names]))
        choices: list[Choice] = []
        for name in names:
            source = catalog.market_source(name)
            if source is not None:
                choices += [(name, pair) for pair in sorted(source.trading_pairs())]
            else:
                choices.append((name, None))
        return choices

    async def _pairs_of(self, connector_name: str) -> list[str]:
        service = self.service
        if service is None:
            return []
        connector = await service.connector(self.ticket.market.account, connector_name)
        return sorted(connector.trading_rules)

    @work(group="pick", exclusive=True)
    async def action_pick_account(self) -> None:
        if self.service is None:
            return
        accounts = await self.kernel.service(ACCOUNTS).list_accounts()
        market = self.ticket.market
        picked = await self.app.push_screen_wait(AccountPicker(accounts, market.account))
        if picked is not None and picked != market.account:
            await self.choose(Market(picked, market.connector, market.pair))

    # -- cancelling -----------------------------------------------------------------------------

    @work(group="cancel")
    async def action_cancel(self) -> None:
        service, order = self.service, self.selected_order
        if service is None:
            return
        if order is None:
            self.notify("No open order to cancel.", timeout=3)
            return
        try:
            await service.cancel(order.account, order.connector, order.order_id)
        except HbdeskError as exc:
            self.notify(exc.detail, title="Not cancelled", severity="error", timeout=8)
            return
        self.notify(f"Cancelling {order.order_id}…", timeout=3)

    @work(group="cancel-all", exclusive=True)
    async def action_cancel_all(self) -> None:
        service = self.service
        if service is None:
            return
        count = len(service.active_orders())
        if not count:
            self.notify("No open orders.", timeout=3)
            return
        question = f"Cancel all {count} open order(s), on every account and connector?"
        if not await self.app.push_screen_wait(ConfirmModal(question, "Cancel all")):
            return
        cancelled = await service.cancel_all()
        self.notify(
            f"Cancel sent for {len(cancelled)} of {count} order(s).",
            severity="information" if len(cancelled) == count else "warning",
            timeout=6,
        )

    # -- positions ------------------------------------------------------------------------------

    def _position_or_say(self) -> dict[str, Any] | None:
        position = self.selected_position
        if position is None:
            self.notify("No position highlighted (P shows the positions).", timeout=4)
        return position

    @work(group="position", exclusive=True)
    async def action_close(self) -> None:
        position = self._position_or_say()
        if self.service is None or position is None:
            return
        amount = Decimal(str(abs(position["amount"])))
        question = (
            f"Close the {position['side']} {number(amount)} {position['trading_pair']} position on "
            f"{position['connector_name']} ({position['account_name']}) with a market "
            f"{CLOSING_SIDE[str(position['side'])].lower()}?"
        )
        if await self.app.push_screen_wait(ConfirmModal(question, "Close")):
            await self._close(position, amount)

    @work(group="position", exclusive=True)
    async def action_reduce(self) -> None:
        position = self._position_or_say()
        if self.service is None or position is None:
            return
        amount = Decimal(str(abs(position["amount"])))
        fields = [
            FormField("amount", f"Amount to close at market (of {number(amount)})", value=number(amount / 2))
        ]
        title = f"Reduce the {position['side']} {position['trading_pair']} position"
        form = await self.app.push_screen_wait(FormModal(title, fields, ReduceForm, "Reduce"))
        if form is not None:
            await self._close(position, form.amount)

    async def _close(self, position: dict[str, Any], amount: Decimal) -> None:
        from hbdesk_plugins.trading.checks import OrderIntent

        service = self.service
        if service is None:
            return
        side = CLOSING_SIDE[str(position["side"])]
        intent = OrderIntent(str(position["trading_pair"]), side, "MARKET", amount, None, "CLOSE")
        try:
            record = await service.place(position["account_name"], position["connector_name"], intent)
        except HbdeskError as exc:
            self.notify(exc.detail, title="Not closed", severity="error", timeout=8)
            return
        self.notify(
            f"{side.capitalize()} {number(amount)} {intent.trading_pair} to close: {record.client_order_id}"
        )

    @work(group="position", exclusive=True)
    async def action_leverage(self) -> None:
        from hbdesk_plugins.trading.models import LeverageRequest

        service = self.service
        if service is None:
            return
        on_positions = self.query_one(TabbedContent).active == "positions-tab"
        position = self.selected_position if on_positions else None
        market = self.ticket.market
        if position is not None:
            account, connector, pair = (
                str(position["account_name"]),
                str(position["connector_name"]),
                str(position["trading_pair"]),
            )
            current = f"{position['leverage']:g}"
        elif market.perpetual:
            account, connector, pair, current = market.account, market.connector, market.pair, ""
        else:
            self.notify("Leverage is set on a perpetual: pick one (p) or highlight a position.", timeout=5)
            return
        fields = [
            FormField("trading_pair", "Trading pair", value=pair),
            FormField("leverage", "Leverage (1-125)", value=current, placeholder="10"),
        ]
        form = await self.app.push_screen_wait(
            FormModal(f"Leverage on {connector} for {account}", fields, LeverageRequest, "Set")
        )
        if form is None:
            return
        try:
            result = await service.set_leverage(account, connector, form.trading_pair, form.leverage)
        except HbdeskError as exc:
            self.notify(exc.detail, title="Leverage not set", severity="error", timeout=8)
            return
        self.notify(result["message"], timeout=4)
        self.refresh_positions()


def _side_colour(side: str) -> str:
    return "success" if side in ("BUY", "LONG") else "error"


def _order_key(record: OrderRecord) -> OrderKey:
    return OrderKey(record.account_name, record.connector_name, record.client_order_id)
