"""The plugin system, driven by a third-party plugin installed as pip would install it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner

from hbdesk import cli as cli_module
from hbdesk.plugins import (
    DEFAULT_PLUGINS,
    HOOK_NAMES,
    LoadedPlugins,
    PluginInfo,
    call_each,
    declare_plugin_hooks,
    load_plugins,
    new_manager,
    register_plugin,
)
from hbdesk.runtime import create_desk
from hbdesk.sdk import hookimpl
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
    # a new hookspec needs the example plugin (and a test); it adds a hook of its own
    assert set(example.hooks) == HOOK_NAMES | {"example_greeting_words"}

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


async def test_hook_register_home_panels_puts_a_live_panel_on_home(plugin_site: Path, tmp_path: Path) -> None:
    from textual.widgets import Static

    from hbdesk.tui.app import DeskApp
    from tests.desk_support import kernel_running
    from tests.helpers import wait_for

    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    app = DeskApp(create_desk(core_settings(tmp_path)))
    panels = [(panel.owner, panel.name) for panel in app.contributions.home_panels]
    assert panels[0] == ("example", "Example greeting")  # order=5: before the built-ins' panels
    # Alone on home: this test quits as soon as the panel has loaded, before the others would.
    app.contributions.home_panels = app.contributions.home_panels[:1]
    async with app.run_test(size=(80, 24)):
        await kernel_running(app)
        body = app.screen.query_one("#example-panel-body", Static)
        await wait_for(lambda: str(body.render()) == "hello from example")
        assert app.screen.query_one("#home-panel-0").border_title == "Example greeting"


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


# -- hooks through pluggy -------------------------------------------------------------------------


class Early:
    @hookimpl(tryfirst=True)
    def register_themes(self, register: Any) -> str:
        register("early")
        return "early"


class Late:
    @hookimpl(trylast=True)
    def register_themes(self, register: Any) -> str:
        register("late")
        return "late"


class Around:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl(wrapper=True)
    def register_themes(self, register: Any) -> Any:
        self.seen.append("before")
        results = yield
        self.seen.append(f"after {len(results)}")
        return results


def plugins_of(*plugins: tuple[str, object]) -> LoadedPlugins:
    loaded = LoadedPlugins(new_manager(), [])
    for name, plugin in plugins:
        info = PluginInfo(name, name, "1", name, "enabled")
        loaded.infos.append(info)
        register_plugin(loaded, plugin, name, info)
    declare_plugin_hooks(loaded)
    return loaded


def test_hooks_are_called_by_pluggy_with_ordering_wrappers_and_tracing() -> None:
    around = Around()
    loaded = plugins_of(("late", Late()), ("early", Early()), ("around", around))
    traced: list[str] = []
    loaded.manager.trace.root.setwriter(traced.append)
    undo = loaded.manager.enable_tracing()
    order: list[str] = []
    calls = call_each(
        loaded.manager, "register_themes", registrar=lambda _owner: order.append, plugins=loaded
    )
    undo()
    assert calls == [("early", "early"), ("late", "late")]  # tryfirst, then trylast
    assert around.seen == ["before", "after 2"]
    assert any("register_themes" in line for line in traced)
    assert order == ["late", "early"]  # registrations applied in load order


def test_a_plugin_may_declare_hooks_that_others_implement(plugin_site: Path, tmp_path: Path) -> None:
    install_plugin(plugin_site, "hbdesk_example_plugin", "example")
    loaded = load_plugins()

    class Exclaims:
        @hookimpl
        def example_greeting_words(self) -> list[str]:
            return ["and", "welcome"]

    info = PluginInfo("exclaims", "exclaims", "1", "exclaims", "enabled")
    loaded.infos.append(info)
    register_plugin(loaded, Exclaims(), "exclaims", info)
    declare_plugin_hooks(loaded)
    assert info.state == "enabled" and info.hooks == ["example_greeting_words"]
    desk = create_desk(core_settings(tmp_path), plugins=loaded)
    assert ("exclaims", ["and", "welcome"]) in desk.kernel.call_hook("example_greeting_words")


def test_a_hook_nobody_declares_fails_only_its_plugin() -> None:
    class Typo:
        @hookimpl
        def register_route(self, kernel: Any, register: Any) -> None: ...

    loaded = plugins_of(("early", Early()), ("typo", Typo()))
    states = {info.name: (info.state, info.error) for info in loaded.infos}
    assert states["early"] == ("enabled", None)
    assert states["typo"][0] == "failed" and "register_route" in (states["typo"][1] or "")
    assert loaded.manager.get_plugin("typo") is None


# -- isolation: a clash fails the plugin that brought it --------------------------------------------


class Squatter:
    """Claims what built-in plugins hold."""

    def __init__(self, what: str) -> None:
        self.what = what

    @hookimpl
    def register_settings(self, register: Any) -> None:
        from hbdesk.sdk import PluginSettings

        if self.what == "settings":
            register("market_data", PluginSettings)

    @hookimpl
    def register_services(self, kernel: Any, register: Any) -> None:
        register("squatter_service", lambda _kernel: object())
        if self.what == "service":
            register("accounts", lambda _kernel: object())

    @hookimpl
    def register_routes(self, kernel: Any, register: Any) -> None:
        from hbdesk.sdk import RouteTable

        routes = RouteTable()
        if self.what == "route":

            @routes.get("/accounts/")
            async def list_accounts(call: Any) -> list[str]:
                return ["mine"]

        if self.what == "operation":

            @routes.get("/market-data/settings")
            async def get_market_data_settings(call: Any) -> dict[str, str]:
                return {}

        if self.what == "crash":
            raise RuntimeError("the squatter's routes are broken")
        register(routes)


@pytest.mark.parametrize(
    ("what", "reason"),
    [
        ("settings", "settings section 'market_data' of plugin 'squatter' is already registered"),
        ("service", "service 'accounts' of plugin 'squatter' is already registered"),
        ("route", "route GET /accounts/ is already registered by plugin 'accounts'"),
        ("operation", "is already registered by plugin 'market_data'"),
        ("crash", "register_routes failed: RuntimeError: the squatter's routes are broken"),
    ],
)
async def test_a_clashing_plugin_is_left_out_and_the_server_starts(
    tmp_path: Path, aiohttp_client: Any, what: str, reason: str
) -> None:
    from hbdesk_plugins.rest_api.app import create_app

    loaded = load_plugins()
    info = PluginInfo("squatter", "squatter", "1", "squatter", "enabled")
    loaded.infos.append(info)
    register_plugin(loaded, Squatter(what), "squatter", info)
    declare_plugin_hooks(loaded)
    desk = create_desk(core_settings(tmp_path), plugins=loaded)
    client = await aiohttp_client(create_app(desk))
    assert info.state == "failed" and reason in (info.error or ""), info.error
    assert "squatter_service" not in desk.kernel.registry.specs
    auth = {"Authorization": aiohttp.encode_basic_auth("admin", PASSWORD)}
    answer = await client.get("/accounts/", headers=auth)
    assert await answer.json() == ["master_account"]
    result = CliRunner().invoke(cli_module.cli, ["plugins"], obj=loaded)
    assert "squatter  1  [failed]" in result.output and reason in result.output


def test_operation_ids_are_unique_and_stable(tmp_path: Path) -> None:
    from hbdesk_plugins.rest_api.app import collect_routes

    routes = [r for r in collect_routes(create_desk(core_settings(tmp_path))) if hasattr(r, "method")]
    ids = [route.operation_id for route in routes]
    assert len(ids) == len(set(ids))
    by_path = {(route.method, route.path): route.operation_id for route in routes}
    # As the Hummingbot API's own document names them.
    assert by_path[("GET", "/accounts/")] == "list_accounts_accounts__get"
    assert by_path[("POST", "/market-data/rates")] != by_path[("POST", "/rate-oracle/rates")]


def test_the_plugin_docs_name_every_hook_with_its_arguments() -> None:
    """docs/plugins.md is the contract's reference: each hook, as it is called."""
    import inspect

    from hbdesk import hookspecs

    text = (Path(__file__).parents[2] / "docs" / "plugins.md").read_text()
    for name in HOOK_NAMES:
        arguments = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        assert f"`{name}({arguments})`" in text, name
