"""Backtesting: controllers run on past candles in worker processes, by hbdesk's vectorised engine
(or hummingbot's own, for controllers it does not vectorise); tasks and results kept in the
database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterCommand, RegisterRoutes, RegisterScreen, RegisterSettings, hookimpl
from hbdesk_plugins.backtesting.public import BACKTESTING
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.controllers.public import CONTROLLERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.backtesting.service import BacktestingService
    from hbdesk_plugins.backtesting.tui import BacktestingScreen

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

    # The controllers plugin resolves configs (user controllers, saved configs); without it, the
    # shipped controllers are backtested by name. Optional, so switching it off leaves the server
    # starting (a required service no plugin provides stops the kernel).
    register(BACKTESTING, service, requires=(CONNECTORS,), optional=(CONTROLLERS,), migrations=MIGRATIONS)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.backtesting.api import routes

    register(routes)


# -- the desk ------------------------------------------------------------------------------------


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> BacktestingScreen:
        from hbdesk_plugins.backtesting.tui import BacktestingScreen

        return BacktestingScreen()

    register("backtesting", screen, title="Backtesting", key="b")


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    def open_and(action: str) -> Callable[[], None]:
        return screen_action(app, "backtesting", action)

    register("backtesting: New backtest", open_and("new"), help="A controller, its config, a range (n)")
    register("backtesting: Tasks", open_and("tab('tasks')"), help="Backtests with their progress (t)")
    register(
        "backtesting: Compare the two marked", open_and("compare"), help="Figures and equity side by side (c)"
    )
