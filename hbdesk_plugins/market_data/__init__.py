"""Market data: candles, order books and their queries, prices, funding, feeds that stop when idle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import (
    RegisterCommand,
    RegisterHomePanel,
    RegisterRoutes,
    RegisterScreen,
    RegisterSettings,
    hookimpl,
)
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.market_data.public import MARKET_DATA, MARKET_TICKERS
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.widget import Widget

    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.market_data.service import MarketDataService
    from hbdesk_plugins.market_data.tickers import TickerPool
    from hbdesk_plugins.market_data.tui import MarketScreen


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.market_data.settings import MarketDataSettings

    register("market_data", MarketDataSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def market_data(kernel: Kernel) -> MarketDataService:
        from hbdesk_plugins.market_data.service import MarketDataService

        return MarketDataService(kernel)

    def tickers(kernel: Kernel) -> TickerPool:
        from hbdesk_plugins.market_data.tickers import TickerPool

        return TickerPool(kernel)

    register(MARKET_DATA, market_data, requires=(CONNECTORS, CONNECTOR_MANAGER))
    # The rate oracle lends hummingbot's rate sources (a real exchange's tickers) and the quote token.
    register(MARKET_TICKERS, tickers, requires=(CONNECTORS,), optional=(RATE_ORACLE,))


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.market_data.api import routes

    register(routes)


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> MarketScreen:
        from hbdesk_plugins.market_data.tui import MarketScreen

        return MarketScreen()

    register("market", screen, title="Market", key="3")


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    def open_and(action: str) -> Callable[[], None]:
        return screen_action(app, "market", action)

    register("market: Pick a trading pair", open_and("pick_pair"), help="Fuzzy-search a connector and pair")
    register("market: Next candle interval", open_and("interval(1)"), help="1s, 1m, 3m … 1d")
    register("market: Follow the newest candles", open_and("follow"), help="Undo panning (end)")


@hookimpl
def register_home_panels(app: DeskApp, register: RegisterHomePanel) -> None:
    def tickers() -> Widget:
        from hbdesk_plugins.market_data.panels import TickersPanel

        return TickersPanel()

    register("Tickers", tickers, order=30)
