"""The simulated exchange as a kernel service: one market, a spot and a perpetual venue on it."""

from __future__ import annotations

import asyncio
from typing import Any

from hbdesk_plugins.sim.keys import PERPETUAL, SPOT
from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.perpetual import SimPerpVenue
from hbdesk_plugins.sim.venue import SimVenue

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
        self.kernel.spawn(self._match(), name="sim matching")

    async def _match(self) -> None:
        while True:
            now = self.kernel.clock()
            self.venue.step(now)
            self.perpetual.step(now)
            await asyncio.sleep(self.settings.step_interval)

    def connector(
        self, name: str, account: str | None, trading_pairs: list[str], trading_required: bool
    ) -> Any:
        """The hummingbot connector of one venue for an account (or public data), not started."""
        if name == SPOT:
            from hbdesk_plugins.sim.connector import HbdeskSimExchange as connector_class
        else:
            from hbdesk_plugins.sim.perpetual_connector import HbdeskSimPerpetualDerivative as connector_class
        return connector_class(
            self.venue_of(name),
            account or MASTER_ACCOUNT,
            trading_pairs or None,
            trading_required=trading_required,
            clock=self.kernel.clock,
        )
