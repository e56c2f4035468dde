"""Backtesting: controllers run on past candles in worker processes, by hbdesk's vectorised engine
(or hummingbot's own, for controllers it does not vectorise); tasks and results kept in the
database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterRoutes, RegisterSettings, hookimpl
from hbdesk_plugins.backtesting.public import BACKTESTING
from hbdesk_plugins.connectors.public import CONNECTORS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.backtesting.service import BacktestingService

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.backtesting.settings import BacktestingSettings

    register("backtesting", BacktestingSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def service(kernel: Kernel) -> BacktestingService:
        from hbdesk_plugins.backtesting.service import BacktestingService

        return BacktestingService(kernel)

    register(BACKTESTING, service, requires=(CONNECTORS,), migrations=MIGRATIONS)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.backtesting.api import routes

    register(routes)
