"""The plugin system, driven by a third-party plugin installed as pip would install it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hbdesk import cli as cli_module
from hbdesk.plugins import DEFAULT_PLUGINS, HOOK_NAMES, load_plugins
from hbdesk.runtime import create_desk
from tests.helpers import PASSWORD, core_settings
from tests.plugin_install import install_plugin


def example_calls() -> list[str]:
    return sys.modules["hbdesk_example_plugin"].CALLS


def test_builtins_load_through_entry_points() -> None:
    loaded = load_plugins()
    states = {info.name: info.state for info in loaded.infos}
    assert all(states[name] == "enabled" for name in DEFAULT_PLUGINS)
    accounts = next(info for info in loaded.infos if info.name == "accounts")
    assert accounts.distribution == "hbdesk"
    assert {"register_services", "register_routes", "register_screens", "register_commands"} <= set(
        accounts.hooks
    )


def test_a_plugin_that_fails_to_import_is_reported_and_skipped(plugin_site: Path) -> None:
    install_plugin(plugin_site, "broken_plugin", "broken")
    loaded = load_plugins()
    broken = next(info for info in loaded.infos if info.name == "broken")
    assert broken.state == "failed"
    assert "needs a library that is not installed" in (broken.error or "")
    assert all(info.state == "enabled" for info in loaded.infos if info.name in DEFAULT_PLUGINS)


def test_a_misspelt_hook_fails_its_plugin_loudly(plugin_site: Path) -> None:
    install_plugin(plugin_site, "misspelt_plugin", "misspelt")
    loaded = load_plugins()
    misspelt = next(info for info in loaded.infos if info.name == "misspelt")
    assert misspelt.state == "failed"
    assert "register_route" in (misspelt.error or "")
    assert not loaded.manager.is_registered(sys.modules["misspelt_plugin"])


def test_a_setting_disables_a_plugin(
    plugin_site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    monkeypatch.setenv("HBDESK_DISABLED_PLUGINS", "example")
    desk = create_desk(core_settings(tmp_path, disabled_plugins=["example"]))
    example = next(info for info in desk.plugins.infos if info.name == "example")
    assert example.state == "disabled"
    assert "example" not in desk.kernel.registry.specs


def test_every_hook_has_a_test_and_is_listed_by_hbdesk_plugins(plugin_site: Path) -> None:
    """The example plugin implements every hook; each is exercised in this module and listed."""
    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    loaded = load_plugins()
    example = next(info for info in loaded.infos if info.name == "example")
    assert example.state == "enabled"
    assert example.version == "0.3.0"
    assert set(example.hooks) == HOOK_NAMES  # a new hookspec needs the example plugin (and a test)

    result = CliRunner().invoke(cli_module.cli, ["plugins"], obj=loaded)
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("example "))
    assert "0.3.0" in line and "[enabled]" in line
    listed = result.output.split(line, 1)[1].splitlines()[1]
    for hook in HOOK_NAMES:
        assert hook in listed


async def test_hooks_settings_services_startup_and_shutdown(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    monkeypatch.setenv("HBDESK_EXAMPLE__GREETING", "the desk")
    desk = create_desk(core_settings(tmp_path))
    assert desk.kernel.registry.specs["example"].owner == "example"
    await desk.start()
    assert desk.kernel.service("example").greeting() == "hello from the desk"
    await desk.stop()
    await desk.stop()  # a second stop (the desk quits, then unmounts) changes nothing
    assert example_calls() == ["service started", "startup", "shutdown", "service stopped"]


async def test_hook_register_routes_serves_and_documents_the_route(
    plugin_site: Path, tmp_path: Path, aiohttp_client
) -> None:
    import aiohttp

    from hbdesk_plugins.rest_api.app import create_app

    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    desk = create_desk(core_settings(tmp_path))
    client = await aiohttp_client(create_app(desk))
    response = await client.get(
        "/example/ping", headers={"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
    )
    assert response.status == 200
    assert await response.json() == {"message": "hello from example"}
    assert (await client.get("/example/ping")).status == 401
    document = await (await client.get("/openapi.json")).json()
    operation = document["paths"]["/example/ping"]["get"]
    assert operation["tags"] == ["Example"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pong"
    }


async def test_hooks_screens_commands_and_themes_reach_the_desk(plugin_site: Path, tmp_path: Path) -> None:
    from hbdesk.tui.app import DeskApp

    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    app = DeskApp(create_desk(core_settings(tmp_path)), start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "example-theme" in app.available_themes
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "example: Say hello" in titles
        assert "example: Open Example" in titles
        await pilot.press("9")
        await pilot.pause()
        assert app.current_mode == "example"
        assert str(app.screen.query_one("#example-body").render()) == "example screen body"


def test_hook_register_cli_commands_adds_a_subcommand(
    plugin_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    monkeypatch.setattr(sys, "argv", ["hbdesk", "example-hello"])
    runner = CliRunner()
    with runner.isolation() as (out, _err, *_):
        code = cli_module.main(["example-hello"])
        printed = out.getvalue().decode()
    assert code == 0
    assert "hello from the example plugin" in printed
