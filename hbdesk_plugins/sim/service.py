"""The simulated exchange as a kernel service: one market, a spot and a perpetual venue on it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from hbdesk_plugins.sim.keys import SPOT
from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.perpetual import SimPerpVenue
from hbdesk_plugins.sim.settings import SimSettings
from hbdesk_plugins.sim.venue import SimVenue

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel

MASTER_ACCOUNT = "master_account"


class SimService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("sim", SimSettings)
        self.market = SimMarket(self.settings.seed)
        self.venue = SimVenue(self.market)
        self.perpetual = SimPerpVenue(self.market, funding_interval=self.settings.funding_interval)
        for asset, amount in self.settings.funding.items():
            self.venue.fund(MASTER_ACCOUNT, asset, amount)
        for asset, amount in self.settings.perpetual_funding.items():
            self.perpetual.fund(MASTER_ACCOUNT, asset, amount)

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

            venue: SimVenue = self.venue
        else:
            from hbdesk_plugins.sim.perpetual_connector import HbdeskSimPerpetualDerivative as connector_class

            venue = self.perpetual
        return connector_class(
            venue,
            account or MASTER_ACCOUNT,
            trading_pairs or None,
            trading_required=trading_required,
            clock=self.kernel.clock,
        )
