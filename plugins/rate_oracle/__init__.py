"""Rate oracle: token prices in the global token, from the simulated exchange or hummingbot's sources."""

from __future__ import annotations

from typing import Any

from hbdesk.hookspecs import hookimpl


@hookimpl
def register_services(kernel: Any, register: Any) -> None:
    def rate_oracle(kernel: Any) -> Any:
        from hbdesk_plugins.rate_oracle.service import RateOracleService

        return RateOracleService(kernel)

    register("rate_oracle", rate_oracle)


@hookimpl
def register_routes(kernel: Any, register: Any) -> None:
    from hbdesk_plugins.rate_oracle.api import routes

    register(routes)
