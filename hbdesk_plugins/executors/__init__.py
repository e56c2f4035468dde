"""Executors: hummingbot's strategy_v2 executors, validated, recorded, run and resumed after a
restart; their types come through this plugin's own hook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterHookspecs, RegisterRoutes, RegisterSettings, hookimpl
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.executors.public import EXECUTORS
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.executors.public import RegisterExecutorType
    from hbdesk_plugins.executors.service import ExecutorService

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def register_hookspecs(register: RegisterHookspecs) -> None:
    from hbdesk_plugins.executors.kinds import ExecutorHooks

    register(ExecutorHooks)


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.executors.settings import ExecutorsSettings

    register("executors", ExecutorsSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def service(kernel: Kernel) -> ExecutorService:
        from hbdesk_plugins.executors.service import ExecutorService

        return ExecutorService(kernel)

    register(
        EXECUTORS,
        service,
        requires=(ACCOUNTS, CONNECTORS, CONNECTOR_MANAGER, TRADING),
        migrations=MIGRATIONS,
        optional=(RATE_ORACLE,),  # hummingbot's RateOracle is set up before executors resume
    )


@hookimpl
def register_executor_types(kernel: Kernel, register: RegisterExecutorType) -> None:
    from hbdesk_plugins.executors.kinds import register_builtin_types

    register_builtin_types(register)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.executors.api import routes

    register(routes)
