"""Portfolio: every account's balances on every connector, their value and their history."""

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
from hbdesk_plugins.portfolio.public import PORTFOLIO
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE

if TYPE_CHECKING:
    from textual.widget import Widget

    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.portfolio.service import PortfolioService
    from hbdesk_plugins.portfolio.tui import PortfolioScreen

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.portfolio.settings import PortfolioSettings

    register("portfolio", PortfolioSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def portfolio(kernel: Kernel) -> PortfolioService:
        from hbdesk_plugins.portfolio.service import PortfolioService

        return PortfolioService(kernel)

    register(
        PORTFOLIO,
        portfolio,
        requires=(ACCOUNTS, CONNECTORS, CONNECTOR_MANAGER, RATE_ORACLE),
        migrations=MIGRATIONS,
    )


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.portfolio.api import routes

    register(routes)


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> PortfolioScreen:
        from hbdesk_plugins.portfolio.tui import PortfolioScreen

        return PortfolioScreen()

    register("portfolio", screen, title="Portfolio", key="p")


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    register(
        "portfolio: Refresh balances",
        screen_action(app, "portfolio", "refresh"),
        help="Read every account's balances from its exchanges now",
    )


@hookimpl
def register_home_panels(app: DeskApp, register: RegisterHomePanel) -> None:
    def portfolio_value() -> Widget:
        from hbdesk_plugins.portfolio.panels import PortfolioValuePanel

        return PortfolioValuePanel()

    register("Portfolio", portfolio_value, order=10)
