"""Trading: orders placed, followed and recorded on any connector, positions and funding."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterRoutes, RegisterSettings, hookimpl
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.trading.service import TradingService

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.trading.settings import TradingSettings

    register("trading", TradingSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def trading(kernel: Kernel) -> TradingService:
        from hbdesk_plugins.trading.service import TradingService

        return TradingService(kernel)

    register(TRADING, trading, requires=(ACCOUNTS, CONNECTORS, CONNECTOR_MANAGER), migrations=MIGRATIONS)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.trading.api import routes

    register(routes)
