"""The REST front door: the documented Hummingbot API over the shared kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterRoutes, RegisterSettings, hookimpl

if TYPE_CHECKING:
    import click

    from hbdesk.sdk import Kernel


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.rest_api.settings import RestApiSettings

    register("rest_api", RestApiSettings)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.rest_api.root import routes

    register(routes)


@hookimpl
def register_cli_commands(cli: click.Group) -> None:
    import click

    @cli.command()
    @click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
    @click.option("--port", type=int, default=None, help="Port to listen on (default 8000).")
    def serve(host: str | None, port: int | None) -> None:
        """Serve the Hummingbot API over HTTP (headless)."""
        from hbdesk_plugins.rest_api.serve import serve as run

        raise SystemExit(run(host, port))
