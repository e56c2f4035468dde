"""The simulated exchange as a kernel service: one market, a spot and a perpetual venue on it."""

from __future__ import annotations

import asyncio
from typing import Any

from hbdesk.sim.market import SimMarket
from hbdesk.sim.perpetual import SimPerpVenue
from hbdesk.sim.venue import SimVenue

SPOT = "hbdesk_sim"
PERPETUAL = "hbdesk_sim_perpetual"
MASTER_ACCOUNT = "master_account"


class SimService:
    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("sim")
        self.market = SimMarket(self.settings.seed)
        self.venue = SimVenue(self.market)
        self.perpetual = SimPerpVenue(self.market, funding_interval=self.settings.funding_interval)
        for asset, amount in self.settings.funding.items():
            self.venue.fund(MASTER_ACCOUNT, asset, amount)
        for asset, amount in self.settings.perpetual_funding.items():
            self.perpetual.fund(MASTER_ACCOUNT, asset, amount)

    def venue_of(self, name: str) -> SimVenue | None:
        return {SPOT: self.venue, PERPETUAL: self.perpetual}.get(name)

    async def start(self) -> None:
        from hbdesk_plugins.connectors.specs import ConnectorSpec

        catalog = self.kernel.service("connectors")
        manager = self.kernel.service("connector_manager")
        catalog.register(ConnectorSpec(SPOT, "spot"))
        catalog.register(ConnectorSpec(PERPETUAL, "perpetual"))
        for name in (SPOT, PERPETUAL):
            manager.register_factory(name, self._factory(name))
        self.kernel.spawn(self._match(), name="sim matching")

    async def _match(self) -> None:
        while True:
            now = self.kernel.clock()
            self.venue.step(now)
            self.perpetual.step(now)
            await asyncio.sleep(self.settings.step_interval)

    def _factory(self, kind: str) -> Any:
        """The connector manager's factory for one venue: its hummingbot connector, on demand."""

        def build(account: str | None, trading_pairs: list[str], trading_required: bool) -> Any:
            if kind == SPOT:
                from hbdesk.sim.connector import HbdeskSimExchange as connector_class
            else:
                from hbdesk.sim.perpetual_connector import HbdeskSimPerpetualDerivative as connector_class
            return connector_class(
                self.venue_of(kind),
                account or MASTER_ACCOUNT,
                trading_pairs or None,
                trading_required=trading_required,
                clock=self.kernel.clock,
            )

        return build
