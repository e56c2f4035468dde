"""Trading: orders placed, followed and recorded on any connector, positions and funding."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import (
    RegisterCommand,
    RegisterHomePanel,
    RegisterRoutes,
    RegisterScreen,
    RegisterSettings,
    hookimpl,
)
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.widget import Widget

    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.trading.service import TradingService
    from hbdesk_plugins.trading.tui import TradingScreen

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


# -- the desk ------------------------------------------------------------------------------------


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> TradingScreen:
        from hbdesk_plugins.trading.tui import TradingScreen

        return TradingScreen()

    register("trading", screen, title="Trading", key="t")


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    def open_and(action: str) -> Callable[[], None]:
        return screen_action(app, "trading", action)

    register("trading: Buy", open_and("side('BUY')"), help="A buy on the order ticket (b)")
    register("trading: Sell", open_and("side('SELL')"), help="A sell on the order ticket (s)")
    register(
        "trading: Pick a trading pair", open_and("pick_pair"), help="The ticket's connector and pair (p)"
    )
    register(
        "trading: Pick an account", open_and("pick_account"), help="The account the ticket trades for (a)"
    )
    register(
        "trading: Cancel all open orders", open_and("cancel_all"), help="The kill switch, asked first (K)"
    )
    register("trading: Set leverage", open_and("leverage"), help="On a perpetual pair (l)")


@hookimpl
def register_home_panels(app: DeskApp, register: RegisterHomePanel) -> None:
    def open_orders() -> Widget:
        from hbdesk_plugins.trading.panels import OpenOrdersPanel

        return OpenOrdersPanel()

    def positions() -> Widget:
        from hbdesk_plugins.trading.panels import PositionsPanel

        return PositionsPanel()

    register("Open orders", open_orders, order=20)
    register("Positions", positions, order=40)
