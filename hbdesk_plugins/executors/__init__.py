"""Executors: hummingbot's strategy_v2 executors, validated, recorded, run and resumed after a
restart; their types come through this plugin's own hook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import (
    RegisterCommand,
    RegisterHomePanel,
    RegisterHookspecs,
    RegisterRoutes,
    RegisterScreen,
    RegisterSettings,
    hookimpl,
)
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.executors.public import EXECUTORS
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.widget import Widget

    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.executors.public import RegisterExecutorType
    from hbdesk_plugins.executors.service import ExecutorService
    from hbdesk_plugins.executors.tui import ExecutorsScreen

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


# -- the desk ------------------------------------------------------------------------------------


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> ExecutorsScreen:
        from hbdesk_plugins.executors.tui import ExecutorsScreen

        return ExecutorsScreen()

    register("executors", screen, title="Executors", key="e")


@hookimpl
def register_home_panels(app: DeskApp, register: RegisterHomePanel) -> None:
    def executors() -> Widget:
        from hbdesk_plugins.executors.panels import ExecutorsPanel

        return ExecutorsPanel()

    register("Executors", executors, order=50)


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    def open_and(action: str) -> Callable[[], None]:
        return screen_action(app, "executors", action)

    register("executors: New executor", open_and("create"), help="Pick a type, fill in its config (n)")
    register("executors: Held positions", open_and("tab('holds')"), help="Positions executors kept (h)")
    register(
        "executors: Logs of the highlighted executor",
        open_and("details"),
        help="Its config, info and log lines (l)",
    )
