"""Connectors: the catalog of exchange connectors and their credential fields."""

from __future__ import annotations

from typing import Any

from hbdesk.hookspecs import hookimpl


@hookimpl
def register_settings(register: Any) -> None:
    from hbdesk_plugins.connectors.settings import ConnectorsSettings

    register("connectors", ConnectorsSettings)


@hookimpl
def register_services(kernel: Any, register: Any) -> None:
    def catalog(kernel: Any) -> Any:
        from hbdesk_plugins.connectors.catalog import ConnectorCatalog
        from hbdesk_plugins.connectors.hummingbot_specs import load_specs

        settings = kernel.settings.section("connectors")
        data_dir = kernel.settings.core.data_dir
        return ConnectorCatalog(
            kernel, lambda: load_specs(data_dir), settings.timeout, settings.catalog_timeout
        )

    def manager(kernel: Any) -> Any:
        from hbdesk_plugins.connectors.manager import ConnectorManager

        return ConnectorManager(kernel, kernel.settings.section("connectors").timeout)

    register("connectors", catalog)
    register("connector_manager", manager, requires=("connectors",))


@hookimpl
def register_routes(kernel: Any, register: Any) -> None:
    from hbdesk_plugins.connectors.api import routes

    register(routes)
