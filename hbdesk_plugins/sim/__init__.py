"""The simulated exchange: ``hbdesk_sim`` and ``hbdesk_sim_perpetual``, a living market with no
network and no credentials, provided to the connectors plugin like any other connector."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import RegisterSettings, hookimpl
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.sim.keys import PERPETUAL, SIM, SPOT

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.connectors.public import MarketSource, RegisterProvider
    from hbdesk_plugins.sim.service import SimService


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.sim.settings import SimSettings

    register("sim", SimSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def sim(kernel: Kernel) -> SimService:
        from hbdesk_plugins.sim.service import SimService

        return SimService(kernel)

    register(SIM, sim, requires=(CONNECTORS,))


@hookimpl
def register_connector_providers(kernel: Kernel, register: RegisterProvider) -> None:
    from hbdesk_plugins.connectors.public import ConnectorProvider, ConnectorSpec

    def market() -> MarketSource | None:
        service = kernel.optional_service(SIM)
        return service.market if service is not None else None

    def factory(name: str) -> Any:
        async def build(account: str | None, trading_pairs: list[str], trading_required: bool) -> Any:
            service = kernel.service(SIM)
            # The first build imports hummingbot's connector machinery: in a thread, not on the loop.
            await asyncio.to_thread(service.connector_class, name)
            return service.connector(name, account, trading_pairs, trading_required)

        return build

    register(ConnectorProvider(ConnectorSpec(SPOT, "spot"), factory(SPOT), market, default_market=True))
    register(ConnectorProvider(ConnectorSpec(PERPETUAL, "perpetual"), factory(PERPETUAL), market))
