"""The backtesting screen: the backtests this desk ran or runs, one result in full, two side by side.

Keyboard first: ``n`` runs a new backtest (a controller, shipped or the user's, or a saved config,
then a form generated from the controller's own config class, with the range, resolution and trade
cost in front; it is checked and submitted by the service exactly as ``POST /backtesting/tasks`` does,
and what it refuses is said under the form). The tasks list shows each running task's progress,
read again every second while the screen is shown; ``enter`` opens a finished one's figures,
equity and drawdown curves and executors; ``m`` marks two finished ones and ``c`` compares them;
``d`` cancels a running task or deletes a finished one (asked first). ``escape`` goes back to the
tasks.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from hbdesk.sdk import (
    INTERVAL_SECONDS,
    ConfirmModal,
    DeskScreen,
    FormField,
    HbdeskError,
    InvalidInput,
    KernelState,
    ModelFormModal,
    form_values,
    selected_row_key,
    table_columns,
    table_row,
)
from hbdesk_plugins.backtesting.display import (
    DEFAULT_CONNECTOR,
    DEFAULT_PAIR,
    DEFAULT_RESOLUTION,
    DEFAULT_TRADE_COST,
    EXECUTOR_COLUMNS,
    EXECUTOR_NUMERIC,
    TASK_COLUMNS,
    TASK_NUMERIC,
    brief,
    default_range,
    drawdown,
    equity,
    executor_cells,
    headline,
    metrics,
    parse_when,
    summary,
    task_cells,
    when,
)
from hbdesk_plugins.backtesting.panels import CurveChart, MetricsGrid
from hbdesk_plugins.backtesting.public import BACKTESTING
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.controllers.public import CONTROLLERS, LIBRARY_PACKAGE

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, Submission
    from hbdesk_plugins.backtesting.models import TaskSubmitted, TaskSummary
    from hbdesk_plugins.backtesting.service import BacktestingService

log = logging.getLogger(__name__)

PERIOD = 1.0  # seconds between two reads of the tasks while the screen is shown
RESULTS_KEPT = 6  # parsed results kept in memory (the two compared among them)
MARKS = ("A", "B")
COMPARE_WIDTH = 12  # cells of each compared result's column
# Config fields the form leaves out: the backtest names the config itself, and these do not
# change what a backtest does.
SKIPPED = {"id", "controller_name", "controller_type", "manual_kill_switch", "initial_positions"}
FIRST_CONTROLLER = "macd_bb"


# A choice of the picker: what it shows, the controller (its type, "" when the controllers plugin
# is off, and name) and the saved config's values ({} for a controller's defaults).
Choice = tuple[str, tuple[str, str], dict[str, Any]]


class ControllerPicker(ModalScreen[tuple[tuple[str, str], dict[str, Any]] | None]):
    """Controllers (shipped and the user's, run from their defaults) and saved configs (their
    values prefilled); enter picks. Dismisses with ((controller type, name), values)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choices: list[Choice]) -> None:
        super().__init__(classes="modal")
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label("Backtest which controller?", classes="title")
            yield OptionList(*(Option(shown) for shown, _, _ in self.choices), id="controller-options")
            yield Label("enter pick · esc cancel", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [name for _, (_kind, name), _values in self.choices]
        if FIRST_CONTROLLER in names:
            options.highlighted = names.index(FIRST_CONTROLLER)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        _shown, controller, values = self.choices[event.option_index]
        self.dismiss((controller, values))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BacktestingScreen(DeskScreen):
    DEFAULT_CSS = """
    BacktestingScreen #bt-tabs { height: 1fr; }
    BacktestingScreen TabPane { padding: 0; }
    BacktestingScreen DataTable { height: 1fr; }
    BacktestingScreen .empty { color: $text-muted; padding: 0 1; height: auto; }
    BacktestingScreen .headline { height: 1; padding: 0 1; color: $primary; text-style: bold; }
    BacktestingScreen #result-body { height: 1fr; }
    BacktestingScreen #charts { height: 1fr; min-height: 6; }
    BacktestingScreen #executors { height: 1fr; min-height: 4; }
    BacktestingScreen #compare-body { height: 1fr; }
    BacktestingScreen #compare-title { height: auto; }
    BacktestingScreen #compare-metrics { width: 46; height: 1fr; }
    BacktestingScreen #compare-equity { margin-left: 1; }
    BacktestingScreen #equity { margin-right: 1; }
    """
    AUTO_FOCUS = "#tasks"
    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("v", "view", "Result"),
        Binding("m", "mark", "Mark"),
        Binding("c", "compare", "Compare"),
        Binding("d,delete", "delete", "Delete"),
        Binding("t,escape", "tab('tasks')", "Tasks", show=False),
        Binding("r", "tab('result')", "Result", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._tasks: dict[str, TaskSummary] = {}
        self._drawn: list[tuple[str, ...]] = []
        self._marks: list[str] = []
        self._results: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._shown: str | None = None  # the task whose result the result tab shows
        self._awaited: set[str] = set()  # tasks submitted here: their end is told

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="bt-tabs", initial="tasks-tab"):
            with TabPane("Tasks", id="tasks-tab"):
                yield Static("No backtests yet: n runs one.", classes="empty", id="tasks-empty")
                yield DataTable(id="tasks", cursor_type="row", zebra_stripes=True)
            with TabPane("Result", id="result-tab"):
                yield Static(
                    "No result shown: enter on a finished backtest shows it.",
                    classes="empty",
                    id="result-empty",
                )
                with Vertical(id="result-body"):
                    yield Static("", classes="headline", id="result-title")
                    yield MetricsGrid(id="metrics")
                    with Horizontal(id="charts"):
                        yield CurveChart("Equity", id="equity")
                        yield CurveChart("Drawdown", lowest=True, id="drawdown")
                    yield DataTable(id="executors", cursor_type="row", zebra_stripes=True)
            with TabPane("Compare", id="compare-tab"):
                yield Static(
                    "Mark two finished backtests with m, then c compares them.",
                    classes="empty",
                    id="compare-empty",
                )
                with Vertical(id="compare-body"):
                    yield Static("", id="compare-title")
                    with Horizontal():
                        yield DataTable(id="compare-metrics", cursor_type="row", zebra_stripes=True)
                        yield CurveChart("Equity", id="compare-equity")

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True
        for table_id, columns, numeric in (
            ("#tasks", TASK_COLUMNS, TASK_NUMERIC),
            ("#executors", EXECUTOR_COLUMNS, EXECUTOR_NUMERIC),
        ):
            table_columns(self.query_one(table_id, DataTable), columns, numeric)
        self.query_one("#result-body").display = False
        self.query_one("#compare-body").display = False
        self.set_interval(PERIOD, self._tick)
        self.refresh_tasks()

    def on_screen_resume(self) -> None:
        self.refresh_tasks()

    # -- the kernel -------------------------------------------------------------------------------

    @property
    def service(self) -> BacktestingService | None:
        kernel: Kernel = self.kernel
        if kernel.state is not KernelState.RUNNING:
            return None
        return kernel.optional_service(BACKTESTING)

    def _tick(self) -> None:
        if self.is_current:
            self.refresh_tasks()

    # -- tasks --------------------------------------------------------------------------------------

    @work(group="tasks", exclusive=True, exit_on_error=False)
    async def refresh_tasks(self) -> None:
        await self.load_tasks()

    async def load_tasks(self) -> None:
        service = self.service
        if service is None:
            return
        try:
            tasks = await service.tasks()
        except HbdeskError as exc:
            log.warning("backtest tasks: %s", exc.detail)
            return
        self._tell_ends(tasks)
        self.draw_tasks(tasks)

    def _tell_ends(self, tasks: list[TaskSummary]) -> None:
        for task in tasks:
            if task.task_id in self._awaited and task.status in ("completed", "failed"):
                self._awaited.discard(task.task_id)
                if task.status == "completed":
                    self.notify(f"Backtest {task.task_id} done: enter shows its result.", timeout=5)
                else:
                    self.notify(task.error or "", title="Backtest failed", severity="error", timeout=10)

    def draw_tasks(self, tasks: list[TaskSummary]) -> None:
        self._tasks = {task.task_id: task for task in tasks}
        marked = len(self._marks)
        self._marks = [task_id for task_id in self._marks if task_id in self._tasks]
        if len(self._marks) != marked:
            self._label_marks()
        rows = [task_cells(task, self._mark_of(task.task_id)) for task in tasks]
        if rows == self._drawn:
            return  # nothing moved: the cursor and the scroll stay as they are
        self._drawn = rows
        table = self.query_one("#tasks", DataTable)
        chosen = self.selected_task_id
        table.clear()
        for task, cells in zip(tasks, rows, strict=True):
            table.add_row(*self._task_row(task, cells), key=task.task_id)
        if chosen in self._tasks:
            table.move_cursor(row=list(self._tasks).index(chosen))
        self.query_one("#tasks-empty").display = not tasks
        running = sum(task.status in ("pending", "running") for task in tasks)
        self.query_one(TabbedContent).get_tab("tasks-tab").label = (
            f"Tasks {len(tasks)} ({running} active)"
            if running
            else f"Tasks {len(tasks)}"
            if tasks
            else "Tasks"
        )

    def _task_row(self, task: TaskSummary, cells: tuple[str, ...]) -> list[Text]:
        theme = self.app.theme_variables
        tone = {"completed": "success", "failed": "error", "running": "primary"}.get(task.status, "")
        styles = {
            "": f"bold {theme.get('warning', '')}",
            "Status": theme.get(tone, ""),
            "Progress": theme.get("primary", "") if task.status == "running" else theme.get("text-muted", ""),
        }
        return table_row(TASK_COLUMNS, cells, TASK_NUMERIC, styles)

    def _mark_of(self, task_id: str) -> str:
        return MARKS[self._marks.index(task_id)] if task_id in self._marks else ""

    @property
    def selected_task_id(self) -> str | None:
        return selected_row_key(self.query_one("#tasks", DataTable))

    @property
    def selected_task(self) -> TaskSummary | None:
        task_id = self.selected_task_id
        return self._tasks.get(task_id) if task_id else None

    def _finished_or_say(self) -> TaskSummary | None:
        task = self.selected_task
        if task is None:
            self.notify("No backtest highlighted: n runs one.", timeout=3)
            return None
        if task.status == "failed":
            self.notify(task.error or "", title="This backtest failed", severity="error", timeout=10)
            return None
        if task.status != "completed":
            self.notify(f"Still running ({task.progress * 100:.0f}%).", timeout=3)
            return None
        return task

    # -- tabs -----------------------------------------------------------------------------------

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"{name}-tab"
        focus = {"tasks": "#tasks", "result": "#executors", "compare": "#compare-metrics"}[name]
        self.query_one(focus, DataTable).focus()

    # -- a result -------------------------------------------------------------------------------

    async def result(self, task_id: str) -> dict[str, Any]:
        """The task with its result, parsed off the loop (kept for a few tasks)."""
        if task_id in self._results:
            self._results.move_to_end(task_id)
            return self._results[task_id]
        service = self.service
        if service is None:
            raise InvalidInput("The kernel is still starting.")
        raw = await service.task(task_id)
        parsed: dict[str, Any] = await asyncio.to_thread(_parse, raw)
        self._results[task_id] = parsed
        while len(self._results) > RESULTS_KEPT:
            self._results.popitem(last=False)
        return parsed

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "tasks":
            event.stop()
            self.action_view()

    @work(group="result", exclusive=True)
    async def action_view(self) -> None:
        task = self._finished_or_say()
        if task is not None:
            await self.show_result(task.task_id)

    async def show_result(self, task_id: str) -> None:
        try:
            task = await self.result(task_id)
        except HbdeskError as exc:
            self.notify(exc.detail, title="No result", severity="error", timeout=8)
            return
        self.draw_result(task)
        self.action_tab("result")

    def draw_result(self, task: dict[str, Any]) -> None:
        """A task as ``service.task`` answers it: its request, its result's figures, curves and
        executors."""
        self._shown = str(task.get("task_id"))
        result: dict[str, Any] = task.get("result") or {}
        request: dict[str, Any] = task.get("config") or {}
        self.query_one("#result-empty").display = False
        self.query_one("#result-body").display = True
        engine = f" · {task['engine']}" if task.get("engine") else ""
        self.query_one("#result-title", Static).update(f"{headline(request)}{engine}")
        self.query_one(MetricsGrid).set_figures(summary(result.get("results") or {}))
        times, values = equity(result)
        start, end = (times[0], times[-1]) if times else (0.0, 0.0)
        final = values[-1] if values else 0.0
        self.query_one("#equity", CurveChart).set_curves(
            [("", values, "up" if final >= 0 else "down")], start, end
        )
        self.query_one("#drawdown", CurveChart).set_curves([("", drawdown(values), "down")], start, end)
        table = self.query_one("#executors", DataTable)
        table.clear()
        executors = sorted(result.get("executors") or [], key=lambda e: float(e.get("timestamp") or 0))
        theme = self.app.theme_variables
        for executor in executors:
            cells = executor_cells(executor)
            pnl = float(executor.get("net_pnl_quote") or 0.0)
            colours = {
                "Side": theme.get("success" if cells[1] == "BUY" else "error", ""),
                "PnL": theme.get("success" if pnl > 0 else "error" if pnl < 0 else "text-muted", ""),
            }
            colours["PnL %"] = colours["PnL"]
            table.add_row(*table_row(EXECUTOR_COLUMNS, cells, EXECUTOR_NUMERIC, colours))
        self.query_one(TabbedContent).get_tab("result-tab").label = f"Result ({len(executors)} executors)"

    # -- comparing ------------------------------------------------------------------------------

    def action_mark(self) -> None:
        task = self._finished_or_say()
        if task is None:
            return
        if task.task_id in self._marks:
            self._marks.remove(task.task_id)
        else:
            self._marks = [*self._marks, task.task_id][-len(MARKS) :]
        self.draw_tasks(list(self._tasks.values()))
        self._label_marks()

    def _label_marks(self) -> None:
        marked = len(self._marks)
        self.query_one(TabbedContent).get_tab("compare-tab").label = (
            f"Compare {marked}/{len(MARKS)}" if marked else "Compare"
        )

    @work(group="result", exclusive=True)
    async def action_compare(self) -> None:
        if len(self._marks) < len(MARKS):
            self.notify("Mark two finished backtests with m first.", timeout=4)
            self.query_one(TabbedContent).active = "compare-tab"
            return
        try:
            pair = [await self.result(task_id) for task_id in self._marks]
        except HbdeskError as exc:
            self.notify(exc.detail, title="No result", severity="error", timeout=8)
            return
        self.draw_comparison(pair[0], pair[1])
        self.action_tab("compare")

    def draw_comparison(self, first: dict[str, Any], second: dict[str, Any]) -> None:
        self.query_one("#compare-empty").display = False
        self.query_one("#compare-body").display = True
        theme = self.app.theme_variables
        title = Text(no_wrap=True, overflow="ellipsis")
        for mark, task, other, colour in (
            (MARKS[0], first, second, "primary"),
            (MARKS[1], second, first, "warning"),
        ):
            title.append(f" {mark} ", style=f"bold {theme.get(colour, '')}")
            title.append(f"{brief(task.get('config') or {}, other.get('config') or {})}\n")
        title.rstrip()
        self.query_one("#compare-title", Static).update(title)
        table = self.query_one("#compare-metrics", DataTable)
        table.clear(columns=True)
        table.add_column("Figure", key="figure", width=15)
        for mark in MARKS:
            table.add_column(Text(mark.rjust(COMPARE_WIDTH)), key=mark, width=COMPARE_WIDTH)
        left = metrics(((first.get("result") or {}).get("results")) or {})
        right = metrics(((second.get("result") or {}).get("results")) or {})
        tones = {1: theme.get("success", ""), -1: theme.get("error", ""), 0: ""}
        for a, b in zip(left, right, strict=True):
            table.add_row(  # padded here: a column of fixed width does not right-justify
                a.label,
                Text(a.text.rjust(COMPARE_WIDTH), style=tones[a.tone]),
                Text(b.text.rjust(COMPARE_WIDTH), style=tones[b.tone]),
            )
        curves = []
        spans: list[float] = []
        for mark, task, tone in ((MARKS[0], first, "a"), (MARKS[1], second, "b")):
            times, values = equity(task.get("result") or {})
            curves.append((mark, values, tone))
            spans += times[:1] + times[-1:]
        start, end = (min(spans), max(spans)) if spans else (0.0, 0.0)
        self.query_one("#compare-equity", CurveChart).set_curves(curves, start, end)

    # -- cancelling and deleting ----------------------------------------------------------------

    @work(group="delete", exclusive=True)
    async def action_delete(self) -> None:
        service, task = self.service, self.selected_task
        if service is None:
            return
        if task is None:
            self.notify("No backtest highlighted.", timeout=3)
            return
        running = task.status in ("pending", "running")
        what = headline(task.config)
        question = (
            f"Cancel the running backtest {task.task_id}?\n{what}"
            if running
            else f"Delete the backtest {task.task_id} and its result?\n{what}"
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, "Cancel it" if running else "Delete")):
            return
        try:
            answer = await service.delete(task.task_id)
        except HbdeskError as exc:
            self.notify(exc.detail, title="Not deleted", severity="error", timeout=8)
            return
        self._results.pop(task.task_id, None)
        self._awaited.discard(task.task_id)
        if task.task_id in self._marks:
            self._marks.remove(task.task_id)
            self._label_marks()
        if self._shown == task.task_id:
            self._shown = None
            self.query_one("#result-body").display = False
            self.query_one("#result-empty").display = True
            self.query_one(TabbedContent).get_tab("result-tab").label = "Result"
        self.notify(f"{answer.message}: {task.task_id}.", timeout=4)
        self.refresh_tasks()

    # -- a new backtest -------------------------------------------------------------------------

    @work(group="new", exclusive=True)
    async def action_new(self) -> None:
        service = self.service
        if service is None:
            self.notify("The kernel is still starting.", timeout=3)
            return
        choices = await self._controller_choices()
        picked = await self.app.push_screen_wait(ControllerPicker(choices))
        if picked is None:
            return
        controller, saved = picked
        try:
            form = await self._form(service, controller, saved)
        except HbdeskError as exc:
            self.notify(exc.detail, title="No form", severity="error", timeout=8)
            return
        submitted = await self.app.push_screen_wait(form)
        if submitted is None:
            return
        self._awaited.add(submitted.task_id)
        self.notify(f"Backtest {submitted.task_id} submitted.", timeout=4)
        self.action_tab("tasks")
        self._drawn = []
        await self.load_tasks()
        if submitted.task_id in self._tasks:
            self.query_one("#tasks", DataTable).move_cursor(row=list(self._tasks).index(submitted.task_id))

    async def _controller_choices(self) -> list[Choice]:
        """The controllers, shipped then the user's, then the saved configs of those controllers
        (a saved config of a controller there is not is left out). Without the controllers
        plugin, the shipped controllers alone."""
        controllers = self.kernel.optional_service(CONTROLLERS)
        if controllers is None:
            return [
                (f"{name}  (shipped, its defaults)", ("", name), {})
                for name in await asyncio.to_thread(_shipped_controllers)
            ]
        try:
            sources = await controllers.sources()
            saved = await controllers.list_configs()
        except HbdeskError as exc:
            log.warning("controllers and saved configs: %s", exc.detail)
            sources, saved = [], []
        choices: list[Choice] = [
            (
                f"{s.name}  (shipped, its defaults)"
                if s.shipped
                else f"{s.name}  (yours, {s.controller_type})",
                (s.controller_type, s.name),
                {},
            )
            for s in sources
        ]
        known = {(s.controller_type, s.name) for s in sources}
        shipped = {s.name: s.controller_type for s in sources if s.shipped}
        for config in saved:
            name, kind = config.get("controller_name"), config.get("controller_type")
            if not isinstance(name, str) or not config.get("id"):
                continue
            kind = kind if isinstance(kind, str) and kind else shipped.get(name)
            if kind is not None and (kind, name) in known:
                choices.append((f"{config['id']}  (saved {name} config)", (kind, name), config))
        return choices

    async def _form(
        self, service: BacktestingService, controller: tuple[str, str], saved: dict[str, Any]
    ) -> ModelFormModal[Any]:
        from hbdesk_plugins.backtesting.configs import config_class

        kind, name = controller
        model = await config_class(self.kernel, kind, name)
        kernel: Kernel = self.kernel
        start, end = default_range(kernel.clock())
        catalog = kernel.service(CONNECTORS)
        connectors = list(catalog.market_connectors())
        pairs: set[str] = set()
        for connector in connectors:
            source = catalog.market_source(connector)
            if source is not None:
                pairs.update(source.trading_pairs())
        values = {"connector_name": DEFAULT_CONNECTOR, "trading_pair": DEFAULT_PAIR, **form_values(saved)}
        extra = [
            FormField("start_time", "start (UTC)", placeholder="YYYY-MM-DD HH:MM", value=when(start)),
            FormField("end_time", "end (UTC)", placeholder="YYYY-MM-DD HH:MM", value=when(end)),
            FormField(
                "backtesting_resolution",
                "resolution",
                placeholder="1m, 5m, 1h …",
                value=DEFAULT_RESOLUTION,
                suggestions=tuple(INTERVAL_SECONDS),
            ),
            FormField(
                "trade_cost", "trade cost", placeholder="fee per trade, 0.0006", value=DEFAULT_TRADE_COST
            ),
        ]

        async def run(submission: Submission) -> TaskSubmitted | None:
            backtest = _request(controller, submission)
            return await service.submit(backtest)

        title = f"Backtest {saved.get('id') or name}"
        return ModelFormModal(
            title,
            model,
            submit=run,
            skip=SKIPPED,
            values=values,
            suggestions={"connector_name": sorted(connectors), "trading_pair": sorted(pairs)},
            extra=extra,
            submit_label="Run",
        )


def _request(controller: tuple[str, str], submission: Submission) -> Any:
    """The backtest as ``POST /backtesting/tasks`` takes it; a ``ValidationError`` or an
    ``InvalidInput`` says what is wrong (the form shows it)."""
    from hbdesk_plugins.backtesting.models import BacktestingConfig

    extra = submission.extra
    return BacktestingConfig.model_validate(
        {
            "start_time": parse_when("start", extra.get("start_time", "")),
            "end_time": parse_when("end", extra.get("end_time", "")),
            "backtesting_resolution": extra.get("backtesting_resolution") or DEFAULT_RESOLUTION,
            "trade_cost": extra.get("trade_cost") or DEFAULT_TRADE_COST,
            "config": {**submission.data, **_named(*controller)},
        }
    )


def _parse(raw: bytes) -> dict[str, Any]:
    """A task's JSON, without the per-candle features the screen does not draw."""
    task: dict[str, Any] = json.loads(raw)
    result = task.get("result")
    if isinstance(result, dict):
        result.pop("processed_data", None)
    return task


def _named(controller_type: str, name: str) -> dict[str, str]:
    """The controller as a config names it (its type left out when unknown: the service finds
    a shipped one's)."""
    return (
        {"controller_type": controller_type, "controller_name": name}
        if controller_type
        else {"controller_name": name}
    )


def _shipped_controllers() -> list[str]:
    import importlib
    import pkgutil

    package = importlib.import_module(LIBRARY_PACKAGE)
    return sorted(module.name for module in pkgutil.iter_modules(package.__path__) if not module.ispkg)
