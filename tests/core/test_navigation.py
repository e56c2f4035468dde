"""Getting around the desk by keyboard: the leader key, the screen list, clashing plugins, the footer."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk.tui.navigation import GoToPanel, ScreenList
from tests.desk_support import install_source_plugin
from tests.helpers import core_settings, wait_for

SCREEN = """
    from typing import Any

    from hbdesk.hookspecs import hookimpl


    def screen() -> Any:
        from textual.widgets import Static

        from hbdesk.tui.screen import DeskScreen

        class PluginScreen(DeskScreen):
            def compose_body(self):
                yield Static("{name} body", id="plugin-body")

        return PluginScreen()

"""

# Loaded after the built-ins (third-party plugins follow them, by name): "alerts", then "rival".
ALERTS = (
    SCREEN.format(name="alerts")
    + """
    @hookimpl
    def register_screens(app: Any, register: Any) -> None:
        register("alerts", screen, title="Alerts", key="m")  # the market holds m
"""
)
RIVAL = (
    SCREEN.format(name="rival")
    + """
    @hookimpl
    def register_screens(app: Any, register: Any) -> None:
        register("rivals", screen, title="Rivals", key="v")
        register("market", screen, title="Not the market", key="n")  # the market's mode
"""
)


@pytest.fixture
def desk_app(tmp_path: Path) -> DeskApp:
    return DeskApp(create_desk(core_settings(tmp_path / "desk")), start_kernel=False)


async def go(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def test_the_leader_key_then_a_screens_letter_switches_to_it(desk_app: DeskApp) -> None:
    app = desk_app
    async with app.run_test(size=(80, 24)) as pilot:
        letters = {spec.mode: spec.key for spec in app.contributions.screens}
        assert letters == {
            "home": "h",
            "accounts": "a",
            "backtesting": "b",
            "controllers": "c",
            "docker": "d",
            "executors": "e",
            "market": "m",
            "portfolio": "p",
            "trading": "t",
        }
        await go(pilot, "g")
        assert isinstance(app.screen, GoToPanel)
        await go(pilot, "escape")
        assert app.current_mode == "home" and not isinstance(app.screen, GoToPanel)
        for mode in ("accounts", "docker", "market", "portfolio", "trading", "home"):
            await go(pilot, "g", letters[mode])
            await wait_for(lambda mode=mode: app.current_mode == mode)
        await go(pilot, "g", "a")
        await wait_for(lambda: app.current_mode == "accounts")
        # The letter goes to the leader, never to the screen below: "a" there adds an account.
        await go(pilot, "g", "a")
        assert type(app.screen).__name__ == "AccountsScreen"
        await go(pilot, "g", "x")  # no screen's letter: the panel closes, nothing else happens
        assert app.current_mode == "accounts" and type(app.screen).__name__ == "AccountsScreen"
        await go(pilot, "1")  # the digits the first screens had still work
        assert app.current_mode == "home"


async def test_the_screen_list_filters_as_you_type_and_enter_opens(desk_app: DeskApp) -> None:
    app = desk_app
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "ctrl+o")
        assert isinstance(app.screen, ScreenList)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts == [
            "g h  Home",
            "g a  Accounts",
            "g b  Backtesting",
            "g c  Controllers",
            "g d  Docker",
            "g e  Executors",
            "g m  Market",
            "g p  Portfolio",
            "g t  Trading",
        ]
        await go(pilot, *"mrkt")
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == [
            "g m  Market"
        ]
        await go(pilot, "enter")
        await wait_for(lambda: app.current_mode == "market")
        await go(pilot, "ctrl+o", *"zzz", "enter")
        assert isinstance(app.screen, ScreenList)  # nothing matches: enter does nothing
        await go(pilot, "escape")
        assert app.current_mode == "market" and not isinstance(app.screen, ScreenList)
        await go(pilot, "g", "ctrl+o")  # from the leader's panel too
        assert isinstance(app.screen, ScreenList)


async def test_a_plugin_claiming_a_held_key_or_mode_does_not_crash_the_desk(
    plugin_site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A key another screen holds: the screen goes without one. A mode another plugin holds: that
    plugin is left out whole, reported as failed; the desk opens without it."""
    install_source_plugin(plugin_site, "hbdesk_example_alerts_plugin", "alerts", ALERTS)
    install_source_plugin(plugin_site, "hbdesk_example_rival_plugin", "rival", RIVAL)
    with caplog.at_level(logging.WARNING):
        desk = create_desk(core_settings(tmp_path / "desk"))
        app = DeskApp(desk, start_kernel=False)
    specs = {spec.mode: spec for spec in app.contributions.screens}
    assert (specs["market"].owner, specs["market"].key) == ("market_data", "m")
    assert (specs["alerts"].owner, specs["alerts"].title, specs["alerts"].key) == ("alerts", "Alerts", None)
    assert "rivals" not in specs  # the rival plugin is out, with every screen it brought
    states = {info.name: (info.state, info.error) for info in desk.plugins.infos}
    assert states["alerts"] == ("enabled", None)
    assert states["rival"][0] == "failed"
    assert "screen 'market' is already registered by plugin 'market_data'" in (states["rival"][1] or "")
    warnings = [record.getMessage() for record in caplog.records]
    assert any("alerts" in w and "market_data" in w and "'m'" in w for w in warnings)
    assert any("rival" in w and "'market'" in w for w in warnings)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "g", "m")
        await wait_for(lambda: app.current_mode == "market")
        assert type(app.screen).__name__ == "MarketScreen"
        # The screen that lost its key is still in the list and the palette.
        await go(pilot, "ctrl+o", *"alerts", "enter")
        await wait_for(lambda: app.current_mode == "alerts")
        assert str(app.screen.query_one("#plugin-body").render()) == "alerts body"
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"alerts: Open Alerts", "market: Open Market"} <= set(titles)
        assert "rivals: Open Rivals" not in titles


@pytest.mark.parametrize(
    "keys", [(), ("2",), ("3",), ("g", "t")], ids=["home", "accounts", "market", "trading"]
)
async def test_the_footer_at_80x24_shows_the_switcher_key(desk_app: DeskApp, keys: tuple[str, ...]) -> None:
    app = desk_app
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, *keys)
        await pilot.pause()
        footer_keys = list(app.screen.query(FooterKey))
        switcher = next(key for key in footer_keys if key.key == "g")
        assert switcher.description == "Go to"
        palette = next(key for key in footer_keys if key.has_class("-command-palette"))
        assert switcher.region.width and switcher.region.right <= palette.region.x  # wholly in sight
        assert not {"1", "2", "3"} & {key.key for key in footer_keys}  # not one key per screen
