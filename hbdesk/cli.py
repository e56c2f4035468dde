"""The ``hbdesk`` command: the desk by default, ``serve``, ``plugins``, and plugin commands."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from hbdesk import __version__
from hbdesk.kernel.files import PRIVATE_UMASK
from hbdesk.plugins import LoadedPlugins, call_each, load_plugins
from hbdesk.settings import CoreSettings


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="hbdesk")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """hbdesk: a trading desk for the Hummingbot ecosystem, in the terminal."""
    if ctx.invoked_subcommand is None:
        ctx.exit(run_desk(ctx.obj))


def run_desk(plugins: LoadedPlugins | None) -> int:
    from hbdesk.kernel.errors import HbdeskError
    from hbdesk.runtime import create_desk
    from hbdesk.tui.app import DeskApp

    desk = create_desk(plugins=plugins)
    log_to_file(desk.kernel.settings.core.data_dir / "logs" / "desk.log")
    app = DeskApp(desk)
    app.run()
    if isinstance(app.fatal_error, HbdeskError):
        click.echo(f"hbdesk: {app.fatal_error.detail}", err=True)
    return app.return_code or 0


def log_to_file(path: Path) -> None:
    """The desk owns the terminal, so its logs (and hummingbot's) go to a file."""
    import logging

    from hbdesk.kernel.files import private_dir, private_file

    private_dir(path.parent)
    handler = logging.FileHandler(private_file(path))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


@cli.command("plugins")
@click.pass_obj
def plugins_command(plugins: LoadedPlugins) -> None:
    """List plugins with their version, hooks and state."""
    for info in plugins.infos:
        click.echo(f"{info.name}  {info.version}  [{info.state}]  ({info.distribution}: {info.module})")
        click.echo(f"    hooks: {', '.join(info.hooks) if info.hooks else '-'}")
        if info.error:
            click.echo(f"    error: {info.error}")


def main(argv: list[str] | None = None) -> int:
    # Start-up allocates many long-lived objects (pydantic models, textual, plugins): the cyclic
    # collector would sweep them again and again for nothing. It is back on once the desk has
    # drawn its first frame or the server runs (see hbdesk.tui.app and the rest_api plugin).
    gc.disable()
    os.umask(PRIVATE_UMASK)  # state, logs and hummingbot's files: readable by their owner only
    core = CoreSettings()
    plugins = load_plugins(core.disabled_plugins)
    call_each(plugins.manager, "register_cli_commands", cli=cli)
    try:
        cli.main(args=argv, prog_name="hbdesk", obj=plugins, standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
