"""Market data: candles, order books and their queries, prices, funding, feeds that stop when idle."""

from __future__ import annotations

from typing import Any

from hbdesk.hookspecs import hookimpl


@hookimpl
def register_settings(register: Any) -> None:
    from hbdesk_plugins.market_data.settings import MarketDataSettings

    register("market_data", MarketDataSettings)


@hookimpl
def register_services(kernel: Any, register: Any) -> None:
    def market_data(kernel: Any) -> Any:
        from hbdesk_plugins.market_data.service import MarketDataService

        return MarketDataService(kernel)

    def tickers(kernel: Any) -> Any:
        from hbdesk_plugins.market_data.tickers import TickerPool

        return TickerPool(kernel)

    register("market_data", market_data, requires=("connector_manager",))
    register("market_tickers", tickers, requires=("connectors",))


@hookimpl
def register_routes(kernel: Any, register: Any) -> None:
    from hbdesk_plugins.market_data.api import routes

    register(routes)


@hookimpl
def register_screens(app: Any, register: Any) -> None:
    def screen() -> Any:
        from hbdesk_plugins.market_data.tui import MarketScreen

        return MarketScreen()

    register("market", screen, title="Market", key="3")


@hookimpl
def register_commands(app: Any, register: Any) -> None:
    from hbdesk.tui.contributions import screen_action

    def open_and(action: str) -> Any:
        return screen_action(app, "market", action)

    register("market: Pick a trading pair", open_and("pick_pair"), help="Fuzzy-search a connector and pair")
    register("market: Next candle interval", open_and("interval(1)"), help="1s, 1m, 3m … 1d")
    register("market: Follow the newest candles", open_and("follow"), help="Undo panning (end)")
