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

    register("market_data", market_data, requires=("connector_manager",))


@hookimpl
def register_routes(kernel: Any, register: Any) -> None:
    from hbdesk_plugins.market_data.api import routes

    register(routes)
