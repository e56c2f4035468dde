"""The backtesting desk: the tasks with their progress, the form that runs a backtest, a result's
figures, curves and executors, two results compared; drawn from fixed tasks and driven by keyboard.

Snapshots read tasks written straight into the database (a running one paused at 42%, results
computed here from fixed executors), with the kernel's clock frozen: every run draws the same.
The keyboard flow submits a real backtest (a day of 1m sim candles of macd_bb) and opens its
result.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, TabbedContent

from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk.tui.widgets.confirm import ConfirmModal
from hbdesk.tui.widgets.model_form import ModelFormModal
from hbdesk_plugins.backtesting.display import drawdown, parse_when, plot, progress_bar
from hbdesk_plugins.backtesting.metrics import Outcome, summarize
from hbdesk_plugins.backtesting.panels import CurveChart, MetricsGrid
from hbdesk_plugins.backtesting.tables import BacktestTaskRow
from hbdesk_plugins.backtesting.tui import BacktestingScreen, ControllerPicker
from tests.desk_support import kernel_running, table_rows
from tests.helpers import core_settings, wait_for
from tests.plugins.backtesting.test_backtesting_client import SMA_TREND

FIXED_TIMESTAMP = 1_767_259_234.5  # 2026-01-01 09:20:34.5 UTC, as the other desks' snapshots
DAY = 86_400
LOAD_TIMEOUT = 60.0  # the form's config class waits for hummingbot to import (slower beside another worker)
RUN_TIMEOUT = 180.0  # a worker process starts, imports hummingbot and runs a day of 1m candles
CASES = pytest.mark.parametrize(
    ("theme", "size"),
    [("hbdesk-dark", (80, 24)), ("hbdesk-light", (80, 24)), ("hbdesk-dark", (120, 40))],
    ids=["dark-80x24", "light-80x24", "dark-120x40"],
)


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """The connector list is scripted (the sim's connectors are its provider's, not hummingbot's)."""


@pytest.fixture
def make_desk_app(tmp_path: Path) -> Callable[..., DeskApp]:
    def make(theme: str = "hbdesk-dark", frozen: bool = True) -> DeskApp:
        settings = core_settings(tmp_path / "desk", disabled_plugins=["portfolio"])
        desk = create_desk(settings, clock=(lambda: FIXED_TIMESTAMP) if frozen else None)
        desk.kernel.preferences.set("theme", theme)
        return DeskApp(desk)

    return make


# -- fixed tasks -------------------------------------------------------------------------------------


def request(days: int = 1, pair: str = "BTC-USDT", **config: Any) -> dict[str, Any]:
    end = int(FIXED_TIMESTAMP) // 60 * 60
    return {
        "start_time": end - days * DAY,
        "end_time": end,
        "backtesting_resolution": "1m",
        "trade_cost": 0.0006,
        "config": {
            "controller_name": "macd_bb",
            "connector_name": "hbdesk_sim",
            "trading_pair": pair,
            **config,
        },
        "engine": "auto",
    }


def fixed_result(shift: float, scale: float) -> dict[str, Any]:
    """A day of 1m candles and twelve executors whose PnL follows a sine: figures, curves and
    executors as the engine answers them."""
    start = int(FIXED_TIMESTAMP) // 60 * 60 - DAY
    closes = ("TAKE_PROFIT", "STOP_LOSS", "TIME_LIMIT", "TAKE_PROFIT", "TRAILING_STOP")
    executors = []
    for k in range(12):
        opened = start + k * 7_000 + 900
        closed = opened + (20 + 15 * (k % 4)) * 60
        pnl = scale * (math.sin(k * 1.3 + shift) * 4 + 0.6)
        executors.append(
            {
                "id": f"exec-{k:02d}",
                "timestamp": float(opened),
                "close_timestamp": float(closed),
                "close_type": closes[k % len(closes)],
                "side": "SELL" if k % 3 == 0 else "BUY",
                "net_pnl_quote": pnl,
                "net_pnl_pct": pnl / 100,
                "filled_amount_quote": 200.0,
                "cum_fees_quote": 0.24,
            }
        )
    times = [start + 60 * i for i in range(DAY // 60)]
    realized = [sum(e["net_pnl_quote"] for e in executors if e["close_timestamp"] <= t) for t in times]
    outcomes = [
        Outcome(e["side"], e["close_type"], e["net_pnl_quote"], e["filled_amount_quote"], e["cum_fees_quote"])
        for e in executors
    ]
    return {
        "executors": executors,
        "results": summarize(outcomes, 1000.0, realized),
        "processed_data": {},
        "position_holds": [],
        "position_held_timeseries": [],
        "pnl_timeseries": [{"timestamp": t, "total_pnl": r} for t, r in zip(times, realized, strict=True)],
    }


async def seed_tasks(app: DeskApp) -> None:
    """Newest first: a running task paused at 42%, one waiting, two completed, one failed."""
    at = FIXED_TIMESTAMP
    rows = [
        BacktestTaskRow(
            task_id="bt_running0000001",
            status="running",
            progress=0.42,
            request=json.dumps(request(days=7)),
            created_at=at - 60,
            started_at=at - 50,
        ),
        BacktestTaskRow(
            task_id="bt_waiting0000002",
            status="pending",
            progress=0.0,
            request=json.dumps(request(pair="ETH-USDT")),
            created_at=at - 120,
        ),
        BacktestTaskRow(
            task_id="bt_done_a00000003",
            status="completed",
            progress=1.0,
            engine="vectorised",
            request=json.dumps(request(interval="3m")),
            result=json.dumps(fixed_result(0.0, 1.0)),
            created_at=at - 600,
            started_at=at - 590,
            finished_at=at - 580,
        ),
        BacktestTaskRow(
            task_id="bt_done_b00000004",
            status="completed",
            progress=1.0,
            engine="vectorised",
            request=json.dumps(request(interval="5m", bb_length=50)),
            result=json.dumps(fixed_result(2.0, 0.7)),
            created_at=at - 1200,
            started_at=at - 1190,
            finished_at=at - 1170,
        ),
        BacktestTaskRow(
            task_id="bt_failed00000005",
            status="failed",
            progress=0.0,
            error="Invalid config: macd_slow: macd_slow must be longer than macd_fast",
            request=json.dumps(request(macd_fast=50, macd_slow=40)),
            created_at=at - 1800,
            finished_at=at - 1799,
        ),
    ]
    async with app.kernel.db.session() as session:
        session.add_all(rows)
        await session.commit()


async def open_backtesting(pilot: Any, seeded: bool = True) -> BacktestingScreen:
    app: DeskApp = pilot.app
    await kernel_running(app)
    if seeded:
        await seed_tasks(app)
    await pilot.press("g", "b")
    await wait_for(lambda: app.current_mode == "backtesting")
    screen = app.screen
    assert isinstance(screen, BacktestingScreen)
    if seeded:
        await rows(pilot, "#tasks", 5)
    return screen


async def rows(pilot: Any, selector: str, count: int, timeout: float = LOAD_TIMEOUT) -> list[tuple[str, ...]]:
    async def counted() -> bool:
        await pilot.pause()
        return len(await table_rows(pilot.app, selector)) == count

    await wait_for(counted, timeout=timeout)
    return await table_rows(pilot.app, selector)


async def open_form(pilot: Any) -> ModelFormModal[Any]:
    app: DeskApp = pilot.app
    await pilot.press("n")
    await wait_for(lambda: isinstance(app.screen, ControllerPicker), timeout=LOAD_TIMEOUT)
    await pilot.press("enter")  # macd_bb is highlighted
    await wait_for(lambda: isinstance(app.screen, ModelFormModal), timeout=LOAD_TIMEOUT)
    form = app.screen
    assert isinstance(form, ModelFormModal)
    await pilot.pause()
    return form


async def show_result(pilot: Any, screen: BacktestingScreen) -> None:
    await pilot.press("down", "down", "enter")  # the first completed task
    await wait_for(lambda: screen.query_one(TabbedContent).active == "result-tab")
    await rows(pilot, "#executors", 12)


async def compare(pilot: Any, screen: BacktestingScreen) -> None:
    await pilot.press("down", "down", "m", "down", "m", "c")
    await wait_for(lambda: screen.query_one(TabbedContent).active == "compare-tab")
    await rows(pilot, "#compare-metrics", 15)


# -- snapshots -----------------------------------------------------------------------------------


@CASES
def test_tasks_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """Running (with its progress bar), waiting, completed (one marked) and failed tasks."""

    async def prepare(pilot: Any) -> None:
        await open_backtesting(pilot)
        await pilot.press("down", "down", "m")  # the cursor leaves the running task's bar in sight
        await wait_for(lambda: pilot.app.screen.query_one("#tasks", DataTable).get_row_at(2)[0].plain == "A")
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


@CASES
def test_form_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """macd_bb's config as a form, the range (the last seven days), resolution and cost first."""

    async def prepare(pilot: Any) -> None:
        await open_backtesting(pilot, seeded=False)
        await open_form(pilot)

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


@CASES
def test_result_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """A fixed result: its figures, equity and drawdown curves, executors."""

    async def prepare(pilot: Any) -> None:
        screen = await open_backtesting(pilot)
        await show_result(pilot, screen)
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


@CASES
def test_compare_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """Two fixed results side by side: every figure, both equity curves."""

    async def prepare(pilot: Any) -> None:
        screen = await open_backtesting(pilot)
        await compare(pilot, screen)
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


# -- keyboard flows ------------------------------------------------------------------------------


async def test_submit_a_day_of_macd_bb_and_see_its_result_by_keyboard(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backtesting(pilot, seeded=False)
        assert screen.query_one("#tasks-empty").display
        form = await open_form(pilot)
        start = form.query_one("#field-start_time")
        assert start.has_focus and start.value == "2025-12-25 09:20"
        assert form.query_one("#field-end_time").value == "2026-01-01 09:20"
        assert form.query_one("#field-connector_name").value == "hbdesk_sim"
        assert form.query_one("#field-trading_pair").value == "BTC-USDT"

        await pilot.press("home", "ctrl+k", *"2025-12-31 09:20")  # one day
        await pilot.press("tab", "tab", "home", "ctrl+k", *"7x", "ctrl+s")  # a resolution that is none
        error = form.query_one("#form-error")
        await wait_for(
            lambda: "Unknown backtesting_resolution '7x'" in str(error.render()), timeout=LOAD_TIMEOUT
        )
        await pilot.press("home", "ctrl+k", *"1m", "ctrl+s")
        await wait_for(lambda: app.screen is screen, timeout=LOAD_TIMEOUT)

        [task] = await screen.kernel.service("backtesting").tasks()
        assert task.config["start_time"] == parse_when("start", "2025-12-31 09:20")
        assert task.config["config"]["controller_name"] == "macd_bb"
        [row] = await rows(pilot, "#tasks", 1)
        assert row[3:6] == ("macd_bb", "BTC-USDT", "2025-12-31 1d")

        async def completed() -> bool:
            await pilot.pause()
            status = (await table_rows(app, "#tasks"))[0][1]
            if status == "failed":
                [failed] = await screen.kernel.service("backtesting").tasks()
                raise AssertionError(f"the backtest failed: {failed.error}")
            return status == "done"

        await wait_for(completed, timeout=RUN_TIMEOUT, interval=0.5)
        assert any("done: enter shows its result" in n.message for n in app._notifications)
        await pilot.press("enter")
        await wait_for(lambda: screen.query_one(TabbedContent).active == "result-tab")
        answer = json.loads(await screen.kernel.service("backtesting").task(task.task_id))
        executors = await rows(pilot, "#executors", len(answer["result"]["executors"]))
        assert len(executors) == answer["result"]["results"]["total_executors"]
        grid = "\n".join(screen.query_one(MetricsGrid).text_lines())
        assert "Net PnL" in grid and "Sharpe" in grid and "Close types" in grid
        equity = screen.query_one("#equity", CurveChart)
        series = answer["result"]["pnl_timeseries"]  # the candles after the indicators' warm-up
        assert len(equity.curves[0][1]) == len(series) > 1000
        assert equity.curves[0][1][-1] == series[-1]["total_pnl"]
        assert equity.text_lines()[-1].rstrip().endswith("01-01 09:19")


async def test_cancel_and_delete_are_asked_first(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backtesting(pilot)
        [running, *_] = await table_rows(app, "#tasks")
        assert running[1:3] == ("running", progress_bar(0.42)) and "████▎" in running[2]

        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "Cancel the running backtest bt_running0000001?" in app.screen.question
        await pilot.press("n")
        await wait_for(lambda: app.screen is screen)
        assert len(await table_rows(app, "#tasks")) == 5

        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        remaining = await rows(pilot, "#tasks", 4)
        assert [r[-1] for r in remaining] == [
            "bt_waiting0000002",
            "bt_done_a00000003",
            "bt_done_b00000004",
            "bt_failed00000005",
        ]

        await pilot.press("down", "enter")  # bt_done_a: the result shown is forgotten with its task
        await rows(pilot, "#executors", 12)
        await pilot.press("escape", "d")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "Delete the backtest bt_done_a00000003 and its result?" in app.screen.question
        await pilot.press("y")
        await rows(pilot, "#tasks", 3)
        assert screen.query_one("#result-empty").display
        assert [t.task_id for t in await screen.kernel.service("backtesting").tasks()] == [
            "bt_waiting0000002",
            "bt_done_b00000004",
            "bt_failed00000005",
        ]


async def test_unfinished_or_failed_tasks_say_why_they_have_no_result(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backtesting(pilot)
        await pilot.press("enter")
        await wait_for(lambda: any("Still running (42%)" in n.message for n in app._notifications))
        await pilot.press("down", "down", "down", "down", "enter")
        await wait_for(lambda: any("macd_slow must be longer" in n.message for n in app._notifications))
        await pilot.press("c")  # nothing marked
        await wait_for(lambda: any("Mark two finished" in n.message for n in app._notifications))
        assert screen.query_one("#compare-empty").display
        assert screen.query_one(TabbedContent).active == "compare-tab"


async def test_comparison_shows_both_figures_and_curves(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_backtesting(pilot)
        await compare(pilot, screen)
        table = await table_rows(app, "#compare-metrics")
        assert table[0][0] == "Net PnL" and table[0][1] != table[0][2]
        chart = screen.query_one("#compare-equity", CurveChart)
        assert [label for label, _, _ in chart.curves] == ["A", "B"]
        assert all(len(values) == 1440 for _, values, _ in chart.curves)


async def test_palette_commands_and_the_leader_key(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"backtesting: Open Backtesting", "backtesting: New backtest"} <= set(titles)
        titles["backtesting: New backtest"].callback()
        await wait_for(lambda: isinstance(app.screen, ControllerPicker), timeout=LOAD_TIMEOUT)
        await pilot.pause()
        options = [str(o.prompt) for o in app.screen.query_one("#controller-options").options]
        assert any(o.startswith("macd_bb") for o in options)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, BacktestingScreen))


async def test_a_saved_config_prefills_the_form(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backtesting(pilot, seeded=False)
        saved = {
            "controller_name": "macd_bb",
            "controller_type": "directional_trading",
            "connector_name": "hbdesk_sim",
            "trading_pair": "ETH-USDT",
            "interval": "5m",
        }
        controllers = app.kernel.service("controllers")
        await controllers.save_config("my_macd", saved)
        await controllers.save_source("directional_trading", "sma_trend", SMA_TREND)
        await pilot.press("n")
        await wait_for(lambda: isinstance(app.screen, ControllerPicker), timeout=LOAD_TIMEOUT)
        await pilot.pause()
        options = [str(o.prompt) for o in app.screen.query_one("#controller-options").options]
        assert "my_macd  (saved macd_bb config)" in options
        assert "sma_trend  (yours, directional_trading)" in options  # a user's controller too
        picker = app.screen.query_one("#controller-options")
        picker.highlighted = options.index("my_macd  (saved macd_bb config)")
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ModelFormModal), timeout=LOAD_TIMEOUT)
        await pilot.pause()
        form = app.screen
        assert form.form_title == "Backtest my_macd"
        assert form.query_one("#field-trading_pair").value == "ETH-USDT"
        assert form.query_one("#field-interval").value == "5m"
        await pilot.press("escape")


def test_a_curve_in_braille_spans_the_range_and_marks_zero() -> None:
    values = [0.0, 1.0, 3.0, 2.0, -1.0, 4.0]
    cells, low, high = plot([values], 12, 4)
    assert (low, high) == (-1.0, 4.0)
    assert all(glyph != " " for glyph, owner in cells[-1] if owner == 0) and any(o == 0 for _, o in cells[0])
    assert drawdown(values) == [0.0, 0.0, 0.0, -1.0, -4.0, 0.0]
    assert progress_bar(0.0) == "░░░░░░░░░░   0%" and progress_bar(1.0) == "██████████ 100%"
