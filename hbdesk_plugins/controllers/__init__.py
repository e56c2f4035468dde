"""Controllers: hummingbot strategy_v2 controller sources, their configs and templates, the configs
of each bot instance, and the controllers shipped with hbdesk."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterCommand, RegisterRoutes, RegisterScreen, RegisterSettings, hookimpl
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER
from hbdesk_plugins.controllers.public import CONTROLLERS
from hbdesk_plugins.executors.public import EXECUTORS
from hbdesk_plugins.market_data.public import MARKET_DATA
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from collections.abc import Callable

    import click

    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.controllers.service import ControllersService
    from hbdesk_plugins.controllers.tui import ControllersScreen

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.controllers.settings import ControllersSettings

    register("controllers", ControllersSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def service(kernel: Kernel) -> ControllersService:
        from hbdesk_plugins.controllers.service import ControllersService

        return ControllersService(kernel)

    # What runs controllers live; without them the files and templates still work.
    register(
        CONTROLLERS,
        service,
        migrations=MIGRATIONS,
        optional=(EXECUTORS, TRADING, MARKET_DATA, CONNECTOR_MANAGER),
    )


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.controllers.api import routes

    register(routes)


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> ControllersScreen:
        from hbdesk_plugins.controllers.tui import ControllersScreen

        return ControllersScreen()

    register("controllers", screen, title="Controllers", key="c")


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    def open_and(action: str) -> Callable[[], None]:
        return screen_action(app, "controllers", action)

    register("controllers: New source", open_and("new"), help="A controller or script from a template (n)")
    register("controllers: New config", open_and("new_config"), help="A controller's config, as a form (c)")
    register("controllers: Run a saved config", open_and("run"), help="Run a controller live (r)")
    register("controllers: Live list", open_and("tab('live')"), help="Controllers run live, on the desk (l)")

    def live_controllers() -> None:
        service = app.kernel.optional_service(CONTROLLERS) if app.kernel is not None else None
        if service is None:
            app.notify("The desk has not started yet.", severity="warning")
            return
        views = service.live_views()
        lines = [
            f"{v['controller_id']} ({v['controller_name']}): {v['status']}, "
            f"{v['executors_active']}/{v['executors_total']} executors active, "
            f"PnL {v['net_pnl_quote']:+.4f}" + (f" — {v['reason']}" if v["status"] == "FAILED" else "")
            for v in views
        ]
        app.notify("\n".join(lines) or "No controller runs live (POST /controllers/live starts one).")

    register(
        "controllers: Live controllers",
        live_controllers,
        help="The controllers run live: status, executors, PnL",
    )


@hookimpl
def register_cli_commands(cli: click.Group) -> None:
    import click

    @cli.group(name="controllers")
    def controllers_group() -> None:
        """Controllers and scripts in the data dir."""

    @controllers_group.command(name="import-bundled")
    @click.argument("source", type=click.Path(exists=True, dir_okay=True, file_okay=True))
    @click.option("--overwrite", is_flag=True, help="Replace files of the same name already in the data dir.")
    def import_bundled(source: str, overwrite: bool) -> None:
        """Copy hummingbot's own controllers and scripts into the data dir.

        SOURCE is a checkout of hummingbot's repository or an archive of it (.tar.gz, .zip): its
        top-level controllers/<type>/*.py and scripts/*.py are copied to the data dir's
        bots/controllers/ and bots/scripts/ folders, where hbdesk lists them as the user's own.
        (hummingbot's PyPI packages do not carry those folders.)
        """
        from pathlib import Path

        from hbdesk.sdk import CoreSettings
        from hbdesk_plugins.controllers.bundled import import_bundled as run

        report = run(Path(source), CoreSettings().data_dir / "bots", overwrite=overwrite)
        for line in report.lines():
            click.echo(line)
        if not report.copied and not report.kept:
            raise SystemExit(1)
