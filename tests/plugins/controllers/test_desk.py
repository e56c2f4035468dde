"""The controllers desk: the browser of sources and configs, the Python editor that validates
before it saves, the config form generated from a controller's class, and the live controllers.

Snapshots read files written into the data dir before the desk starts and live controllers put
in the service's book as they would be after ticking, with the kernel's clock frozen: every run
draws the same. The keyboard flows save, refuse and delete through the real services.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TabbedContent, TextArea

from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk.tui.widgets.confirm import ConfirmModal
from hbdesk.tui.widgets.model_form import ModelFormModal
from hbdesk_plugins.controllers.display import error_line, template_source
from hbdesk_plugins.controllers.live import Runner
from hbdesk_plugins.controllers.tui import ControllersScreen, EditorScreen
from tests.desk_support import kernel_running, table_rows
from tests.helpers import core_settings, wait_for

FIXED_TIMESTAMP = 1_767_259_234.5  # 2026-01-01 09:20:34.5 UTC, as the other desks' snapshots
LOAD_TIMEOUT = 60.0  # a config class waits for hummingbot to import (slower beside another worker)
CASES = pytest.mark.parametrize(
    ("theme", "size"),
    [("hbdesk-dark", (80, 24)), ("hbdesk-light", (80, 24)), ("hbdesk-dark", (120, 40))],
    ids=["dark-80x24", "light-80x24", "dark-120x40"],
)
USER_SOURCE = template_source("directional_trading", "my_signal")
SAVED_CONFIG = """\
id: macd_eth
controller_name: macd_bb
controller_type: directional_trading
connector_name: hbdesk_sim
trading_pair: ETH-USDT
interval: 5m
bb_length: 50
"""
SCRIPT_CONFIG = "script_file_name: hello.py\nmarkets: {}\n"


@pytest.fixture
def make_desk_app(tmp_path: Path) -> Callable[..., DeskApp]:
    def make(theme: str = "hbdesk-dark") -> DeskApp:
        data_dir = tmp_path / "desk"
        bots = data_dir / "bots"
        for path, text in (
            (bots / "controllers" / "directional_trading" / "my_signal.py", USER_SOURCE),
            (bots / "scripts" / "hello.py", template_source("script", "hello")),
            (bots / "conf" / "controllers" / "macd_eth.yml", SAVED_CONFIG),
            (bots / "conf" / "scripts" / "hello_conf.yml", SCRIPT_CONFIG),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        settings = core_settings(data_dir, disabled_plugins=["portfolio"])
        desk = create_desk(settings, clock=lambda: FIXED_TIMESTAMP)
        desk.kernel.preferences.set("theme", theme)
        return DeskApp(desk)

    return make


def bots(app: DeskApp) -> Path:
    return app.kernel.settings.core.data_dir / "bots"


async def open_controllers(pilot: Any) -> ControllersScreen:
    app: DeskApp = pilot.app
    await kernel_running(app)
    await pilot.press("g", "c")
    await wait_for(lambda: app.current_mode == "controllers")
    screen = app.screen
    assert isinstance(screen, ControllersScreen)
    await wait_for(lambda: screen.selected is not None)
    await wait_for(lambda: screen.previewed == "controller:directional_trading:macd_bb")
    return screen


async def highlight(pilot: Any, screen: ControllersScreen, key: str) -> None:
    """Down the tree until the entry is highlighted."""
    for _ in range(30):
        if screen.selected is not None and screen.selected.key == key:
            await pilot.pause()
            return
        await pilot.press("down")
    raise AssertionError(f"{key} not in the tree")


async def open_editor(pilot: Any, screen: ControllersScreen, key: str) -> EditorScreen:
    await highlight(pilot, screen, key)
    await pilot.press("enter")
    await wait_for(lambda: isinstance(pilot.app.screen, EditorScreen))
    editor = pilot.app.screen
    assert isinstance(editor, EditorScreen)
    await pilot.pause()
    return editor


async def open_form(pilot: Any, screen: ControllersScreen, key: str, press: str) -> ModelFormModal[Any]:
    await highlight(pilot, screen, key)
    await pilot.press(press)
    await wait_for(lambda: isinstance(pilot.app.screen, ModelFormModal), timeout=LOAD_TIMEOUT)
    form = pilot.app.screen
    assert isinstance(form, ModelFormModal)
    await pilot.pause()
    return form


def seed_live(app: DeskApp) -> None:
    """Three controllers as the live book holds them after a while: one running with executors,
    one stopped keeping its positions, one failed."""
    live = app.kernel.service("controllers").live
    runners = [
        Runner(
            controller_id="pmm_btc",
            account="master_account",
            config_name="pmm_btc",
            config_data={"controller_name": "pure_market_making", "controller_type": "market_making"},
            update_interval=1.0,
            started_at=FIXED_TIMESTAMP - 3_600,
            status="RUNNING",
            ticks=3_600,
            last_tick=FIXED_TIMESTAMP,
        ),
        Runner(
            controller_id="grid_eth",
            account="master_account",
            config_name=None,
            config_data={"controller_name": "grid", "controller_type": "generic"},
            update_interval=1.0,
            started_at=FIXED_TIMESTAMP - 86_400,
            status="STOPPED",
            reason="stopped, positions kept",
            ticks=52_000,
        ),
        Runner(
            controller_id="macd_eth",
            account="master_account",
            config_name="macd_eth",
            config_data={"controller_name": "macd_bb", "controller_type": "directional_trading"},
            update_interval=1.0,
            started_at=FIXED_TIMESTAMP - 600,
            status="FAILED",
            reason="The candles of hbdesk_sim ETH-USDT 5m could not be read",
            ticks=3,
        ),
    ]
    for runner in runners:
        live.runners[runner.controller_id] = runner
        live.book.follow(runner.controller_id)
    executors = [
        ("pmm_btc", "ex_pmm_1", "RUNNING", True, 1.2345, 250.0),
        ("pmm_btc", "ex_pmm_2", "RUNNING", True, -0.4, 250.0),
        ("pmm_btc", "ex_pmm_3", "TERMINATED", False, 2.5, 500.0),
        ("grid_eth", "ex_grid_1", "TERMINATED", False, -3.75, 1_200.0),
    ]
    live.book.seed(
        [
            {
                "executor_id": executor_id,
                "controller_id": controller_id,
                "executor_type": "position_executor",
                "status": status,
                "is_active": active,
                "net_pnl_quote": pnl,
                "filled_amount_quote": volume,
                "cum_fees_quote": 0.1,
                "close_type": None if active else "TAKE_PROFIT",
                "config": {},
            }
            for controller_id, executor_id, status, active, pnl, volume in executors
        ]
    )


# -- snapshots -----------------------------------------------------------------------------------


@CASES
def test_browser_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """Controllers by type (shipped ones marked), scripts, saved configs; a user's controller
    previewed."""

    async def prepare(pilot: Any) -> None:
        screen = await open_controllers(pilot)
        await highlight(pilot, screen, "controller:directional_trading:my_signal")
        await wait_for(lambda: screen.previewed == "controller:directional_trading:my_signal")
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


@CASES
def test_editor_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """A user's controller in the editor, Python highlighted, after a refused save."""

    async def prepare(pilot: Any) -> None:
        screen = await open_controllers(pilot)
        editor = await open_editor(pilot, screen, "controller:directional_trading:my_signal")
        await pilot.press("down", "down", "down", "end", "x", "ctrl+s")
        await wait_for(lambda: editor.error != "", timeout=LOAD_TIMEOUT)
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


@CASES
def test_config_form_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """A saved config of macd_bb in the form generated from its config class."""

    async def prepare(pilot: Any) -> None:
        screen = await open_controllers(pilot)
        await open_form(pilot, screen, "config::macd_eth", "enter")

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


@CASES
def test_live_snapshot(snap_compare, make_desk_app, theme: str, size: tuple[int, int]) -> None:
    """Running, stopped and failed controllers with their executors and PnL."""

    async def prepare(pilot: Any) -> None:
        screen = await open_controllers(pilot)
        seed_live(pilot.app)
        await pilot.press("l")
        await wait_for(lambda: len(screen._drawn) == 3)
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


# -- keyboard flows ------------------------------------------------------------------------------


async def test_a_syntax_error_is_refused_with_its_line_then_the_fix_is_saved(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_controllers(pilot)
        editor = await open_editor(pilot, screen, "controller:directional_trading:my_signal")
        area = editor.query_one(TextArea)
        assert not area.read_only and area.language == "python" and area.is_syntax_aware
        path = bots(app) / "controllers" / "directional_trading" / "my_signal.py"

        await pilot.press(*"def broken(:", "enter", "ctrl+s")
        await wait_for(lambda: editor.error != "", timeout=LOAD_TIMEOUT)
        assert "line 1" in editor.error and "does not compile" in editor.error
        assert error_line(editor.error) == 1
        assert area.cursor_location == (0, 0) and area.selected_text == "def broken(:"
        assert path.read_text() == USER_SOURCE  # nothing saved
        assert "not saved" in str(editor.query_one("#editor-title").render())

        await pilot.press(*"# fixed", "ctrl+s")  # the selected line is typed over
        await wait_for(lambda: path.read_text().startswith("# fixed\n"), timeout=LOAD_TIMEOUT)
        assert editor.error == "" and not editor.modified
        assert path.read_text() == "# fixed\n" + USER_SOURCE

        await pilot.press("escape")
        await wait_for(lambda: app.screen is screen)


async def test_shipped_sources_open_read_only(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_controllers(pilot)
        editor = await open_editor(pilot, screen, "controller:directional_trading:macd_bb")
        area = editor.query_one(TextArea)
        assert area.read_only and "read-only" in str(editor.query_one("#editor-title").render())
        await pilot.press("ctrl+s")
        await wait_for(lambda: any("read-only" in n.message for n in app._notifications))
        await pilot.press("escape")  # nothing to discard
        await wait_for(lambda: app.screen is screen)


async def test_a_new_source_starts_from_its_template(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_controllers(pilot)
        await pilot.press("n")
        await wait_for(lambda: len(app.screen.query("#picker-options")) == 1)
        await pilot.press("down", "enter")  # market making
        await wait_for(lambda: len(app.screen.query("#field-name")) == 1)
        await pilot.press(*"my_maker", "enter")
        await wait_for(lambda: isinstance(app.screen, EditorScreen))
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.query_one(TextArea).text == template_source("market_making", "my_maker")
        await pilot.press("ctrl+s")
        path = bots(app) / "controllers" / "market_making" / "my_maker.py"
        await wait_for(path.exists, timeout=LOAD_TIMEOUT)
        await pilot.press("escape")
        await wait_for(lambda: app.screen is screen)
        await wait_for(lambda: screen.selected is not None and screen.selected.name == "my_maker")


async def test_a_config_with_a_bad_value_is_refused_then_saved(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_controllers(pilot)
        form = await open_form(pilot, screen, "controller:directional_trading:macd_bb", "c")
        assert form.form_title == "New macd_bb config"
        name = form.query_one("#field-config_name")
        assert name.has_focus  # the first required field left empty
        assert form.query_one("#field-bb_length").value == "100"  # the template's default
        await pilot.press(*"eth_fast")
        form.query_one("#field-bb_length").focus()
        await pilot.press("home", "ctrl+k", "1", "ctrl+s")
        error = form.query_one("#form-error")
        await wait_for(lambda: "bb_length" in str(error.render()), timeout=LOAD_TIMEOUT)
        assert not (bots(app) / "conf" / "controllers" / "eth_fast.yml").exists()

        await pilot.press("home", "ctrl+k", *"30", "ctrl+s")
        await wait_for(lambda: app.screen is screen, timeout=LOAD_TIMEOUT)
        saved = await app.kernel.service("controllers").get_config("eth_fast")
        assert saved["id"] == "eth_fast" and saved["controller_name"] == "macd_bb"
        assert saved["bb_length"] == 30
        await wait_for(lambda: screen.selected is not None and screen.selected.key == "config::eth_fast")

        # Edited the same way: the form holds the saved values.
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ModelFormModal), timeout=LOAD_TIMEOUT)
        edit = app.screen
        assert edit.form_title == "Edit config eth_fast"
        assert edit.query_one("#field-bb_length").value == "30"
        await pilot.press("escape")


async def test_delete_is_asked_first_and_refused_for_shipped(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_controllers(pilot)
        await pilot.press("d")  # macd_bb, shipped
        await wait_for(lambda: any("cannot be deleted" in n.message for n in app._notifications))
        assert app.screen is screen

        path = bots(app) / "conf" / "controllers" / "macd_eth.yml"
        await highlight(pilot, screen, "config::macd_eth")
        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert app.screen.question == "Delete conf/controllers/macd_eth.yml?"
        await pilot.press("n")
        await wait_for(lambda: app.screen is screen)
        assert path.exists()

        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_for(lambda: not path.exists())
        await wait_for(lambda: all(e.key != "config::macd_eth" for e in screen._entries))


async def test_live_list_and_stop_asked_first(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_controllers(pilot)
        seed_live(app)
        await pilot.press("l")
        await wait_for(lambda: len(screen._drawn) == 3)
        rows = await table_rows(app, "#live")
        assert [r[:5] for r in rows] == [
            ("grid_eth", "grid", "STOPPED", "0/1", "-3.7500"),
            ("macd_eth", "macd_bb", "FAILED", "0/0", "+0.0000"),
            ("pmm_btc", "pure_market_making", "RUNNING", "2/3", "+3.3345"),
        ]
        assert screen.query_one(TabbedContent).get_tab("live-tab").label.plain == "Live 1/3"
        await pilot.press("s")  # grid_eth: stopped already
        await wait_for(lambda: any("stopped already" in n.message for n in app._notifications))
        await pilot.press("down", "down", "S")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "pmm_btc" in app.screen.question and "keeping their positions" in app.screen.question
        await pilot.press("n")
        await wait_for(lambda: app.screen is screen)
        assert app.kernel.service("controllers").live.runners["pmm_btc"].status == "RUNNING"


async def test_palette_commands_and_the_leader_key(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)):
        await kernel_running(app)
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {
            "controllers: Open Controllers",
            "controllers: New source",
            "controllers: New config",
            "controllers: Run a saved config",
            "controllers: Live list",
        } <= set(titles)
        titles["controllers: Live list"].callback()
        await wait_for(lambda: isinstance(app.screen, ControllersScreen))
        screen = app.screen
        await wait_for(lambda: [t.active for t in screen.query(TabbedContent)] == ["live-tab"])
        assert screen.query_one("#live-empty").display


def test_error_lines_are_read_from_the_services_messages() -> None:
    assert error_line("x.py does not compile: invalid syntax (line 12: 'def (')") == 12
    assert error_line("x.py does not import: NameError: name 'y' is not defined (line 3)") == 3
    assert error_line("x.py defines no controller class") is None
    assert textwrap.dedent(template_source("generic", "a_b")).count("class AB") == 2
