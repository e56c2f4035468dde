"""Rate oracle: token prices in the global token, from the simulated exchange or hummingbot's sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterRoutes, hookimpl
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.rate_oracle.service import RateOracleService


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def rate_oracle(kernel: Kernel) -> RateOracleService:
        from hbdesk_plugins.rate_oracle.service import RateOracleService

        return RateOracleService(kernel)

    # Connectors whose market a plugin computes price offline; the connector manager's timeout
    # bounds hummingbot's sources.
    register(RATE_ORACLE, rate_oracle, optional=(CONNECTORS, CONNECTOR_MANAGER))


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.rate_oracle.api import routes

    register(routes)
