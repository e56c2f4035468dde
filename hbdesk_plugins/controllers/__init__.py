"""Controllers: hummingbot strategy_v2 controller sources, their configs and templates, the configs
of each bot instance, and the controllers shipped with hbdesk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterRoutes, RegisterSettings, hookimpl
from hbdesk_plugins.controllers.public import CONTROLLERS

if TYPE_CHECKING:
    import click

    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.controllers.service import ControllersService


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.controllers.settings import ControllersSettings

    register("controllers", ControllersSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def service(kernel: Kernel) -> ControllersService:
        from hbdesk_plugins.controllers.service import ControllersService

        return ControllersService(kernel)

    register(CONTROLLERS, service)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.controllers.api import routes

    register(routes)


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
