"""The home screen: the plugins' summary panels, or the list of screens when no plugin brings one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.widgets import Static

from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk.tui.contributions import HomePanelSpec
from hbdesk.tui.home import KeyLine
from hbdesk.tui.panel import DeskPanel
from tests.desk_support import install_source_plugin, kernel_running
from tests.helpers import core_settings, wait_for

# Every built-in plugin that registers a home panel; with them off, home has none (the kernel is
# not started with them off: other plugins need their services).
PANEL_PLUGINS = ["trading", "market_data", "portfolio", "executors"]

PANELS = """
    from typing import Any

    from hbdesk.hookspecs import hookimpl

    BUILT: list[str] = []


    def panel(text: str) -> Any:
        def build() -> Any:
            from textual.widgets import Static

            BUILT.append(text)
            return Static(text, classes="{name}-panel")

        return build


    def broken() -> Any:
        raise RuntimeError("no panel today")


    @hookimpl
    def register_home_panels(app: Any, register: Any) -> None:
        register("Later", panel("later"), order=90)
        register("Sooner", panel("sooner"), order=1)
        register("Broken", broken, order=50)
"""
RIVAL = """
    from typing import Any

    from hbdesk.hookspecs import hookimpl


    @hookimpl
    def register_home_panels(app: Any, register: Any) -> None:
        register("Sooner", lambda: None)  # a name the panels plugin holds
"""


def desk_app(tmp_path: Path, disabled: list[str], start_kernel: bool = True) -> DeskApp:
    desk = create_desk(core_settings(tmp_path / "desk", disabled_plugins=disabled))
    return DeskApp(desk, start_kernel=start_kernel)


async def test_without_panels_home_lists_the_screens_as_before(tmp_path: Path) -> None:
    app = desk_app(tmp_path, PANEL_PLUGINS, start_kernel=False)
    assert app.contributions.home_panels == []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listed = str(app.screen.query_one("#home-screens", Static).render())
        assert "g a  Accounts" in listed and "g h  Home" in listed
        assert "Welcome to hbdesk" in str(app.screen.query_one(".title", Static).render())
        assert not app.screen.query(".home-panel")


def test_home_without_panels_snapshot(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(desk_app(tmp_path, PANEL_PLUGINS, start_kernel=False), terminal_size=(80, 24))


async def test_panels_come_in_their_order_and_a_broken_one_says_why(
    plugin_site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    install_source_plugin(plugin_site, "hbdesk_example_panels_plugin", "panels", PANELS.format(name="p"))
    install_source_plugin(plugin_site, "hbdesk_example_rival_plugin", "rival", RIVAL)
    with caplog.at_level(logging.WARNING):
        app = desk_app(tmp_path, PANEL_PLUGINS, start_kernel=False)
    names = [(panel.owner, panel.name) for panel in app.contributions.home_panels]
    assert names == [("panels", "Sooner"), ("panels", "Broken"), ("panels", "Later")]
    assert ("rival", "home panel 'Sooner' is already registered by plugin 'panels': it is refused") in (
        app.contributions.problems
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panes = list(app.screen.query(".home-panel"))
        assert [pane.border_title for pane in panes] == ["Sooner", "Broken", "Later"]
        assert "RuntimeError: no panel today" in str(panes[1].query_one(Static).render())
        assert str(panes[2].query_one(Static).render()) == "later"
        assert panes[2].styles.column_span == 2  # the odd last panel takes the whole row
        keys = str(app.screen.query_one(KeyLine).render())
        assert "g a  Accounts" in keys and "ctrl+o  screens" in keys and "g h" not in keys
    assert any("'Broken' of plugin panels" in record.getMessage() for record in caplog.records)


def test_the_keys_line_wraps_between_entries() -> None:
    from hbdesk.tui.columns import key_entry

    line = KeyLine([key_entry("g a", "Accounts"), key_entry("g m", "Market"), key_entry("ctrl+o", "screens")])
    assert [str(text) for text in line.lines(30)] == ["g a  Accounts  g m  Market", "ctrl+o  screens"]
    assert [str(text) for text in line.lines(10)] == ["g a  Accounts", "g m  Market", "ctrl+o  screens"]


async def test_a_panel_loads_once_the_kernel_runs_and_only_while_home_is_shown(tmp_path: Path) -> None:
    loads: list[str] = []

    class Counting(DeskPanel):
        async def update_panel(self) -> None:
            loads.append(str(self.kernel.state))
            self.show_message(f"loaded {len(loads)}")

    app = desk_app(tmp_path, [])
    app.contributions.home_panels = [HomePanelSpec("test", "Counting", Counting)]  # alone on home
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen.query_one(Counting)
        await kernel_running(app)
        await wait_for(lambda: loads == ["running"])  # nothing before the kernel ran
        await pilot.press("2")
        await wait_for(lambda: app.current_mode == "accounts")
        panel.reload()  # as its timer would: home is not shown, so nothing is fetched
        await pilot.pause()
        assert loads == ["running"]
        await pilot.press("1")  # back home: the panels catch up at once
        await wait_for(lambda: len(loads) == 2)
        assert "loaded 2" in str(panel.query_one(".panel--message", Static).render())
