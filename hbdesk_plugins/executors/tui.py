"""The executors screen: every executor this desk runs or ran, the positions they were told to
keep, and the way to start a new one.

Keyboard first: ``n`` starts a new executor (its type, then a form generated from the type's
own config model, validated by the path the REST API creates it with, confirmed, then
created); ``s`` stops the highlighted one and ``S`` stops it keeping its position (both asked
first); ``l`` or ``enter`` opens its config, info and log. ``h`` shows the held positions, where
``x`` clears one (asked first), ``e`` the executors again. The tables follow the service's
``ExecutorChanged`` events, redrawn at most once a second.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from hbdesk.sdk import (
    ConfirmModal,
    DeskScreen,
    FormField,
    HbdeskError,
    KernelState,
    KernelStateChanged,
    ModelFormModal,
    selected_row_key,
    table_columns,
    table_row,
)
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.executors.display import (
    EXECUTOR_COLUMNS,
    HOLD_COLUMNS,
    NUMERIC,
    clock,
    executor_cells,
    hold_cells,
    hold_key,
    number,
    percent,
    short_type,
    signed,
    status_word,
    time_of_day,
    tree_lines,
)
from hbdesk_plugins.executors.public import EXECUTORS, ExecutorChanged, ExecutorType
from hbdesk_plugins.executors.reports import ordered

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, Submission
    from hbdesk_plugins.executors.service import ExecutorService

log = logging.getLogger(__name__)

RELOAD_PERIOD = 1.0  # seconds: executors change on every step; the tables follow at most this often
CONTROLLER = "main"  # the controller id the API gives an executor created by hand
SKIPPED = frozenset({"id", "type", "timestamp", "controller_id"})  # the service fills these in
DEFAULT_PAIR = "BTC-USDT"
LOG_LINES = 200
KEY_WIDTH = 16  # a detail pane's keys are padded to this, at most
HEADLINE_FIELDS = ("side", "amount", "total_amount_quote", "order_amount", "price")  # in the question


def _service(kernel: Kernel) -> ExecutorService | None:
    if kernel.state is not KernelState.RUNNING:
        return None
    return kernel.optional_service(EXECUTORS)


class Throttle:
    """Calls ``draw`` once after a burst of changes, and not more often than every ``period``."""

    def __init__(self, screen: DeskScreen, draw: Callable[[], None], period: float = RELOAD_PERIOD) -> None:
        self.screen = screen
        self.draw = draw
        self.period = period
        self.pending = False
        self.last = 0.0

    def poke(self) -> None:
        if self.pending:
            return
        self.pending = True
        wait = max(0.05, self.last + self.period - time.monotonic())
        self.screen.set_timer(wait, self._fire)

    def _fire(self) -> None:
        self.pending = False
        self.last = time.monotonic()
        self.draw()


class TypePicker(ModalScreen[ExecutorType | None]):
    """The registered executor types with what each is for; enter picks."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, kinds: list[ExecutorType]) -> None:
        super().__init__(classes="modal")
        self.kinds = kinds

    def compose(self) -> ComposeResult:
        options = [Option(self._prompt(kind), id=kind.name) for kind in self.kinds]
        with Vertical(classes="dialog", id="executor-types"):
            yield Label("Which kind of executor?", classes="title")
            yield OptionList(*options, id="type-options")
            yield Label("enter pick · esc cancel", classes="hint")

    @staticmethod
    def _prompt(kind: ExecutorType) -> Content:
        name = Content.styled(short_type(kind.name), "bold")
        note = " (needs Gateway)" if kind.needs_gateway else ""
        return Content.assemble(name, note, "\n", Content.styled(kind.description, "dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.kinds[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExecutorsScreen(DeskScreen):
    DEFAULT_CSS = """
    ExecutorsScreen #executors-summary { height: 1; padding: 0 1; color: $text-muted; }
    ExecutorsScreen #executors-tabs { height: 1fr; }
    ExecutorsScreen TabPane { padding: 0; }
    ExecutorsScreen DataTable { height: 1fr; }
    ExecutorsScreen .empty { color: $text-muted; padding: 0 1; height: auto; }
    """
    AUTO_FOCUS = "#executors"
    BINDINGS = [
        Binding("n", "create", "New"),
        Binding("s", "stop", "Stop"),
        Binding("S", "stop(True)", "Stop, keep"),
        Binding("l", "details", "Logs"),
        Binding("x", "clear_hold", "Clear hold"),
        Binding("e", "tab('executors')", "Executors", show=False),
        Binding("h", "tab('holds')", "Held", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._views: dict[str, dict[str, Any]] = {}
        self._holds: dict[str, dict[str, Any]] = {}
        self._throttle = Throttle(self, self.draw)

    def compose_body(self) -> ComposeResult:
        yield Static("Starting the kernel…", id="executors-summary")
        with TabbedContent(id="executors-tabs", initial="executors-tab"):
            with TabPane("Executors", id="executors-tab"):
                yield Static("No executors yet: n starts one.", classes="empty", id="executors-empty")
                yield DataTable(id="executors", cursor_type="row", zebra_stripes=True)
            with TabPane("Held positions", id="holds-tab"):
                yield Static(
                    "No held positions: S stops an executor keeping its position.",
                    classes="empty",
                    id="holds-empty",
                )
                yield DataTable(id="holds", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True
        for table_id, columns in (("#executors", EXECUTOR_COLUMNS), ("#holds", HOLD_COLUMNS)):
            table_columns(self.query_one(table_id, DataTable), columns, NUMERIC)
        self.subscribe(ExecutorChanged, self._changed)
        self.subscribe(KernelStateChanged, self._changed)
        self.draw()

    def on_screen_resume(self) -> None:
        self.draw()

    @property
    def service(self) -> ExecutorService | None:
        return _service(self.kernel)

    async def _changed(self, _event: object) -> None:
        self._throttle.poke()

    # -- drawing --------------------------------------------------------------------------------

    def draw(self) -> None:
        if not self.is_attached:
            return
        service = self.service
        if service is None:
            return
        self.draw_executors(ordered(service.views()))
        self.draw_holds(self._held(service))

    def draw_executors(self, views: list[dict[str, Any]]) -> None:
        table = self.query_one("#executors", DataTable)
        chosen = self.selected_id
        self._views = {str(view["executor_id"]): view for view in views}
        table.clear()
        for view in views:
            table.add_row(*self._executor_row(view), key=str(view["executor_id"]))
        keys = list(self._views)
        if chosen in keys:
            table.move_cursor(row=keys.index(chosen))
        self.query_one("#executors-empty").display = not views
        active = [view for view in views if view["is_active"]]
        self.query_one(TabbedContent).get_tab("executors-tab").label = (
            f"Executors {len(active)}/{len(views)}" if views else "Executors"
        )
        self._summarise(views)

    def _summarise(self, views: list[dict[str, Any]]) -> None:
        active = [view for view in views if view["is_active"]]
        pnl = sum(float(view["net_pnl_quote"] or 0) for view in active)
        volume = sum(float(view["filled_amount_quote"] or 0) for view in active)
        closed = len(views) - len(active)
        text = (
            f"{len(active)} active · PnL {signed(pnl)} · volume {volume:.2f} · {closed} closed"
            if views
            else "n starts an executor: a position, grid, DCA, TWAP, order…"
        )
        self.query_one("#executors-summary", Static).update(text)

    def _executor_row(self, view: dict[str, Any]) -> list[Text]:
        theme = self.app.theme_variables
        pnl = float(view.get("net_pnl_quote") or 0)
        colours = {
            "Side": "success" if view.get("side") == "BUY" else "error",
            "PnL": "success" if pnl >= 0 else "error",
            "PnL %": "success" if pnl >= 0 else "error",
            "Status": {"RUNNING": "success", "SHUTTING_DOWN": "warning"}.get(str(view["status"]), ""),
        }
        if not view["is_active"]:
            colours.update(dict.fromkeys(("ID", "Type", "Status"), "text-muted"))
        styles = {column: theme.get(colour, "") for column, colour in colours.items()}
        return table_row(EXECUTOR_COLUMNS, executor_cells(view), NUMERIC, styles)

    def _held(self, service: ExecutorService) -> list[dict[str, Any]]:
        from hbdesk_plugins.executors.reports import positions

        return list(positions(service, None)["positions"])

    def draw_holds(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#holds", DataTable)
        chosen = self.selected_hold_key
        self._holds = {"\x1f".join(hold_key(row)): row for row in rows}
        table.clear()
        theme = self.app.theme_variables
        for key, row in self._holds.items():
            colours = {
                "Side": "success" if row["position_side"] == "LONG" else "error",
                "Realized": "success" if row["realized_pnl_quote"] >= 0 else "error",
                "Unrealized": "success" if (row["unrealized_pnl_quote"] or 0) >= 0 else "error",
            }
            styles = {column: theme.get(colour, "") for column, colour in colours.items()}
            table.add_row(*table_row(HOLD_COLUMNS, hold_cells(row), NUMERIC, styles), key=key)
        keys = list(self._holds)
        if chosen in keys:
            table.move_cursor(row=keys.index(chosen))
        self.query_one("#holds-empty").display = not rows
        self.query_one(TabbedContent).get_tab("holds-tab").label = (
            f"Held positions {len(rows)}" if rows else "Held positions"
        )

    @property
    def selected_id(self) -> str | None:
        return selected_row_key(self.query_one("#executors", DataTable))

    @property
    def selected(self) -> dict[str, Any] | None:
        key = self.selected_id
        return self._views.get(key) if key else None

    @property
    def selected_hold_key(self) -> str | None:
        return selected_row_key(self.query_one("#holds", DataTable))

    # -- tabs -----------------------------------------------------------------------------------

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"{name}-tab"
        self.query_one(f"#{name}", DataTable).focus()

    # -- details --------------------------------------------------------------------------------

    def action_details(self) -> None:
        view = self.selected
        if view is None:
            self.notify("No executor highlighted.", timeout=3)
            return
        self.app.push_screen(ExecutorDetailScreen(str(view["executor_id"])))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "executors":
            self.action_details()

    # -- stopping -------------------------------------------------------------------------------

    @work(group="stop", exclusive=True)
    async def action_stop(self, keep_position: bool = False) -> None:
        view = self.selected
        if view is None:
            self.notify("No executor highlighted.", timeout=3)
            return
        await ask_and_stop(self, view, keep_position)
        self.draw()

    # -- held positions -------------------------------------------------------------------------

    @work(group="hold", exclusive=True)
    async def action_clear_hold(self) -> None:
        service = self.service
        key = self.selected_hold_key
        row = self._holds.get(key) if key else None
        if service is None:
            return
        if row is None:
            self.notify("No held position highlighted (h shows them).", timeout=4)
            return
        question = (
            f"Forget the {row['position_side']} {number(row['unmatched_amount_base'])} "
            f"{row['trading_pair']} position kept on {row['connector_name']} for {row['account_name']} "
            f"(controller {row['controller_id']})? The position itself stays on the exchange."
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, "Clear")):
            return
        if await service.holds.clear(hold_key(row)) is None:
            self.notify("That position was cleared already.", timeout=4)
        else:
            self.notify(f"Held position {row['trading_pair']} on {row['connector_name']} cleared.", timeout=4)
        self.draw()

    # -- creating -------------------------------------------------------------------------------

    @work(group="create", exclusive=True)
    async def action_create(self) -> None:
        service = self.service
        if service is None:
            self.notify("The kernel is still starting.", timeout=3)
            return
        kind = await self.app.push_screen_wait(TypePicker(list(service.types.values())))
        if kind is None:
            return
        form = await self._form(service, kind)
        created = await self.app.push_screen_wait(form)
        if created is None:
            return
        self.notify(f"{kind.name} {created['executor_id']} created.", timeout=4)
        self.draw()
        self.action_tab("executors")
        if created["executor_id"] in self._views:
            table = self.query_one("#executors", DataTable)
            table.move_cursor(row=list(self._views).index(created["executor_id"]))

    async def _form(self, service: ExecutorService, kind: ExecutorType) -> ModelFormModal[Any]:
        """The type's config model as a form, with the accounts, connectors and pairs offered."""
        kernel: Kernel = self.kernel
        await service.config_class(kind)  # imported off the loop: config_model finds it loaded
        accounts = await kernel.service(ACCOUNTS).list_accounts()
        catalog = kernel.service(CONNECTORS)
        connectors = list(catalog.keyless())
        for account in accounts:
            connectors += await kernel.service(ACCOUNTS).list_credentials(account)
        pairs: set[str] = set()
        for name in catalog.market_connectors():
            source = catalog.market_source(name)
            if source is not None:
                pairs.update(source.trading_pairs())
        default_connector = catalog.default_market() or ""
        values = {
            "connector_name": default_connector,
            "trading_pair": DEFAULT_PAIR if DEFAULT_PAIR in pairs else "",
        }
        account_field = FormField(
            "account_name",
            "account",
            placeholder="the account it trades for",
            value=accounts[0] if accounts else "",
            suggestions=tuple(accounts),
        )

        async def create(submission: Submission) -> dict[str, Any] | None:
            return await self._create(service, kind, submission)

        return ModelFormModal(
            f"New {kind.name}",
            config_model(kind),
            submit=create,
            skip=SKIPPED,
            values=values,
            suggestions={
                "connector_name": sorted(dict.fromkeys(connectors)),
                "trading_pair": sorted(pairs),
            },
            extra=[account_field],
            submit_label="Create",
        )

    async def _create(
        self, service: ExecutorService, kind: ExecutorType, submission: Submission
    ) -> dict[str, Any] | None:
        """Validated as the API validates it, asked, then created; a refusal is raised to the
        form, which shows it."""
        from hbdesk_plugins.executors.configs import validate

        raw = {**submission.data, "type": kind.name}
        validate(await service.config_class(kind), raw)
        account = submission.extra.get("account_name") or "master_account"
        typed = submission.typed
        market = " ".join(typed[name] for name in ("connector_name", "trading_pair") if name in typed)
        headline = " · ".join(f"{name} {typed[name]}" for name in HEADLINE_FIELDS if name in typed)
        question = f"Create a {kind.name}{f' on {market}' if market else ''} for {account}?\n{headline}"
        if not await self.app.push_screen_wait(ConfirmModal(question, "Create")):
            self.notify("Not created.", timeout=3)
            return None
        created: dict[str, Any] = await service.create(account, CONTROLLER, raw)
        return created


async def ask_and_stop(screen: DeskScreen, view: dict[str, Any], keep_position: bool) -> None:
    """Ask, then stop the executor; a refusal (already closed: 409) is a notification."""
    service = _service(screen.kernel)
    if service is None:
        return
    executor_id = str(view["executor_id"])
    what = f"{short_type(str(view['executor_type']))} {executor_id}"
    where = f"{view.get('side') or ''} {view.get('trading_pair') or ''} on {view.get('connector_name')}"
    outcome = (
        "Its position is kept and listed under held positions."
        if keep_position
        else "It cancels its orders and closes its position."
    )
    question = f"Stop {what} ({' '.join(where.split())})?\n{outcome}"
    label = "Stop, keep position" if keep_position else "Stop"
    if not await screen.app.push_screen_wait(ConfirmModal(question, label)):
        return
    try:
        await service.stop_executor(executor_id, keep_position)
    except HbdeskError as exc:
        screen.notify(exc.detail, title="Not stopped", severity="error", timeout=8)
        return
    screen.notify(f"Stopping {what}…", timeout=4)


class ExecutorDetailScreen(DeskScreen):
    """One executor: its figures, its config, what it reports about itself, its last log lines."""

    DEFAULT_CSS = """
    ExecutorDetailScreen #detail-summary { height: auto; padding: 0 1; }
    ExecutorDetailScreen #detail-top { height: 3fr; }
    ExecutorDetailScreen #detail-config-pane, ExecutorDetailScreen #detail-info-pane { width: 1fr; }
    ExecutorDetailScreen #detail-log-pane { height: 2fr; }
    ExecutorDetailScreen .pane { scrollbar-size-vertical: 1; }
    ExecutorDetailScreen .pane Static { padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("s", "stop", "Stop"),
        Binding("S", "stop(True)", "Stop, keep"),
    ]

    def __init__(self, executor_id: str) -> None:
        super().__init__()
        self.executor_id = executor_id
        self._throttle = Throttle(self, self.draw)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="detail-summary")
        with Horizontal(id="detail-top"):
            with VerticalScroll(id="detail-config-pane", classes="pane") as config:
                config.border_title = "Config"
                yield Static("", id="detail-config")
            with VerticalScroll(id="detail-info-pane", classes="pane") as info:
                info.border_title = "Info"
                yield Static("", id="detail-info")
        with VerticalScroll(id="detail-log-pane", classes="pane") as logs:
            logs.border_title = "Log"
            yield Static("", id="detail-log")

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True
        self.subscribe(ExecutorChanged, self._changed)
        self.call_after_refresh(self.draw)
        self.query_one("#detail-log-pane").focus()

    async def _changed(self, event: ExecutorChanged) -> None:
        if event.executor_id == self.executor_id:
            self._throttle.poke()

    def draw(self) -> None:
        service = _service(self.kernel)
        if service is None or not self.is_attached:
            return
        try:
            view = service.view(self.executor_id)
            logs = service.executor_logs(self.executor_id, None, LOG_LINES)
        except HbdeskError as exc:
            self.query_one("#detail-summary", Static).update(exc.detail)
            return
        self.query_one("#detail-summary", Static).update(self._summary(view))
        config = readable_config(service, view)
        self.query_one("#detail-config", Static).update(self._tree(config))
        info = view.get("custom_info") or {}
        self.query_one("#detail-info", Static).update(self._tree(info) if info else "—")
        self.query_one("#detail-log", Static).update(self._log(logs["logs"]))
        self.query_one("#detail-log-pane", VerticalScroll).scroll_end(animate=False)

    def _summary(self, view: dict[str, Any]) -> Content:
        """Three lines: what and whether it runs, where, and its figures."""
        theme = self.app.theme_variables
        pnl = float(view.get("net_pnl_quote") or 0)
        side = str(view.get("side") or "")
        close = f" · {view['close_type']}" if view.get("close_type") else ""
        status_style = {"RUNNING": "success", "SHUTTING_DOWN": "warning"}.get(str(view["status"]), "")
        created, closed = clock(view.get("created_at")), view.get("closed_at")
        lasted = f"{created} → {time_of_day(closed)}" if closed else f"since {created}"
        lines = [
            Content.assemble(
                (f"{short_type(str(view['executor_type']))} {view['executor_id']}", "bold"),
                "  ",
                (f"{status_word(view)}{close}", theme.get(status_style, "")),
            ),
            Content.assemble(
                (side, theme.get("success" if side == "BUY" else "error", "")),
                f" {view.get('trading_pair') or ''} on {view.get('connector_name') or '—'}",
                f" · {view['account_name']} · {lasted}",
            ),
            Content.assemble(
                f"filled {float(view.get('filled_amount_quote') or 0):.2f} · PnL ",
                (
                    f"{signed(pnl)} ({percent(view.get('net_pnl_pct') or 0)})",
                    theme.get("success" if pnl >= 0 else "error", ""),
                ),
                f" · fees {float(view.get('cum_fees_quote') or 0):.2f}",
                f" · controller {view.get('controller_id') or '—'}",
            ),
        ]
        if view.get("last_error"):
            lines.append(Content.styled(f"last error: {view['last_error']}", theme.get("error", "")))
        return Content("\n").join(lines)

    @staticmethod
    def _tree(values: dict[str, Any]) -> Content:
        """Keys dim, values after them; values line up unless a key is longer than ``KEY_WIDTH``
        (hummingbot's info has 30-letter keys: lined up after those, values would wrap)."""
        lines = tree_lines(values)
        width = min(KEY_WIDTH, max((len(key) + 2 * depth for depth, key, _ in lines), default=0))
        return Content("\n").join(
            Content.assemble((("  " * depth + key).ljust(width), "dim"), " ", value)
            for depth, key, value in lines
        )

    def _log(self, entries: list[dict[str, Any]]) -> Content:
        if not entries:
            return Content.styled("No log lines yet.", "dim")
        theme = self.app.theme_variables
        styles = {"ERROR": "error", "CRITICAL": "error", "WARNING": "warning"}
        lines = []
        for entry in entries:
            level = str(entry.get("level", ""))
            message = str(entry.get("message", ""))
            if entry.get("exc_info"):
                message += f" ({entry['exc_info']})"
            lines.append(
                Content.assemble(
                    (time_of_day(entry.get("timestamp")), "dim"),
                    " ",
                    (level.ljust(7), theme.get(styles.get(level, ""), "")),
                    " ",
                    message,
                )
            )
        return Content("\n").join(lines)

    @work(group="stop", exclusive=True)
    async def action_stop(self, keep_position: bool = False) -> None:
        service = _service(self.kernel)
        if service is None:
            return
        try:
            view = service.view(self.executor_id)
        except HbdeskError as exc:
            self.notify(exc.detail, severity="error", timeout=6)
            return
        await ask_and_stop(self, view, keep_position)
        self.draw()


SUMMARISED = ("id", "type", "timestamp", "controller_id")  # the detail's first lines say them


def config_model(kind: ExecutorType) -> type[BaseModel]:
    model = kind.load_config()
    if not issubclass(model, BaseModel):
        raise TypeError(f"{kind.name}: its config {model.__name__} is not a pydantic model")
    return model


def readable_config(service: ExecutorService, view: dict[str, Any]) -> dict[str, Any]:
    """The stored config with its enums by name (stored as hummingbot's numbers: side 1 is BUY),
    read back through the type's own model; as stored if that fails."""
    from hbdesk_plugins.executors.views import jsonable

    config = view.get("config") or {}
    kind = service.types.get(str(view["executor_type"]))
    if kind is None or not isinstance(config, dict):
        return dict(config) if isinstance(config, dict) else {}
    try:
        readable = jsonable(config_model(kind).model_validate(config))
    except Exception:
        log.debug("executor %s: config shown as stored", view["executor_id"], exc_info=True)
        readable = config
    if not isinstance(readable, dict):
        readable = config
    return {key: value for key, value in readable.items() if key not in SUMMARISED}
