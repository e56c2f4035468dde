"""The desk itself: first frame before the kernel, modes, palette, themes remembered."""

from __future__ import annotations

from pathlib import Path

from hbdesk.tui.app import DEFAULT_THEME
from tests.desk_support import kernel_running
from tests.helpers import wait_for


async def test_the_first_frame_does_not_wait_for_the_kernel(make_app) -> None:
    app = make_app()
    app.start_kernel = False  # the kernel never starts: the desk must still draw
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one("#desk-header").render())
        assert "kernel: stopped" in header
        assert app.current_mode == "home"
        await pilot.press("2")
        await pilot.pause()
        assert "Starting the kernel" in str(app.screen.query_one("#credential-detail").render())


async def test_screens_switch_by_key_and_from_the_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"accounts: Open Accounts", "accounts: Add account", "accounts: Add credential"} <= set(titles)
        await pilot.press("2")
        await wait_for(lambda: app.current_mode == "accounts")
        await pilot.press("1")
        await wait_for(lambda: app.current_mode == "home")
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "accounts: Add account")
        command.callback()
        await wait_for(lambda: type(app.screen).__name__ == "FormModal")


async def test_the_command_palette_lists_plugin_commands(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await kernel_running(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"accounts: add")
        await pilot.pause(0.5)
        options = app.screen.query_one("CommandList")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Add account" in p for p in prompts), prompts


async def test_the_chosen_theme_is_remembered(make_app, tmp_path: Path) -> None:
    data = tmp_path / "themes"
    first = make_app(data_dir=data)
    async with first.run_test(size=(80, 24)) as pilot:
        assert first.theme == DEFAULT_THEME
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert first.theme == "hbdesk-light"
    second = make_app(data_dir=data)
    async with second.run_test(size=(80, 24)):
        assert second.theme == "hbdesk-light"
    assert {"hbdesk-dark", "hbdesk-light"} <= set(second.available_themes)


async def test_quitting_stops_the_kernel(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        await pilot.press("ctrl+q")
    assert str(app.kernel.state) == "stopped"


async def test_a_wrong_config_password_closes_the_desk_with_a_reason(tmp_path: Path) -> None:
    from hbdesk.kernel.errors import ConfigPasswordError
    from hbdesk.runtime import create_desk
    from hbdesk.tui.app import DeskApp
    from tests.helpers import core_settings

    data = tmp_path / "secrets"
    first = create_desk(core_settings(data))
    await first.start()
    await first.stop()
    app = DeskApp(create_desk(core_settings(data, config_password="not-the-one")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: app.fatal_error is not None)
        await pilot.pause()
    assert isinstance(app.fatal_error, ConfigPasswordError)
    assert app.return_code == 2
