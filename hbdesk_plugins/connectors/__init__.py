"""Connectors: the catalog of exchange connectors and their credential fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterHookspecs, RegisterRoutes, RegisterSettings, hookimpl
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.connectors.catalog import ConnectorCatalog
    from hbdesk_plugins.connectors.manager import ConnectorManager


@hookimpl
def register_hookspecs(register: RegisterHookspecs) -> None:
    from hbdesk_plugins.connectors.providers import ConnectorHooks

    register(ConnectorHooks)


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.connectors.settings import ConnectorsSettings

    register("connectors", ConnectorsSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def catalog(kernel: Kernel) -> ConnectorCatalog:
        from hbdesk_plugins.connectors.catalog import ConnectorCatalog
        from hbdesk_plugins.connectors.hummingbot_specs import load_specs
        from hbdesk_plugins.connectors.settings import ConnectorsSettings

        settings = kernel.settings.section("connectors", ConnectorsSettings)
        data_dir = kernel.settings.core.data_dir
        return ConnectorCatalog(
            kernel, lambda: load_specs(data_dir), settings.timeout, settings.catalog_timeout
        )

    def manager(kernel: Kernel) -> ConnectorManager:
        from hbdesk_plugins.connectors.manager import ConnectorManager
        from hbdesk_plugins.connectors.settings import ConnectorsSettings

        settings = kernel.settings.section("connectors", ConnectorsSettings)
        return ConnectorManager(kernel, settings.timeout, idle_timeout=settings.idle_timeout)

    register(CONNECTORS, catalog)
    # Accounts hold the credentials of trading connectors; data connectors need none.
    register(CONNECTOR_MANAGER, manager, requires=(CONNECTORS,), optional=(ACCOUNTS,))


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.connectors.api import routes

    register(routes)
